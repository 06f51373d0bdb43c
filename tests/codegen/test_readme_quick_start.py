"""The README's quick starts are the files under tests/typing that CI type-checks, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIES = ["quick_start_sync.py", "quick_start_async.py"]


def _quick_start_blocks() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Quick start\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_type_checked_copies_are_the_readme_blocks() -> None:
    blocks = _quick_start_blocks()
    assert len(blocks) == len(COPIES)
    for block, name in zip(blocks, COPIES):
        copy = (ROOT / "tests" / "typing" / name).read_text(encoding="utf-8")
        body = "".join(line for line in copy.splitlines(keepends=True) if not line.startswith("# "))
        assert body == block, f"tests/typing/{name} differs from the README's quick start"
