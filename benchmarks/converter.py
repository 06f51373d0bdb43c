"""The converter against the published label-studio-sdk, in one run, as ratios; and its memory on 1,000,000 tasks.

- throughput: tasks per second for YOLO, COCO, CSV and JSON_MIN on the same generated export of 20,000
  image tasks with two rectangles each, converted with ``Converter(config, None, download_resources=False)``
  in a fresh process per side and format, timed inside the process; best of ``ROUNDS`` each.
- memory: peak resident set size (``ru_maxrss`` of the child process) while our converter turns an export
  of 1,000,000 such tasks into JSON_MIN and COCO; the target is < 200 MiB whatever the number of tasks.

The published package is the one installed in the Label Studio server's virtualenv
(``$LS_HOME/venv``, see scripts/label-studio-server.sh).

    python benchmarks/converter.py [--tasks 20000] [--big-tasks 1000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

REPO = Path(__file__).resolve().parent.parent
LS_HOME = Path(os.environ.get("LS_HOME") or REPO / ".ls-server")
PUBLISHED_PYTHON = LS_HOME / "venv" / "bin" / "python"

FORMATS = ["YOLO", "COCO", "CSV", "JSON_MIN"]
MEMORY_FORMATS = ["JSON_MIN", "COCO"]
ROUNDS = 2
TARGET_RATIO = 3.0
TARGET_MIB = 200.0
LABELS = ["Car", "Person", "Bicycle", "Truck"]

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/><Label value="Truck"/>
  </RectangleLabels>
</View>"""

CONVERT_SCRIPT = """
import json, logging, resource, shutil, sys, time, warnings
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
from label_studio_sdk.converter import Converter
config, export, output, fmt, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
best = float("inf")
for _ in range(rounds):
    shutil.rmtree(output, ignore_errors=True)
    converter = Converter(config, None, download_resources=False)
    started = time.perf_counter()
    converter.convert(export, output, fmt, is_dir=False)
    best = min(best, time.perf_counter() - started)
print(json.dumps({"seconds": best, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _task(number: int, rng: random.Random) -> Dict[str, Any]:
    result = []
    for region in range(2):
        x, y = rng.uniform(0, 60), rng.uniform(0, 60)
        result.append(
            {
                "id": f"r{number}_{region}",
                "from_name": "label",
                "to_name": "image",
                "type": "rectanglelabels",
                "original_width": 640,
                "original_height": 480,
                "image_rotation": 0,
                "value": {
                    "x": x,
                    "y": y,
                    "width": rng.uniform(1, 40),
                    "height": rng.uniform(1, 40),
                    "rotation": 0,
                    "rectanglelabels": [rng.choice(LABELS)],
                },
            }
        )
    return {
        "id": number,
        "data": {"image": f"/data/upload/1/{number:08d}-photo.jpg"},
        "annotations": [
            {
                "id": number,
                "completed_by": 1,
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2024-05-01T10:00:00.000000Z",
                "updated_at": "2024-05-01T10:00:00.000000Z",
                "lead_time": 3.5,
                "task": number,
                "project": 1,
            }
        ],
        "predictions": [],
        "meta": {},
        "created_at": "2024-05-01T09:00:00.000000Z",
        "updated_at": "2024-05-01T10:00:00.000000Z",
        "inner_id": number,
        "total_annotations": 1,
        "cancelled_annotations": 0,
        "total_predictions": 0,
        "project": 1,
    }


def write_export(path: Path, count: int) -> None:
    """A JSON array of ``count`` tasks, written one task at a time (the server's layout: one line)."""
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for number in range(1, count + 1):
            if number > 1:
                out.write(", ")
            out.write(json.dumps(_task(number, rng)))
        out.write("]")


def _convert(python: str, export: Path, output: Path, fmt: str, rounds: int) -> Dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    done = subprocess.run(
        [python, "-c", CONVERT_SCRIPT, CONFIG, str(export), str(output), fmt, str(rounds)],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{python} {fmt} failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--big-tasks", type=int, default=1_000_000, help="0 skips the memory run")
    parser.add_argument(
        "--work-dir", help="where the generated exports and outputs go (default: the repository)"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    results: Dict[str, Any] = {"tasks": options.tasks, "throughput": {}, "memory": {}}
    rows: List[str] = []
    # Throughput runs on a RAM disk when there is one: creating a file costs 0.05-1 ms on this machine's disks,
    # depending on their load, which would time the disk rather than the converters (YOLO writes a file per
    # image; both sides pay the same). The 1M-task memory run uses the repository's disk (it needs ~2 GB).
    shm = Path("/dev/shm")
    fast = options.work_dir or (str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else str(REPO))
    work = Path(tempfile.mkdtemp(prefix=".converter-bench-", dir=fast))
    big_work = Path(tempfile.mkdtemp(prefix=".converter-bench-", dir=options.work_dir or REPO))
    try:
        export = work / "export.json"
        write_export(export, options.tasks)
        if PUBLISHED_PYTHON.exists():
            rows.append(
                f"{'converter, ' + format(options.tasks, ',') + ' tasks (tasks/s)':<34} {'ours':>10} {'published':>10} {'ratio':>7}  target"
            )
            for fmt in FORMATS:
                ours = _convert(sys.executable, export, work / f"ours-{fmt}", fmt, ROUNDS)
                published = _convert(str(PUBLISHED_PYTHON), export, work / f"published-{fmt}", fmt, ROUNDS)
                ours_rate, published_rate = (
                    options.tasks / ours["seconds"],
                    options.tasks / published["seconds"],
                )
                ratio = ours_rate / published_rate
                results["throughput"][fmt] = {"ours": ours_rate, "published": published_rate, "ratio": ratio}
                verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
                rows.append(
                    f"{fmt:<34} {ours_rate:>10,.0f} {published_rate:>10,.0f} {ratio:>6.2f}x  >= {TARGET_RATIO:.0f}x: {verdict}"
                )
                shutil.rmtree(work / f"ours-{fmt}", ignore_errors=True)
                shutil.rmtree(work / f"published-{fmt}", ignore_errors=True)
        else:
            rows.append(f"throughput skipped: no published package at {PUBLISHED_PYTHON}")
        if options.big_tasks:
            big = big_work / "big.json"
            write_export(big, options.big_tasks)
            size_mib = big.stat().st_size / (1024 * 1024)
            rows.append(
                f"{'peak RSS, ' + format(options.big_tasks, ',') + f' tasks ({size_mib:,.0f} MiB)':<34} {'MiB':>10} {'tasks/s':>10}  target"
            )
            for fmt in MEMORY_FORMATS:
                measured = _convert(sys.executable, big, big_work / f"big-{fmt}", fmt, 1)
                shutil.rmtree(big_work / f"big-{fmt}", ignore_errors=True)
                results["memory"][fmt] = measured
                verdict = "PASS" if measured["peak_mib"] < TARGET_MIB else "MISS"
                rate = options.big_tasks / measured["seconds"]
                rows.append(
                    f"{fmt:<34} {measured['peak_mib']:>10,.1f} {rate:>10,.0f}  < {TARGET_MIB:.0f} MiB: {verdict}"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(big_work, ignore_errors=True)
    print("\n".join(rows))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
