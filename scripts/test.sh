#!/usr/bin/env bash
# Everything that must pass: unit, generated and codegen tests, integration tests against a real
# Label Studio server (started here unless the one this script starts is already up), and the spec
# drift check. Extra arguments go to pytest. The run ends with one summary line.
#
#   LS_PORT   the server's port on 127.0.0.1 (default 8089)
#   LS_HOME   its virtualenv, data, log and pid file (default .ls-server)
#   LS_SDK    "published" (default) or "ours": the server runs on this checkout's label_studio_sdk
#             (scripts/label-studio-server.sh has the details; .ci/run sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && PATH="$PWD/.venv/bin:$PATH"
export LS_SDK="${LS_SDK:-published}"

started=0
stop_server() { if [ "$started" = 1 ]; then bash scripts/label-studio-server.sh stop; fi; }
trap stop_server EXIT
state=0
bash scripts/label-studio-server.sh status >/dev/null 2>&1 || state=$?
case "$state" in
  0)
    # Ours and up: reused, if it runs on the SDK asked for (`start` says so and fails otherwise).
    # (An assignment, not `eval "$(...)"`, so that a failed start stops this script.)
    environment="$(bash scripts/label-studio-server.sh start)"
    ;;
  1)
    started=1
    environment="$(bash scripts/label-studio-server.sh start)"
    ;;
  *)
    # Something else answers on the port: never run the suite against it (or delete its data).
    bash scripts/label-studio-server.sh status || true
    echo "scripts/test.sh: not adopting the server on 127.0.0.1:${LS_PORT:-8089}; set LS_PORT to a free port" >&2
    exit 1
    ;;
esac
eval "$environment"
bash scripts/label-studio-server.sh status

# With a server configured, integration tests must run: a missing server fails instead of skipping.
export LABEL_STUDIO_REQUIRE_SERVER=1
results="$(mktemp -d)"
pytest_status=0
# xunit1: tests that record_property (timings) are refused under the default xunit2.
python -m pytest --junitxml="$results/junit.xml" -o junit_family=xunit1 "$@" || pytest_status=$?
drift_status=0
python scripts/spec_drift.py | tee "$results/drift.txt" || drift_status=$?

python - "$results" "$pytest_status" "$drift_status" "$LS_SDK" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

results, pytest_status, drift_status, sdk = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
try:
    root = ET.parse(results / "junit.xml").getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    count = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
    passed = count["tests"] - count["failures"] - count["errors"] - count["skipped"]
    tests = f"{passed} passed, {count['failures']} failed, {count['errors']} errors, {count['skipped']} skipped"
except (OSError, ET.ParseError):
    tests = "no results"
found = re.search(r"(\d+) differences, (\d+) allowlisted", (results / "drift.txt").read_text())
if found:
    total, allowed = int(found.group(1)), int(found.group(2))
    drift = f"{total} differences ({total - allowed} not allowlisted)"
else:
    drift = "did not run"
verdict = "OK" if pytest_status == 0 and drift_status == 0 else "FAILED"
print(f"summary: {verdict}: pytest {tests} (exit {pytest_status}); spec drift {drift}; server on LS_SDK={sdk}")
PY
rm -rf "$results"
[ "$pytest_status" = 0 ] && [ "$drift_status" = 0 ]
