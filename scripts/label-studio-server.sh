#!/usr/bin/env bash
# A real Label Studio server on 127.0.0.1 for integration tests.
#
#   scripts/label-studio-server.sh start    install (once) and start it; prints the test environment
#   scripts/label-studio-server.sh stop     stop it and delete its data
#   scripts/label-studio-server.sh status   is it up?
#   scripts/label-studio-server.sh env      the variables tests read (eval "$(... env)")
#
# The server lives in its own virtualenv (LS_HOME/venv, reused when present): label-studio depends on
# the published label-studio-sdk, which must never replace this checkout's package.
set -euo pipefail

LS_VERSION="${LS_VERSION:-1.23.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LS_HOME="${LS_HOME:-$ROOT/.ls-server}"
LS_PORT="${LS_PORT:-8089}"
LS_USER="admin@example.com"
LS_PASSWORD="integration-password-1"
LS_TOKEN="1c5a8e0f3b7d4e2a9c6f8b1d0e3a5c7f9b2d4e6a"   # a fixed legacy token (40 hex characters)
# label-studio needs Python >= 3.10, whatever Python the SDK itself is tested on.
LS_PYTHON="${LS_PYTHON:-python3}"
URL="http://127.0.0.1:$LS_PORT"

print_env() {
  echo "export LABEL_STUDIO_TEST_URL=$URL"
  echo "export LABEL_STUDIO_TEST_API_KEY=$LS_TOKEN"
  echo "export LABEL_STUDIO_TEST_FILES_ROOT=$LS_HOME/files"
}

healthy() { curl -fsS --max-time 2 "$URL/health" >/dev/null 2>&1; }

install() {
  if [ -x "$LS_HOME/venv/bin/label-studio" ] && \
     [ "$("$LS_HOME/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("label-studio"))' 2>/dev/null)" = "$LS_VERSION" ]; then
    return
  fi
  echo "installing label-studio==$LS_VERSION into $LS_HOME/venv (a few minutes)..." >&2
  rm -rf "$LS_HOME/venv"
  "$LS_PYTHON" -m venv "$LS_HOME/venv"
  "$LS_HOME/venv/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" >&2 || true
  "$LS_HOME/venv/bin/python" -m pip install --quiet "label-studio==$LS_VERSION" 2>&1 | grep -v "is ignored" >&2 || true
  # Not `label-studio --version`: it can hang looking for a newer release online.
  "$LS_HOME/venv/bin/python" -c 'import importlib.metadata as m; m.version("label-studio")' >/dev/null
}

start() {
  if healthy; then echo "already running at $URL" >&2; print_env; return; fi
  mkdir -p "$LS_HOME"
  install
  rm -rf "$LS_HOME/data" "$LS_HOME/files"
  mkdir -p "$LS_HOME/data" "$LS_HOME/files"
  # Local-files storages and their document root are needed by the storage tests. The feature flag turns
  # on the server's prediction validation (off by default in 1.23.2), which the label_interface tests need.
  (
    cd "$LS_HOME"
    fflag_feat_utc_210_prediction_validation_15082025=true \
    LOCAL_FILES_SERVING_ENABLED=true \
    LOCAL_FILES_DOCUMENT_ROOT="$LS_HOME/files" \
    LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true \
    LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT="$LS_HOME/files" \
    setsid nohup "$LS_HOME/venv/bin/label-studio" start --no-browser \
      --data-dir "$LS_HOME/data" --internal-host 127.0.0.1 -p "$LS_PORT" \
      --username "$LS_USER" --password "$LS_PASSWORD" \
      --user-token "$LS_TOKEN" --enable-legacy-api-token \
      > "$LS_HOME/server.log" 2>&1 < /dev/null &
    echo $! > "$LS_HOME/server.pid"
  )
  for _ in $(seq 1 180); do
    if healthy; then echo "Label Studio $LS_VERSION is up at $URL" >&2; print_env; return; fi
    if ! kill -0 "$(cat "$LS_HOME/server.pid")" 2>/dev/null; then
      echo "the server exited; last lines of $LS_HOME/server.log:" >&2; tail -n 30 "$LS_HOME/server.log" >&2; exit 1
    fi
    sleep 1
  done
  echo "the server did not answer /health within 180 s; last lines of its log:" >&2
  tail -n 30 "$LS_HOME/server.log" >&2
  exit 1
}

stop() {
  if [ -f "$LS_HOME/server.pid" ]; then
    pid="$(cat "$LS_HOME/server.pid")"
    # setsid made the server a process-group leader: stop it and anything it started.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$LS_HOME/server.pid"
  fi
  rm -rf "$LS_HOME/data" "$LS_HOME/files"
  echo "stopped" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy; then echo "up at $URL"; else echo "down"; exit 1; fi ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
