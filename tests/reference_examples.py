"""reference.md's setup and per-method examples, read back from the file users read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Tuple

REFERENCE = Path(__file__).resolve().parent.parent / "reference.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def setup_and_examples() -> Tuple[str, Dict[str, str]]:
    """The setup block, and the example of each method by its heading (``client.tasks.get``)."""
    text = REFERENCE.read_text(encoding="utf-8")
    head, _, body = text.partition("\n## Contents")
    setup = _BLOCK.findall(head)[0]
    examples: Dict[str, str] = {}
    for section in re.split(r"\n### ", body)[1:]:
        title = section.split("`")[1]
        blocks = _BLOCK.findall(section)
        # The first block is the signature; the example, when there is one, comes after it.
        if len(blocks) >= 2:
            examples[title] = blocks[-1]
    return setup, examples
