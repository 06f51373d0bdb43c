"""Benchmarks of label_studio_sdk against the floor its dependencies set.

Each figure is a ratio of the SDK to the plain httpx/pydantic code a user could write instead, so
the results hold across machines. Every request goes through one in-memory ``httpx.MockTransport``
(no sockets), shared by both sides, so only client-side work is compared.

    python benchmarks/run.py [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import httpx
import payloads  # sibling module: benchmarks/ is sys.path[0] when run as a script

from label_studio_sdk import AsyncLabelStudio, LabelStudio

BASE_URL = "http://labelstudio.test"
# A legacy token (40 hex digits) is a fixed header: no token exchange is involved.
API_KEY = "0123456789abcdef0123456789abcdef01234567"
# The bare client sends the same headers the SDK sends, so neither side ships fewer bytes.
BARE_HEADERS = {"Authorization": f"Token {API_KEY}", "Accept": "application/json"}
PROJECT_URL = f"{BASE_URL}/api/projects/{payloads.PROJECT_ID}/"
TASKS_URL = f"{BASE_URL}/api/tasks/"
PAGES = -(-payloads.TASKS_TOTAL // payloads.PAGE_SIZE)

# Sized for a run of about 20 s on two cores.
IMPORT_RUNS = 21
CALLS = 3_000
CALL_ROUNDS = 7
PAGER_ROUNDS = 30  # a round is ~0.1 s; more rounds make the best of each side steadier on a busy machine

TARGET_IMPORT = 1.25  # ours / floor, at most
TARGET_CALL = 1.2  # ours / bare, at most
TARGET_PAGER = 0.7  # ours / bare rate, at least


# --------------------------------------------------------------------------- the fake server


class Server:
    """The MockTransport handler both sides talk to. Bodies are serialized once, up front, so
    the timed loops pay nothing for producing them."""

    def __init__(self) -> None:
        self.project = payloads.to_bytes(payloads.project())
        self.pages = [payloads.to_bytes(payloads.tasks_page(n)) for n in range(1, PAGES + 1)]
        self.requests = 0
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        path = request.url.path
        if path == "/api/tasks/":
            number = int(request.url.params.get("page", "1"))
            if 1 <= number <= PAGES:
                return _json_response(self.pages[number - 1])
            return _json_response(b'{"detail":"Invalid page."}', status=404)
        if path == f"/api/projects/{payloads.PROJECT_ID}/":
            return _json_response(self.project)
        return _json_response(b'{"detail":"Not found."}', status=404)


def _json_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


# --------------------------------------------------------------------------- timing helpers


def _time_sync(fn: Callable[[], Any], n: int) -> float:
    """Seconds per call of ``fn`` over ``n`` calls; GC stays on (allocations are part of the cost)."""
    gc.collect()
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n


async def _time_async(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    gc.collect()
    started = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - started) / n


def _interleave(rounds: int) -> List[Tuple[str, str]]:
    # Alternating who goes first cancels drift (CPU clock, caches) between the two sides.
    return [("ours", "bare") if r % 2 == 0 else ("bare", "ours") for r in range(rounds)]


# --------------------------------------------------------------------------- 1. import time

IMPORT_CHILD = (
    "import sys, time\n"
    "before = len(sys.modules)\n"
    "started = time.perf_counter()\n"
    "{stmt}\n"
    "elapsed = time.perf_counter() - started\n"
    "print(elapsed, len(sys.modules), len(sys.modules) - before)\n"
)
IMPORT_OURS = "from label_studio_sdk import LabelStudio"
IMPORT_FLOOR = "import httpx, pydantic"


def _import_once(stmt: str) -> Tuple[float, int, int]:
    # -I: no user site, no PYTHONPATH, no cwd on sys.path; the editable install still resolves.
    out = subprocess.run(
        [sys.executable, "-I", "-c", IMPORT_CHILD.format(stmt=stmt)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def bench_import() -> Dict[str, Any]:
    _import_once(IMPORT_OURS)  # warm the OS file cache and the bytecode caches
    _import_once(IMPORT_FLOOR)
    samples: Dict[str, List[Tuple[float, int, int]]] = {"ours": [], "floor": []}
    for r in range(IMPORT_RUNS):
        order = ("ours", "floor") if r % 2 == 0 else ("floor", "ours")
        for side in order:
            samples[side].append(_import_once(IMPORT_OURS if side == "ours" else IMPORT_FLOOR))
    ours = statistics.median(s[0] for s in samples["ours"])
    floor = statistics.median(s[0] for s in samples["floor"])
    return {
        "ours_s": ours,
        "floor_s": floor,
        "ratio": ours / floor,
        "target": TARGET_IMPORT,
        "passed": ours / floor <= TARGET_IMPORT,
        "ours_modules": samples["ours"][-1][1],
        "floor_modules": samples["floor"][-1][1],
        "ours_modules_added": samples["ours"][-1][2],
        "floor_modules_added": samples["floor"][-1][2],
        "runs": IMPORT_RUNS,
    }


# --------------------------------------------------------------------------- 2. per-call overhead


def _call_result(times: Dict[str, List[float]]) -> Dict[str, Any]:
    # Best of the rounds: interference only ever adds time.
    ours, bare = min(times["ours"]), min(times["bare"])
    return {
        "ours_us": ours * 1e6,
        "bare_us": bare * 1e6,
        "ours_median_us": statistics.median(times["ours"]) * 1e6,
        "bare_median_us": statistics.median(times["bare"]) * 1e6,
        "ratio": ours / bare,
        "target": TARGET_CALL,
        "passed": ours / bare <= TARGET_CALL,
        "calls": CALLS,
        "rounds": CALL_ROUNDS,
    }


def bench_call_sync(server: Server) -> Dict[str, Any]:
    sdk_http = httpx.Client(transport=server.transport)
    sdk = LabelStudio(base_url=BASE_URL, api_key=API_KEY, httpx_client=sdk_http)
    bare = httpx.Client(transport=server.transport, headers=BARE_HEADERS)
    sides = {
        "ours": lambda: sdk.projects.get(id=payloads.PROJECT_ID),
        "bare": lambda: bare.get(PROJECT_URL).json(),
    }
    assert sides["ours"]().task_number == sides["bare"]()["task_number"]
    for fn in sides.values():
        _time_sync(fn, CALLS // 10)  # warm-up: validators built, code paths hot
    times: Dict[str, List[float]] = {"ours": [], "bare": []}
    for order in _interleave(CALL_ROUNDS):
        for side in order:
            times[side].append(_time_sync(sides[side], CALLS))
    sdk_http.close()
    bare.close()
    return _call_result(times)


async def bench_call_async(server: Server) -> Dict[str, Any]:
    sdk_http = httpx.AsyncClient(transport=server.transport)
    sdk = AsyncLabelStudio(base_url=BASE_URL, api_key=API_KEY, httpx_client=sdk_http)
    bare = httpx.AsyncClient(transport=server.transport, headers=BARE_HEADERS)

    async def bare_get() -> Any:
        return (await bare.get(PROJECT_URL)).json()

    sides = {"ours": lambda: sdk.projects.get(id=payloads.PROJECT_ID), "bare": bare_get}
    assert (await sides["ours"]()).task_number == (await sides["bare"]())["task_number"]
    for fn in sides.values():
        await _time_async(fn, CALLS // 10)
    times: Dict[str, List[float]] = {"ours": [], "bare": []}
    for order in _interleave(CALL_ROUNDS):
        for side in order:
            times[side].append(await _time_async(sides[side], CALLS))
    await sdk_http.aclose()
    await bare.aclose()
    return _call_result(times)


# --------------------------------------------------------------------------- 3. pager throughput


def _pager_result(times: Dict[str, List[float]]) -> Dict[str, Any]:
    ours_rate = payloads.TASKS_TOTAL / min(times["ours"])
    bare_rate = payloads.TASKS_TOTAL / min(times["bare"])
    return {
        "ours_tasks_per_s": ours_rate,
        "bare_tasks_per_s": bare_rate,
        "ours_median_s": statistics.median(times["ours"]),
        "bare_median_s": statistics.median(times["bare"]),
        "ratio": ours_rate / bare_rate,
        "target": TARGET_PAGER,
        "passed": ours_rate / bare_rate >= TARGET_PAGER,
        "tasks": payloads.TASKS_TOTAL,
        "pages": PAGES,
        "rounds": PAGER_ROUNDS,
    }


def _check_run(server: Server, count: int) -> None:
    # Both sides must see every task and fetch exactly the 50 pages, no more (no 404 probe).
    assert count == payloads.TASKS_TOTAL, count
    assert server.requests == PAGES, server.requests


def bench_pager_sync(server: Server) -> Dict[str, Any]:
    sdk_http = httpx.Client(transport=server.transport)
    sdk = LabelStudio(base_url=BASE_URL, api_key=API_KEY, httpx_client=sdk_http)
    bare = httpx.Client(transport=server.transport, headers=BARE_HEADERS)

    def ours() -> int:
        count = 0
        for _task in sdk.tasks.list(project=payloads.PROJECT_ID, page_size=payloads.PAGE_SIZE):
            count += 1
        return count

    def floor() -> int:
        count = 0
        for page in range(1, PAGES + 1):
            params = {"project": payloads.PROJECT_ID, "page": page, "page_size": payloads.PAGE_SIZE}
            count += len(bare.get(TASKS_URL, params=params).json()["tasks"])
        return count

    sides = {"ours": ours, "bare": floor}
    times: Dict[str, List[float]] = {"ours": [], "bare": []}
    for fn in sides.values():  # warm-up, checked
        server.requests = 0
        _check_run(server, fn())
    for order in _interleave(PAGER_ROUNDS):
        for side in order:
            server.requests = 0
            gc.collect()
            started = time.perf_counter()
            count = sides[side]()
            times[side].append(time.perf_counter() - started)
            _check_run(server, count)
    sdk_http.close()
    bare.close()
    return _pager_result(times)


async def bench_pager_async(server: Server) -> Dict[str, Any]:
    sdk_http = httpx.AsyncClient(transport=server.transport)
    sdk = AsyncLabelStudio(base_url=BASE_URL, api_key=API_KEY, httpx_client=sdk_http)
    bare = httpx.AsyncClient(transport=server.transport, headers=BARE_HEADERS)

    async def ours() -> int:
        count = 0
        async for _task in sdk.tasks.list(project=payloads.PROJECT_ID, page_size=payloads.PAGE_SIZE):
            count += 1
        return count

    async def floor() -> int:
        count = 0
        for page in range(1, PAGES + 1):
            params = {"project": payloads.PROJECT_ID, "page": page, "page_size": payloads.PAGE_SIZE}
            count += len((await bare.get(TASKS_URL, params=params)).json()["tasks"])
        return count

    sides = {"ours": ours, "bare": floor}
    times: Dict[str, List[float]] = {"ours": [], "bare": []}
    for fn in sides.values():
        server.requests = 0
        _check_run(server, await fn())
    for order in _interleave(PAGER_ROUNDS):
        for side in order:
            server.requests = 0
            gc.collect()
            started = time.perf_counter()
            count = await sides[side]()
            times[side].append(time.perf_counter() - started)
            _check_run(server, count)
    await sdk_http.aclose()
    await bare.aclose()
    return _pager_result(times)


# --------------------------------------------------------------------------- report


def _row(name: str, ours: str, base: str, result: Dict[str, Any], cmp: str) -> str:
    status = "PASS" if result["passed"] else "MISS"
    target = f"{cmp} {result['target']:.2f}x"
    return f"{name:<26} {ours:>14} {base:>14} {result['ratio']:>6.2f}x {target:>9}  {status}"


def report(results: Dict[str, Dict[str, Any]]) -> str:
    imp = results["import"]
    lines = [
        f"{'benchmark':<26} {'ours':>14} {'baseline':>14} {'ratio':>7} {'target':>9}  result",
        "-" * 82,
        _row("import (median)", f"{imp['ours_s'] * 1e3:.1f} ms", f"{imp['floor_s'] * 1e3:.1f} ms", imp, "<="),
    ]
    for key, label in (("call_sync", "projects.get sync"), ("call_async", "projects.get async")):
        r = results[key]
        lines.append(_row(label, f"{r['ours_us']:.1f} us", f"{r['bare_us']:.1f} us", r, "<="))
    for key, label in (("pager_sync", "tasks.list sync"), ("pager_async", "tasks.list async")):
        r = results[key]
        ours = f"{r['ours_tasks_per_s']:,.0f} t/s"
        bare = f"{r['bare_tasks_per_s']:,.0f} t/s"
        lines.append(_row(label, ours, bare, r, ">="))
    lines += [
        "-" * 82,
        f"modules after import: ours {imp['ours_modules']} (+{imp['ours_modules_added']}), "
        f"floor {imp['floor_modules']} (+{imp['floor_modules_added']})",
        "baseline: import httpx, pydantic | bare httpx .get().json() on the same MockTransport",
        "call/pager ratios use the best round per side; pager ratio is ours/bare tasks per second",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    args = parser.parse_args()

    started = time.perf_counter()
    server = Server()
    results: Dict[str, Dict[str, Any]] = {}
    print("import time ...", file=sys.stderr, flush=True)
    results["import"] = bench_import()
    print("per-call overhead ...", file=sys.stderr, flush=True)
    results["call_sync"] = bench_call_sync(server)
    print("pager throughput ...", file=sys.stderr, flush=True)
    results["pager_sync"] = bench_pager_sync(server)

    async def run_async() -> None:
        # One event loop for every async figure, as an application would have.
        results["call_async"] = await bench_call_async(server)
        results["pager_async"] = await bench_pager_async(server)

    asyncio.run(run_async())
    elapsed = time.perf_counter() - started

    print(report(results))
    print(f"({elapsed:.0f} s, Python {platform.python_version()}, httpx {httpx.__version__})")
    if args.json:
        import pydantic

        document = {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "httpx": httpx.__version__,
            "pydantic": pydantic.VERSION,
            "elapsed_s": elapsed,
            "all_passed": all(r["passed"] for r in results.values()),
            "results": results,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
