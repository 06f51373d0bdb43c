"""`label-studio-sdk`: the command line. `main()` is the console script; see `label_studio_sdk.cli.main`."""

from __future__ import annotations

from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Run one command and return its exit code (0 ok, 1 other, 2 usage, 3 HTTP error, 4 connection)."""
    from label_studio_sdk.cli.main import main as run

    return run(argv)
