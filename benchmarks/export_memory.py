"""Memory of a big export: ``projects.exports.as_file`` must stream, not hold the file.

A local HTTP server on 127.0.0.1 (a thread of this process) answers the snapshot endpoints the
helper calls (create, get, download) and serves a generated JSON export of ``--size-mb`` MiB
(default 256) without ever holding it whole. Each flavour, sync and async, runs in a fresh Python
process that first does a small warm-up export (so every module the helper needs is loaded), reads
its peak resident set size (``ru_maxrss``), downloads the big export with ``as_file``, and reads the
peak again. The difference is the peak memory growth the download caused; the target is < 50 MiB.
A control run does the same with ``as_bytes``, which holds the whole file in memory, to show that
the measurement does see a download that is kept.

    python benchmarks/export_memory.py [--size-mb 256] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple

TARGET_MIB = 50.0
BIG_PROJECT = 1
SMALL_PROJECT = 2
SNAPSHOT_ID = 41
API_KEY = "0123456789abcdef0123456789abcdef01234567"
MIB = 1024 * 1024


# --------------------------------------------------------------------------- the server


def task_block() -> bytes:
    """About 1 MiB of exported tasks (JSON objects separated by commas, no brackets)."""
    tasks = []
    for i in range(1_400):
        tasks.append(
            {
                "id": i,
                "data": {"text": f"review number {i}: " + "the product arrived on time and works " * 10},
                "annotations": [
                    {
                        "id": i,
                        "completed_by": 1,
                        "result": [
                            {
                                "from_name": "sentiment",
                                "to_name": "text",
                                "type": "choices",
                                "value": {"choices": ["Positive"]},
                            }
                        ],
                    }
                ],
                "predictions": [],
            }
        )
    return ",".join(json.dumps(t, separators=(",", ":")) for t in tasks).encode()


def snapshot(status: str) -> Dict[str, Any]:
    """A snapshot as Label Studio 1.23.2 describes one (every field it sends)."""
    return {
        "id": SNAPSHOT_ID,
        "title": "benchmark",
        "created_by": {
            "id": 1,
            "first_name": "",
            "last_name": "",
            "email": "admin@example.com",
            "avatar": None,
        },
        "created_at": "2024-09-02T08:15:42.123456Z",
        "finished_at": None if status != "completed" else "2024-09-02T08:15:50.000000Z",
        "status": status,
        "md5": "d751713988987e9331980363e24189ce",
        "counters": {"task_number": 0},
        "converted_formats": [],
        "task_filter_options": None,
        "annotation_filter_options": None,
        "serialization_options": None,
    }


class ExportServer:
    """Serves one snapshot per project: ``BIG_PROJECT`` gets ``blocks`` blocks, ``SMALL_PROJECT`` one."""

    def __init__(self, big_blocks: int) -> None:
        self.block = task_block()
        self.blocks = {BIG_PROJECT: big_blocks, SMALL_PROJECT: 1}
        self.requests: List[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                server.requests.append(f"POST {self.path}")
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if re.fullmatch(r"/api/projects/\d+/exports/", self.path):
                    self.send_json(201, snapshot("created"))
                else:
                    self.send_json(404, {"detail": "not found"})

            def do_GET(self) -> None:
                server.requests.append(f"GET {self.path}")
                match = re.fullmatch(r"/api/projects/(\d+)/exports/(\d+)(/download)?(\?.*)?", self.path)
                if not match:
                    self.send_json(404, {"detail": "not found"})
                elif match.group(3):
                    self.send_export(server.blocks.get(int(match.group(1)), 0))
                else:
                    self.send_json(200, snapshot("completed"))

            def send_json(self, status: int, body: Dict[str, Any]) -> None:
                content = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def send_export(self, blocks: int) -> None:
                block = server.block
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Disposition", 'attachment; filename="../../export.json"')
                self.send_header("Content-Length", str(export_size(len(block), blocks)))
                self.end_headers()
                self.wfile.write(b"[")
                for index in range(blocks):
                    if index:
                        self.wfile.write(b",")
                    self.wfile.write(block)
                self.wfile.write(b"]")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ExportServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def export_size(block_size: int, blocks: int) -> int:
    return 2 + block_size * blocks + max(blocks - 1, 0)


# --------------------------------------------------------------------------- the measured process


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def child(flavour: str, url: str, folder: str) -> Dict[str, Any]:
    """Runs in a fresh process: warm up, then export the big project with as_file, measuring the peak."""
    import asyncio

    from label_studio_sdk import AsyncLabelStudio, LabelStudio

    def run_sync() -> Tuple[int, float, int]:
        with LabelStudio(base_url=url, api_key=API_KEY) as client:
            client.projects.exports.as_file(SMALL_PROJECT, os.path.join(folder, "warm-up.json"))
            before = peak_rss_bytes()
            started = time.perf_counter()
            path = client.projects.exports.as_file(BIG_PROJECT, os.path.join(folder, "big.json"))
            return before, time.perf_counter() - started, path.stat().st_size

    async def run_async() -> Tuple[int, float, int]:
        async with AsyncLabelStudio(base_url=url, api_key=API_KEY) as client:
            await client.projects.exports.as_file(SMALL_PROJECT, os.path.join(folder, "warm-up.json"))
            before = peak_rss_bytes()
            started = time.perf_counter()
            path = await client.projects.exports.as_file(BIG_PROJECT, os.path.join(folder, "big.json"))
            return before, time.perf_counter() - started, path.stat().st_size

    def run_control() -> Tuple[int, float, int]:
        with LabelStudio(base_url=url, api_key=API_KEY) as client:
            client.projects.exports.as_bytes(SMALL_PROJECT)
            before = peak_rss_bytes()
            started = time.perf_counter()
            content = client.projects.exports.as_bytes(BIG_PROJECT)
            return before, time.perf_counter() - started, len(content)

    runs = {"sync": run_sync, "async": lambda: asyncio.run(run_async()), "control": run_control}
    before, seconds, size = runs[flavour]()
    after = peak_rss_bytes()
    return {
        "flavour": flavour,
        "bytes": size,
        "seconds": seconds,
        "peak_rss_before": before,
        "peak_rss_after": after,
        "peak_growth": after - before,
    }


def measure(flavour: str, url: str, expected_size: int) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="export-memory-") as folder:
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--child",
            flavour,
            "--url",
            url,
            "--folder",
            folder,
        ]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result: Dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        leftovers = sorted(name for name in os.listdir(folder) if name not in ("warm-up.json", "big.json"))
    if result["bytes"] != expected_size:
        raise SystemExit(f"{flavour}: wrote {result['bytes']} bytes, expected {expected_size}")
    if leftovers:
        raise SystemExit(f"{flavour}: files left behind: {leftovers}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size-mb", type=int, default=256, help="size of the big export in MiB (at least 200)"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", choices=["sync", "async", "control"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.url, args.folder)))
        return 0

    with ExportServer(big_blocks=1) as probe:
        block_size = len(probe.block)
    blocks = -(-args.size_mb * MIB // (block_size + 1))
    results = []
    with ExportServer(big_blocks=blocks) as server:
        expected = export_size(block_size, blocks)
        print(
            f"as_file of a {expected / MIB:.0f} MiB JSON export served on {server.url}; target: peak RSS growth < {TARGET_MIB:.0f} MiB"
        )
        for flavour in ("sync", "async", "control"):
            result = measure(flavour, server.url, expected)
            growth = result["peak_growth"] / MIB
            if flavour == "control":
                result["verdict"] = "(as_bytes keeps the file: growth expected)"
            else:
                result["verdict"] = "PASS" if growth < TARGET_MIB else "MISS"
            rate = result["bytes"] / MIB / result["seconds"]
            print(
                f"  {flavour:7}  {result['seconds']:6.2f} s  {rate:7.1f} MiB/s  "
                f"peak RSS {result['peak_rss_before'] / MIB:6.1f} -> {result['peak_rss_after'] / MIB:6.1f} MiB  "
                f"growth {growth:6.1f} MiB  {result['verdict']}"
            )
            results.append(result)
    measured = [r for r in results if r["flavour"] != "control"]
    verdict = "PASS" if all(r["verdict"] == "PASS" for r in measured) else "MISS"
    print(verdict)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"target_mib": TARGET_MIB, "results": results, "verdict": verdict}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
