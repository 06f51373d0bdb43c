"""Cold start: a one-shot script, whole process, against the same script written with bare httpx.

The script imports the client, fetches one project and pages through 500 tasks (5 pages of 100),
then exits; the baseline does the same with ``httpx`` and ``json`` after ``import pydantic`` (what a
user who validates with pydantic pays anyway). Both talk to one in-memory ``httpx.MockTransport``
serving the same pre-encoded bodies, so only client-side work differs: imports, building the
models a call needs, validation.

    python benchmarks/cold_start.py [--runs 15]

Target (issue 13): ours <= 1.3x the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import payloads  # sibling module: benchmarks/ is sys.path[0] when run as a script

TASKS = 500
TARGET = 1.3

TRANSPORT = """
import pathlib, sys
import httpx
folder = pathlib.Path(sys.argv[1])
project_body = (folder / "project.json").read_bytes()
pages = {n: (folder / f"tasks-{n}.json").read_bytes() for n in range(1, 6)}

def handler(request):
    if request.url.path == "/api/tasks/":
        return httpx.Response(200, content=pages[int(request.url.params["page"])],
                              headers={"Content-Type": "application/json"})
    return httpx.Response(200, content=project_body, headers={"Content-Type": "application/json"})

transport = httpx.MockTransport(handler)
"""

OURS = (
    TRANSPORT
    + """
from label_studio_sdk import LabelStudio

client = LabelStudio(base_url="http://ls.test", api_key="0" * 40,
                     httpx_client=httpx.Client(transport=transport))
project = client.projects.get(1)
seen = sum(1 for task in client.tasks.list(project=project.id, page_size=100))
assert seen == 500, seen
"""
)

BARE = (
    TRANSPORT
    + """
import pydantic  # noqa: F401

http = httpx.Client(transport=transport, headers={"Authorization": "Token " + "0" * 40})
project = http.get("http://ls.test/api/projects/1/").json()
seen = 0
page = 1
while True:
    body = http.get("http://ls.test/api/tasks/", params={"project": project["id"], "page": page,
                                                        "page_size": 100}).json()
    seen += len(body["tasks"])
    if page * 100 >= body["total"]:
        break
    page += 1
assert seen == 500, seen
"""
)


# The floor for any client whose results are pydantic models: the bare script, plus one model class
# that validates the project (pydantic's import is lazy; defining and using a model loads the rest).
FLOOR = BARE.replace(
    "import pydantic  # noqa: F401\n",
    "import pydantic\n\n\nclass P(pydantic.BaseModel):\n    id: int\n    title: str\n\n\n",
).replace(
    'project = http.get("http://ls.test/api/projects/1/").json()',
    'project = P.model_validate_json(http.get("http://ls.test/api/projects/1/").content).model_dump()',
)


def write_bodies(folder: Path) -> None:
    (folder / "project.json").write_text(json.dumps(payloads.project()))
    for number in range(1, 6):
        page = payloads.tasks_page(number)
        page["total"] = TASKS
        (folder / f"tasks-{number}.json").write_text(json.dumps(page))


def run_once(code: str, folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_bodies(folder)
        for code in (OURS, BARE, FLOOR):  # compile bytecode once, as an installed package has it
            run_once(code, folder)
        ours, bare, floor = [], [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
            ours.append(run_once(OURS, folder))
            bare.append(run_once(BARE, folder))
            floor.append(run_once(FLOOR, folder))
    ours_ms, bare_ms, floor_ms = (statistics.median(times) * 1000 for times in (ours, bare, floor))
    ratio = ours_ms / bare_ms
    verdict = "PASS" if ratio <= TARGET else "MISS"
    print(f"cold start (import, projects.get, {TASKS} tasks by pager; whole process, median of {args.runs}):")
    print(
        f"  ours {ours_ms:.0f} ms, bare httpx + `import pydantic` {bare_ms:.0f} ms: {ratio:.2f}x "
        f"(target <= {TARGET}x) {verdict}"
    )
    print(
        f"  the floor, bare httpx + one pydantic model: {floor_ms:.0f} ms ({floor_ms / bare_ms:.2f}x the bare "
        f"script); ours is {ours_ms / floor_ms:.2f}x the floor"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
