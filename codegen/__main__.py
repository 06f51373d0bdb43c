"""`python -m codegen generate` writes the generated files; `python -m codegen check` fails on drift."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Dict, List

from .load import SpecError, load_api
from .overlays import OverlayError
from .render import MD_HEADER, render_text
from .unasync import GENERATED_PREFIX, UnasyncError, load_config, twins

ROOT = Path(__file__).resolve().parent.parent
GENERATED_ROOTS = ("src/label_studio_sdk", "tests/generated")


def existing_generated(root: Path) -> Dict[str, str]:
    """Files in the tree that carry the generated header, by relative path."""
    found: Dict[str, str] = {}
    for base in GENERATED_ROOTS:
        for path in (root / base).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if text.startswith(GENERATED_PREFIX):
                found[path.relative_to(root).as_posix()] = text
    reference = root / "reference.md"
    if reference.exists() and reference.read_text(encoding="utf-8").startswith(MD_HEADER):
        found["reference.md"] = reference.read_text(encoding="utf-8")
    return found


def build(root: Path) -> Dict[str, str]:
    config = load_config()
    api = load_api(root / "openapi.yaml", root / "src" / "label_studio_sdk", config)
    # The sync twins of the hand-written async runtime are formatted with the rest.
    return render_text(api, root / "pyproject.toml", extra=twins(root, config))


def generate(root: Path) -> int:
    files = build(root)
    stale = set(existing_generated(root)) - set(files)
    for path in sorted(stale):
        (root / path).unlink()
    changed = 0
    for path, text in files.items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed += 1
    ops = sum(1 for p in files if p.endswith("/client.py"))
    print(f"codegen: {len(files)} files ({changed} changed, {len(stale)} removed; {ops} clients)")
    return 0


def check(root: Path) -> int:
    files = build(root)
    current = existing_generated(root)
    problems: List[str] = []
    for path, text in sorted(files.items()):
        target = root / path
        if not target.exists():
            problems.append(f"missing: {path}")
            continue
        actual = target.read_text(encoding="utf-8")
        if actual != text:
            diff = difflib.unified_diff(
                actual.splitlines(), text.splitlines(), path, path + " (expected)", lineterm=""
            )
            problems.append("differs: " + path + "\n" + "\n".join(list(diff)[:40]))
    for path in sorted(set(current) - set(files)):
        problems.append(f"stale (generated file the spec no longer produces): {path}")
    if problems:
        print(
            "codegen check: generated files do not match openapi.yaml and the async sources; "
            "run `python -m codegen generate`."
        )
        print("\n".join(problems))
        return 1
    print(f"codegen check: {len(files)} generated files match openapi.yaml")
    return 0


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        return generate(args.root) if args.command == "generate" else check(args.root)
    except SpecError as exc:
        print(f"codegen: error in the spec: {exc}", file=sys.stderr)
        return 2
    except OverlayError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2
    except UnasyncError as exc:
        print(f"codegen: cannot derive a sync twin: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
