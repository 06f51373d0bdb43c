"""label_interface against the published label-studio-sdk, in one run, as ratios.

- import: ``from label_studio_sdk.label_interface import LabelInterface`` in a fresh process, timed
  inside the process (interpreter start-up excluded), bytecode caches warm; best of several runs each side.
- validate_prediction: the same predictions (a rectangle plus a choice each) on the same
  rectangle-plus-choices config, validated with ``return_errors=True``; best round each side.
- construction: ``LabelInterface(config)`` per second (the server builds one per imported prediction).

The published package is the one installed in the Label Studio server's virtualenv
(``$LS_HOME/venv``, see scripts/label-studio-server.sh); each side runs in its own interpreter.

    python benchmarks/label_interface.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

REPO = Path(__file__).resolve().parent.parent
LS_HOME = Path(os.environ.get("LS_HOME") or REPO / ".ls-server")
PUBLISHED_PYTHON = LS_HOME / "venv" / "bin" / "python"

IMPORT_RUNS = 11
PREDICTIONS = 2_000
ROUNDS = 7
TARGET_IMPORT_MS = 30.0
TARGET_VALIDATE = 1.5  # ours / published rate, at least

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/><Label value="Truck"/>
  </RectangleLabels>
  <Choices name="weather" toName="image" choice="single">
    <Choice value="Sunny"/><Choice value="Rain"/><Choice value="Snow"/>
  </Choices>
</View>"""

IMPORT_SCRIPT = """
import time
started = time.perf_counter()
from label_studio_sdk.label_interface import LabelInterface
LabelInterface
print((time.perf_counter() - started) * 1000)
"""

WORK_SCRIPT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from label_studio_sdk.label_interface import LabelInterface
config, predictions, rounds = json.load(open(sys.argv[1]))
li = LabelInterface(config)
assert all(li.validate_prediction(p, return_errors=True) == [] for p in predictions)
best = float("inf")
for _ in range(rounds):
    started = time.perf_counter()
    for p in predictions:
        li.validate_prediction(p, return_errors=True)
    best = min(best, time.perf_counter() - started)
build_best = float("inf")
for _ in range(rounds):
    started = time.perf_counter()
    for _ in range(500):
        LabelInterface(config)
    build_best = min(build_best, time.perf_counter() - started)
print(json.dumps({"validate_per_s": len(predictions) / best, "build_per_s": 500 / build_best}))
"""


def make_predictions(count: int) -> List[Dict[str, Any]]:
    rng = random.Random(42)
    predictions = []
    for i in range(count):
        x, y = rng.uniform(0, 60), rng.uniform(0, 60)
        predictions.append(
            {
                "model_version": "bench",
                "score": round(rng.random(), 3),
                "result": [
                    {
                        "id": f"r{i}",
                        "from_name": "label",
                        "to_name": "image",
                        "type": "rectanglelabels",
                        "value": {
                            "x": x,
                            "y": y,
                            "width": rng.uniform(1, 40),
                            "height": rng.uniform(1, 40),
                            "rotation": 0,
                            "rectanglelabels": [rng.choice(["Car", "Person", "Bicycle", "Truck"])],
                        },
                    },
                    {
                        "id": f"c{i}",
                        "from_name": "weather",
                        "to_name": "image",
                        "type": "choices",
                        "value": {"choices": [rng.choice(["Sunny", "Rain", "Snow"])]},
                    },
                ],
            }
        )
    return predictions


def _run(python: str, *args: str, stdin: str = "") -> str:
    # Bytecode caching on, as users have it (this machine sets PYTHONDONTWRITEBYTECODE, which would
    # time the compiler instead of the import); the first import run writes the caches.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    done = subprocess.run([python, *args], capture_output=True, text=True, env=env, timeout=600, input=stdin)
    if done.returncode != 0:
        raise RuntimeError(f"{python} failed: {done.stderr[-1500:]}")
    return done.stdout.strip().splitlines()[-1]


def bench_import(python: str) -> float:
    _run(python, "-c", IMPORT_SCRIPT)  # warm-up: writes the bytecode caches
    return min(float(_run(python, "-c", IMPORT_SCRIPT)) for _ in range(IMPORT_RUNS))


def bench_work(python: str, data_file: str) -> Dict[str, float]:
    return json.loads(_run(python, "-c", WORK_SCRIPT, data_file))  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    if not PUBLISHED_PYTHON.exists():
        print(f"label_interface benchmark skipped: no published package at {PUBLISHED_PYTHON}")
        return 0
    ours_python = sys.executable
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([CONFIG, make_predictions(PREDICTIONS), ROUNDS], handle)
        data_file = handle.name
    try:
        results: Dict[str, Any] = {
            "import_ms": {
                "ours": bench_import(ours_python),
                "published": bench_import(str(PUBLISHED_PYTHON)),
            },
        }
        ours, published = bench_work(ours_python, data_file), bench_work(str(PUBLISHED_PYTHON), data_file)
    finally:
        os.unlink(data_file)
    results["validate_per_s"] = {"ours": ours["validate_per_s"], "published": published["validate_per_s"]}
    results["build_per_s"] = {"ours": ours["build_per_s"], "published": published["build_per_s"]}
    imp = results["import_ms"]
    val = results["validate_per_s"]
    build = results["build_per_s"]
    val_ratio = val["ours"] / val["published"]
    rows = [
        f"{'label_interface':<34} {'ours':>12} {'published':>12} {'ratio':>8}  target",
        f"{'import LabelInterface (ms)':<34} {imp['ours']:>12.1f} {imp['published']:>12.1f} "
        f"{imp['ours'] / imp['published']:>7.2f}x  <= {TARGET_IMPORT_MS:.0f} ms: "
        f"{'PASS' if imp['ours'] <= TARGET_IMPORT_MS else 'MISS'}",
        f"{'validate_prediction (/s)':<34} {val['ours']:>12,.0f} {val['published']:>12,.0f} "
        f"{val_ratio:>7.2f}x  >= {TARGET_VALIDATE}x: {'PASS' if val_ratio >= TARGET_VALIDATE else 'MISS'}",
        f"{'LabelInterface(config) (/s)':<34} {build['ours']:>12,.0f} {build['published']:>12,.0f} "
        f"{build['ours'] / build['published']:>7.2f}x  (informative)",
    ]
    print("\n".join(rows))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
