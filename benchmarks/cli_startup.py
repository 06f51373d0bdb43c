"""Start-up time of the `label-studio-sdk` command, as a ratio to `python -c pass`.

Each command is a fresh process: the console script's own interpreter running `--help` output
into a pipe (no server involved). The sides are interleaved, RUNS times each; the median wall time
is reported and compared with a bare interpreter start. Bytecode is compiled first so that the
first run does not pay for it.

    python benchmarks/cli_startup.py [--runs 21] [--json out.json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import label_studio_sdk

CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "label-studio-sdk --help": ["--help"],
    "label-studio-sdk projects list --help": ["projects", "list", "--help"],
    "label-studio-sdk import --help": ["import", "--help"],
}
LIMIT_MS = 200.0  # the budget for the two --help commands


def command_line(args: List[str]) -> List[str]:
    if args and args[0] == sys.executable:
        return args
    script = shutil.which("label-studio-sdk", path=str(Path(sys.executable).parent)) or shutil.which(
        "label-studio-sdk"
    )
    return [script, *args] if script else [sys.executable, "-m", "label_studio_sdk.cli", *args]


def once(argv: List[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    package = Path(label_studio_sdk.__file__).parent
    compileall.compile_dir(str(package / "cli"), quiet=1)
    compileall.compile_file(str(package / "__init__.py"), quiet=1)
    env_note = "PYTHONDONTWRITEBYTECODE is set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    argvs = {name: command_line(argv) for name, argv in CASES.items()}
    for argv in argvs.values():  # warm the file cache
        once(argv)
    times: Dict[str, List[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, argv in argvs.items():
            times[name].append(once(argv))
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    base = medians["python -c pass"]
    results = {}
    print(f"start-up, median of {args.runs} runs {env_note}".rstrip())
    for name, ms in medians.items():
        ratio = ms / base
        results[name] = {"median_ms": round(ms, 1), "ratio": round(ratio, 2)}
        flag = "" if name == "python -c pass" or ms < LIMIT_MS else f"  (over {LIMIT_MS:.0f} ms)"
        print(f"  {name:<40} {ms:7.1f} ms  {ratio:5.2f}x{flag}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
