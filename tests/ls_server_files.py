"""Where the Label Studio server's own files are: its virtualenv, its label-config templates.

The server (PyPI ``label-studio``) lives in ``$LS_BASE_VENV``, by default ``$LS_HOME/venv``
(``scripts/label-studio-server.sh``; ``LS_HOME`` defaults to ``<repo>/.ls-server``). With ``LS_SDK=ours``
the server runs from a second virtualenv layered over that one with our package in it; the one here is
always the untouched server virtualenv, with the published label-studio-sdk. Its package ships the label-config templates the server offers in its
UI; the corpus tests read them from there (they are not copied into this repository). The published
label-studio-sdk installed beside it serves as a black box for compatibility checks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

REPO = Path(__file__).resolve().parent.parent


def server_home() -> Path:
    return Path(os.environ.get("LS_HOME") or REPO / ".ls-server")


def server_venv() -> Path:
    """The server's own virtualenv, where the published label-studio-sdk is (never the layered one)."""
    return Path(os.environ.get("LS_BASE_VENV") or server_home() / "venv")


def server_python() -> Optional[Path]:
    python = server_venv() / "bin" / "python"
    return python if python.exists() else None


def server_site_packages() -> Optional[Path]:
    found = sorted((server_venv() / "lib").glob("python*/site-packages"))
    return found[0] if found else None


def require_server_install() -> Path:
    """The server's site-packages; a skip (or, in CI with a server required, a failure) without it."""
    site = server_site_packages()
    if site is None or not (site / "label_studio").is_dir():
        message = f"the Label Studio server is not installed in {server_venv()} (scripts/label-studio-server.sh start)"
        if os.environ.get("LABEL_STUDIO_REQUIRE_SERVER"):
            pytest.fail(message)
        pytest.skip(message)
    return site


def template_configs() -> List[Tuple[str, str]]:
    """``(template id, config)`` for every label-config template the server ships, sorted by id;
    empty when the server is not installed (``require_server_install`` says so in a test)."""
    import yaml

    site = server_site_packages()
    if site is None:
        return []
    root = site / "label_studio" / "annotation_templates"
    templates = []
    for path in sorted(root.glob("**/config.yml")):
        with path.open(encoding="utf-8") as handle:
            meta = yaml.safe_load(handle)
        templates.append((str(path.parent.relative_to(root)), meta["config"]))
    return templates
