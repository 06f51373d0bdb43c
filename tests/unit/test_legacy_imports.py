"""The deprecated 0.x import paths: each warns exactly once, naming the new equivalent, at the user's line.

Every check runs in a fresh interpreter (the warnings fire once per process, and pytest's own filters
would get in the way), with ``-W default`` to see them and ``-W error::DeprecationWarning`` to make
them fatal.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, *flags, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )


def deprecations(stderr: str) -> List[str]:
    return [line for line in stderr.splitlines() if "DeprecationWarning" in line]


CASES = [
    # (user code, the deprecated path named, the new equivalent named)
    ("from label_studio_sdk import Client\n", "label_studio_sdk.Client", "label_studio_sdk.LabelStudio"),
    (
        "import label_studio_sdk\nlabel_studio_sdk.Client\n",
        "label_studio_sdk.Client",
        "label_studio_sdk.LabelStudio",
    ),
    (
        "from label_studio_sdk.client import Client\n",
        "label_studio_sdk.client.Client",
        "label_studio_sdk.LabelStudio",
    ),
    (
        "import label_studio_sdk.project\n",
        "label_studio_sdk.project",
        "label_studio_sdk.LabelStudio().projects",
    ),
    (
        "from label_studio_sdk.project import Project, ProjectSampling\n",
        "label_studio_sdk.project",
        "label_studio_sdk.LabelStudio().projects",
    ),
]


@pytest.mark.parametrize(("code", "old", "new"), CASES)
def test_each_path_warns_once_at_the_users_line(tmp_path: Path, code: str, old: str, new: str) -> None:
    # the same import three times: still one warning
    result = run(tmp_path, code * 3, "-W", "default")
    assert result.returncode == 0, result.stderr
    warnings = deprecations(result.stderr)
    assert len(warnings) == 1, result.stderr
    assert f"{old} is deprecated" in warnings[0]
    assert f"use {new}" in warnings[0]
    last_line = len(code.splitlines())
    assert f"script.py:{last_line}: DeprecationWarning: The 0.x API " in warnings[0], warnings[0]


@pytest.mark.parametrize(("code", "old", "new"), CASES)
def test_each_path_fails_under_error(tmp_path: Path, code: str, old: str, new: str) -> None:
    result = run(tmp_path, code, "-W", "error::DeprecationWarning")
    assert result.returncode != 0
    assert "DeprecationWarning: The 0.x API " in result.stderr
    assert new in result.stderr


def test_all_paths_together_warn_once_each(tmp_path: Path) -> None:
    code = (
        "import label_studio_sdk\n"
        "from label_studio_sdk import Client\n"
        "from label_studio_sdk.client import Client as C2\n"
        "from label_studio_sdk.project import Project, Client as C3\n"
        "assert Client is C2 is C3 is label_studio_sdk.Client\n"
        "from label_studio_sdk._legacy import Client as Legacy, Project as LegacyProject\n"
        "assert Client is Legacy and Project is LegacyProject\n"
    )
    result = run(tmp_path, code, "-W", "default")
    assert result.returncode == 0, result.stderr
    warnings = deprecations(result.stderr)
    assert len(warnings) == 3, result.stderr
    assert "script.py:2:" in warnings[0] and "label_studio_sdk.Client is deprecated" in warnings[0]
    assert "script.py:3:" in warnings[1] and "label_studio_sdk.client.Client is deprecated" in warnings[1]
    assert "script.py:4:" in warnings[2] and "label_studio_sdk.project is deprecated" in warnings[2]


def test_the_private_package_does_not_warn(tmp_path: Path) -> None:
    code = (
        "from label_studio_sdk._legacy import Client, Project, ProjectSampling, parse_config, User\n"
        "from label_studio_sdk._legacy.project import LabelStudioAttributeError\n"
        "assert issubclass(LabelStudioAttributeError, AttributeError)\n"
    )
    result = run(tmp_path, code, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_new_client_does_not_load_the_legacy_layer(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from label_studio_sdk import LabelStudio, AsyncLabelStudio, NotFoundError, Project\n"
        "import label_studio_sdk.client\n"
        "ls = LabelStudio(base_url='http://localhost:1', api_key='k')\n"
        "ls.projects, ls.users, ls.versions\n"
        "assert Project.__module__ == 'label_studio_sdk.types.project', Project.__module__\n"
        "legacy = sorted(m for m in sys.modules if m.startswith('label_studio_sdk._legacy'))\n"
        "assert legacy == [], legacy\n"
        "assert 'label_studio_sdk.project' not in sys.modules\n"
        "assert 'requests' not in sys.modules\n"
    )
    result = run(tmp_path, code, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_legacy_layer_does_not_import_requests(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import label_studio_sdk._legacy as legacy\n"
        "legacy.Project, legacy.Workspace\n"
        "c = legacy.Client(url='http://localhost:1', api_key='k')\n"
        "c.ls\n"
        "assert 'requests' not in sys.modules\n"
        "assert 'lxml' not in sys.modules\n"
    )
    result = run(tmp_path, code, "-W", "error")
    assert result.returncode == 0, result.stderr


def test_root_dir_lists_client(tmp_path: Path) -> None:
    code = "import label_studio_sdk\nassert 'Client' in label_studio_sdk.__all__\nassert 'Client' in dir(label_studio_sdk)\n"
    result = run(tmp_path, code, "-W", "error")
    assert result.returncode == 0, result.stderr


def test_unknown_names_still_raise_attribute_error(tmp_path: Path) -> None:
    code = (
        "import label_studio_sdk.client as c\n"
        "try:\n    c.Nope\nexcept AttributeError as e:\n    assert 'Nope' in str(e)\nelse:\n    raise SystemExit(1)\n"
        "import label_studio_sdk._legacy.deprecated as d\n"
        "try:\n    d.Nope\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    result = run(tmp_path, code, "-W", "error")
    assert result.returncode == 0, result.stderr


def test_pytest_filter_ignores_exactly_our_message() -> None:
    """pyproject's filterwarnings lets the suite import the old paths, and nothing else."""
    import warnings

    import label_studio_sdk.project as old_module

    assert old_module.Project.__module__ == "label_studio_sdk._legacy.project"
    with pytest.raises(DeprecationWarning):
        warnings.warn(
            "The 0.x-style thing label_studio_sdk.other is deprecated", DeprecationWarning, stacklevel=1
        )
