"""The compiler's output for a small spec that uses every convention, compared with golden files.

After an intended change to codegen, refresh them with ``UPDATE_GOLDEN=1 pytest tests/codegen`` and
read the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Dict

import pytest

from codegen.load import load_api
from codegen.render import render_text

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
GOLDEN = HERE / "golden"
SUFFIX = ".golden"  # keeps pytest, ruff and type checkers away from the golden files


@pytest.fixture(scope="module")
def rendered() -> Dict[str, str]:
    api = load_api(HERE / "spec.yaml", package_dir=None)
    files = render_text(api, ROOT / "pyproject.toml")
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, text in files.items():
            target = GOLDEN / (path + SUFFIX)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return files


def golden_files() -> Dict[str, str]:
    return {
        p.relative_to(GOLDEN).as_posix()[: -len(SUFFIX)]: p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*" + SUFFIX)
    }


def test_same_set_of_files(rendered: Dict[str, str]) -> None:
    assert sorted(rendered) == sorted(golden_files())


@pytest.mark.parametrize("path", sorted(golden_files()))
def test_file_matches_golden(rendered: Dict[str, str], path: str) -> None:
    assert rendered[path] == golden_files()[path]


def test_overlay_subclass_is_handed_out(tmp_path: Path) -> None:
    """With widgets/parts/client_ext.py present, the parent returns (and the package exports) its subclasses."""
    overlay = tmp_path / "widgets" / "parts" / "client_ext.py"
    overlay.parent.mkdir(parents=True)
    overlay.write_text("# hand-written\n")
    api = load_api(HERE / "spec.yaml", package_dir=tmp_path)
    files = render_text(api, ROOT / "pyproject.toml")
    parent = files["src/label_studio_sdk/widgets/client.py"]
    assert "from label_studio_sdk.widgets.parts.client_ext import PartsClientExt" in parent
    assert "return PartsClientExt(self._client)" in parent
    assert "return AsyncPartsClientExt(self._client)" in parent
    assert "def parts(self) -> PartsClientExt:" in parent
    exports = files["src/label_studio_sdk/widgets/parts/__init__.py"]
    for name in ("PartsClient", "AsyncPartsClient", "PartsClientExt", "AsyncPartsClientExt"):
        assert f'"{name}": ' in exports
    # Without the overlay file nothing mentions it.
    assert (
        "client_ext"
        not in render_text(load_api(HERE / "spec.yaml", package_dir=None), ROOT / "pyproject.toml")[
            "src/label_studio_sdk/widgets/client.py"
        ]
    )
