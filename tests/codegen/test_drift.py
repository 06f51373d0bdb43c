"""`python -m codegen check` passes on this checkout and fails on each kind of drift."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def run(command: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", command, "--root", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def copy_of_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("repo")
    for name in ("openapi.yaml", "pyproject.toml", "reference.md"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "tests" / "generated",
        target / "tests" / "generated",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return target


def test_this_checkout_has_no_drift() -> None:
    result = run("check", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hand_edit_of_a_generated_file_is_caught(copy_of_repo: Path) -> None:
    target = copy_of_repo / "src/label_studio_sdk/projects/client.py"
    original = target.read_text()
    target.write_text(original.replace("Fetch one project", "Fetch a project"))
    try:
        result = run("check", copy_of_repo)
        assert result.returncode == 1
        assert "differs: src/label_studio_sdk/projects/client.py" in result.stdout
    finally:
        target.write_text(original)


def test_missing_and_stale_files_are_caught(copy_of_repo: Path) -> None:
    missing = copy_of_repo / "src/label_studio_sdk/types/project.py"
    stale = copy_of_repo / "src/label_studio_sdk/types/gone.py"
    saved = missing.read_text()
    missing.unlink()
    stale.write_text(saved)
    try:
        result = run("check", copy_of_repo)
        assert result.returncode == 1
        assert "missing: src/label_studio_sdk/types/project.py" in result.stdout
        assert (
            "stale (generated file the spec no longer produces): src/label_studio_sdk/types/gone.py"
            in result.stdout
        )
    finally:
        missing.write_text(saved)
        stale.unlink()


def test_generate_repairs_drift(copy_of_repo: Path) -> None:
    target = copy_of_repo / "reference.md"
    target.write_text(target.read_text() + "\nhand-written line\n")
    assert run("check", copy_of_repo).returncode == 1
    assert run("generate", copy_of_repo).returncode == 0
    assert run("check", copy_of_repo).returncode == 0


def test_hand_written_files_are_left_alone(copy_of_repo: Path) -> None:
    overlay = copy_of_repo / "src/label_studio_sdk/core/extra_helper.py"
    overlay.write_text("VALUE = 1\n")
    try:
        assert run("generate", copy_of_repo).returncode == 0
        assert overlay.read_text() == "VALUE = 1\n"
    finally:
        overlay.unlink()
