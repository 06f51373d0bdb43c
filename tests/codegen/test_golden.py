"""The compiler's output for a small spec that uses every convention, compared with golden files.

After an intended change to codegen, refresh them with ``UPDATE_GOLDEN=1 pytest tests/codegen`` and
read the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from codegen.load import load_api
from codegen.overlays import OverlayError
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


OVERLAY: Dict[str, Any] = {
    "overlays": {
        "widgets.parts": {
            "sync": "widgets.parts._sync.client_ext.PartsClientExt",
            "async": "widgets.parts._async.client_ext.AsyncPartsClientExt",
            "overrides": ["list"],
        }
    },
    "root_exports": {"widgets.errors": ["WidgetError"]},
}

GOOD_OVERLAY = """
class AsyncPartsClientExt:
    def list(self, name, widget_pk, *, request_options=None, extra=None):
        pass

    async def helper(self):
        pass
"""


def write_overlay(package: Path, body: str) -> None:
    source = package / "widgets" / "parts" / "_async" / "client_ext.py"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(body)


def declared(**changes: Any) -> Dict[str, Any]:
    return {"overlays": {"widgets.parts": {**OVERLAY["overlays"]["widgets.parts"], **changes}}}


def test_overlay_subclass_is_handed_out(tmp_path: Path) -> None:
    """A declared overlay: the parent returns (and the package exports) its subclasses; the extra
    root exports come from the config, not from the compiler."""
    write_overlay(tmp_path, GOOD_OVERLAY)
    api = load_api(HERE / "spec.yaml", package_dir=tmp_path, config=OVERLAY)
    files = render_text(api, ROOT / "pyproject.toml")
    parent = files["src/label_studio_sdk/widgets/client.py"]
    assert "from label_studio_sdk.widgets.parts._sync.client_ext import PartsClientExt" in parent
    assert "from label_studio_sdk.widgets.parts._async.client_ext import AsyncPartsClientExt" in parent
    assert "return PartsClientExt(self._client)" in parent
    assert "return AsyncPartsClientExt(self._client)" in parent
    assert "def parts(self) -> PartsClientExt:" in parent
    exports = files["src/label_studio_sdk/widgets/parts/__init__.py"]
    for name in ("PartsClient", "AsyncPartsClient", "PartsClientExt", "AsyncPartsClientExt"):
        assert f'"{name}": ' in exports
    assert '"WidgetError": ' in files["src/label_studio_sdk/__init__.py"]
    # Without the declaration nothing mentions it, even with the file present.
    plain = render_text(load_api(HERE / "spec.yaml", package_dir=tmp_path), ROOT / "pyproject.toml")
    assert "client_ext" not in plain["src/label_studio_sdk/widgets/client.py"]
    assert "WidgetError" not in plain["src/label_studio_sdk/__init__.py"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        # The spec's parameter `widget_pk` would never reach users of the overlay.
        (
            "class AsyncPartsClientExt:\n    def list(self, name, *, request_options=None): ...\n",
            ["widget_pk"],
        ),
        ("class AsyncPartsClientExt:\n    def list(self, name, widget_pk): ...\n", ["request_options"]),
        ("class Other:\n    pass\n", ["defines no class AsyncPartsClientExt"]),
        ("class AsyncPartsClientExt:\n    pass\n", ["'list'", "does not define"]),
    ],
)
def test_overlay_checked_against_the_spec(tmp_path: Path, body: str, words: List[str]) -> None:
    write_overlay(tmp_path, body)
    with pytest.raises(OverlayError) as info:
        load_api(HERE / "spec.yaml", package_dir=tmp_path, config=OVERLAY)
    for word in words:
        assert word in str(info.value)


def test_overlay_declarations_checked(tmp_path: Path) -> None:
    write_overlay(tmp_path, GOOD_OVERLAY)
    with pytest.raises(OverlayError, match=r"replaces the generated widgets\.parts\.list"):
        load_api(HERE / "spec.yaml", package_dir=tmp_path, config=declared(overrides=[]))
    with pytest.raises(OverlayError, match=r"'nope', which widgets\.parts does not generate"):
        load_api(HERE / "spec.yaml", package_dir=tmp_path, config=declared(overrides=["list", "nope"]))
    unknown = {"overlays": {"gadgets": OVERLAY["overlays"]["widgets.parts"]}}
    with pytest.raises(OverlayError, match="no group 'gadgets'"):
        load_api(HERE / "spec.yaml", package_dir=tmp_path, config=unknown)
    with pytest.raises(OverlayError, match="does not exist"):
        load_api(HERE / "spec.yaml", package_dir=tmp_path / "elsewhere", config=OVERLAY)


def test_repository_overlays_accept_every_generated_parameter() -> None:
    """The real declarations: loading the real spec with them runs every check above."""
    from codegen.unasync import load_config

    api = load_api(ROOT / "openapi.yaml", ROOT / "src" / "label_studio_sdk", load_config())
    overlays = {res.dotted: res.overlay for res in api.all_resources if res.overlay is not None}
    assert set(overlays) == {"projects", "projects.exports", "tasks", "tokens"}
    assert set(overlays["projects"].overrides) == {"import_tasks", "import_predictions"}


def test_reference_documents_the_overlay_helpers() -> None:
    """reference.md shows what users call: the overlays' helpers and overridden signatures."""
    reference = (ROOT / "reference.md").read_text(encoding="utf-8")
    for helper in ("as_json", "as_bytes", "as_file", "as_pandas"):
        assert f"### `client.projects.exports.{helper}`" in reference
    assert "### `client.tokens.list`" in reference
    import_tasks = reference.split("### `client.projects.import_tasks`", 1)[1].split("### ", 1)[0]
    assert "chunk_size: int = DEFAULT_CHUNK_SIZE" in import_tasks
    assert "ChunkedImportError" in import_tasks
    tasks_list = reference.split("### `client.tasks.list`", 1)[1].split("### ", 1)[0]
    assert "filters: Optional[TaskFilters] = None" in tasks_list
    # the sync twin's type, not AsyncPager; with include= the tasks are partial
    assert "-> Union[SyncPager[Task], SyncPager[PartialTask]]" in tasks_list
    assert "iter_pages()" in reference


def test_a_partial_listing_renders_overloads_that_compile(tmp_path: Path) -> None:
    spec = yaml.safe_load((HERE / "spec.yaml").read_text())
    spec["paths"]["/api/widgets/"]["get"]["parameters"].append(
        {"name": "include", "in": "query", "schema": {"type": "string"}, "x-sdk-partial": True}
    )
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    files = render_text(load_api(path, package_dir=None), ROOT / "pyproject.toml")
    client = files["src/label_studio_sdk/widgets/client.py"]
    compile(client, "widgets/client.py", "exec")
    assert client.count("@overload") == 6  # three per flavour
    assert "include: Omit = OMIT," in client and "include: str," in client
    assert "-> SyncPager[PartialWidget]: ..." in client and "-> AsyncPager[PartialWidget]: ..." in client
    assert (
        "cast_to=WidgetsListResponse if include is OMIT or include is None else PartialWidgetsListResponse"
        in client
    )
    assert any(name.endswith("types/partial_widget.py") for name in files)
