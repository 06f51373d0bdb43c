#!/usr/bin/env bash
# Everything that must pass: unit, generated and codegen tests, integration tests against a real
# Label Studio server (started here unless one is already up), and the spec drift check.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && PATH="$PWD/.venv/bin:$PATH"

started=0
if bash scripts/label-studio-server.sh status >/dev/null 2>&1; then
  eval "$(bash scripts/label-studio-server.sh env)"
else
  eval "$(bash scripts/label-studio-server.sh start)"
  started=1
fi
stop_server() { if [ "$started" = 1 ]; then bash scripts/label-studio-server.sh stop; fi; }
trap stop_server EXIT

# With a server configured, integration tests must run: a missing server fails instead of skipping.
export LABEL_STUDIO_REQUIRE_SERVER=1
python -m pytest "$@"
python scripts/spec_drift.py
