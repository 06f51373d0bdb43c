#!/usr/bin/env bash
# A real Label Studio server on 127.0.0.1 for integration tests.
#
#   scripts/label-studio-server.sh start [--our-sdk]   install (once) and start it; prints the test environment
#   scripts/label-studio-server.sh stop     stop it and delete its data
#   scripts/label-studio-server.sh status   is it up, is it the one started here, and on which label_studio_sdk?
#   scripts/label-studio-server.sh env      the variables tests read (eval "$(... env)")
#
# Settings (environment):
#   LS_PORT       port on 127.0.0.1 (default 8089)
#   LS_HOME       where the server's virtualenv, data, files, log and pid file live (default <repo>/.ls-server)
#   LS_SDK        "published" (default): the server runs on the label-studio-sdk its own install brought;
#                 "ours" (or `start --our-sdk`): the server runs on THIS checkout's label_studio_sdk
#   LS_BASE_VENV  the server's virtualenv (default LS_HOME/venv, installed there on first use); any other
#                 path is used read-only and must already hold label-studio LS_VERSION
#
# The server lives in its own virtualenv (LS_BASE_VENV): label-studio depends on the published
# label-studio-sdk, which must never replace this checkout's package, and our unit tests run that published
# package from there as a black box, so it is never modified. With LS_SDK=ours the server runs from a second
# virtualenv, LS_HOME/venv-oursdk, layered over the first: our package is installed into it (--no-deps, not
# editable), and a .pth file appends the server virtualenv's site-packages after its own, so label-studio and
# its dependencies come from there and label_studio_sdk from ours. Not editable on purpose: the server runs
# the snapshot of the checkout taken at `start` (rebuilt at every start, a few seconds), as a pip user would
# get it; an editable install would let edits made while a suite runs reach a running server halfway (the
# server imports the converter only at the first export), and would not check that the wheel holds every file.
set -euo pipefail

LS_VERSION="${LS_VERSION:-1.23.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LS_HOME="${LS_HOME:-$ROOT/.ls-server}"
LS_PORT="${LS_PORT:-8089}"
LS_SDK="${LS_SDK:-published}"
LS_BASE_VENV="${LS_BASE_VENV:-$LS_HOME/venv}"
OURS_VENV="$LS_HOME/venv-oursdk"
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
  # Where the published package is (tests/ls_server_files.py), and which SDK the server runs on.
  echo "export LS_BASE_VENV=$LS_BASE_VENV"
  echo "export LS_SDK=$LS_SDK"
}

# A busy server (a suite running against it) can take seconds to answer.
healthy() { curl -fsS --max-time "${1:-10}" "$URL/health" >/dev/null 2>&1; }

check_sdk_mode() {
  case "$LS_SDK" in
    published | ours) ;;
    *) echo "LS_SDK must be 'published' or 'ours', not '$LS_SDK'" >&2; exit 2 ;;
  esac
}

server_version() {
  "$1/bin/python" -c 'import importlib.metadata as m; print(m.version("label-studio"))' 2>/dev/null || true
}

install() {
  if [ -x "$LS_BASE_VENV/bin/label-studio" ] && [ "$(server_version "$LS_BASE_VENV")" = "$LS_VERSION" ]; then
    return
  fi
  if [ "$LS_BASE_VENV" != "$LS_HOME/venv" ]; then
    # Someone else's virtualenv: read only, never (re)installed from here.
    echo "LS_BASE_VENV=$LS_BASE_VENV does not hold label-studio $LS_VERSION; unset LS_BASE_VENV to install one into $LS_HOME/venv" >&2
    exit 1
  fi
  echo "installing label-studio==$LS_VERSION into $LS_HOME/venv (a few minutes)..." >&2
  rm -rf "$LS_HOME/venv"
  "$LS_PYTHON" -m venv "$LS_HOME/venv"
  "$LS_HOME/venv/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" >&2 || true
  "$LS_HOME/venv/bin/python" -m pip install --quiet "label-studio==$LS_VERSION" 2>&1 | grep -v "is ignored" >&2 || true
  # Not `label-studio --version`: it can hang looking for a newer release online.
  "$LS_HOME/venv/bin/python" -c 'import importlib.metadata as m; m.version("label-studio")' >/dev/null
}

# The server virtualenv layered under a fresh one that holds this checkout's label_studio_sdk.
install_ours() {
  echo "installing this checkout's label_studio_sdk into $OURS_VENV (over $LS_BASE_VENV)..." >&2
  rm -rf "$OURS_VENV"
  "$LS_BASE_VENV/bin/python" -m venv --without-pip "$OURS_VENV"
  # pip of the server virtualenv, run for the new interpreter. The .pth file comes after, so this pip sees
  # no published label-studio-sdk to uninstall: nothing outside $OURS_VENV is written.
  "$LS_BASE_VENV/bin/python" -m pip --python "$OURS_VENV/bin/python" install --quiet --no-deps "$ROOT" 2>&1 \
    | grep -v "is ignored" >&2 || true
  local base_site ours_site
  base_site="$("$LS_BASE_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  ours_site="$("$OURS_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  # addsitedir (not a bare path line) also runs the server virtualenv's own .pth files, as its python would.
  echo "import site; site.addsitedir($("$OURS_VENV/bin/python" -c 'import sys; print(repr(sys.argv[1]))' "$base_site"))" \
    > "$ours_site/zz_label_studio_server_venv.pth"
  # The server's entry point, for this interpreter.
  {
    echo "#!$OURS_VENV/bin/python"
    echo "import sys"
    echo "from label_studio.server import main"
    echo "if __name__ == '__main__':"
    echo "    sys.exit(main())"
  } > "$OURS_VENV/bin/label-studio"
  chmod +x "$OURS_VENV/bin/label-studio"
  local found
  found="$("$OURS_VENV/bin/python" -c 'import label_studio, label_studio_sdk; print(label_studio_sdk.__file__)')"
  case "$found" in
    "$ours_site"/*) echo "label_studio_sdk for the server: $found" >&2 ;;
    *) echo "the layered virtualenv imports label_studio_sdk from $found, not from $ours_site" >&2; exit 1 ;;
  esac
}

# The pid in LS_HOME/server.pid, when that process is alive and is a label-studio server on LS_PORT with
# LS_HOME/data as its data folder.
our_pid() {
  [ -f "$LS_HOME/server.pid" ] || return 1
  local pid args
  pid="$(cat "$LS_HOME/server.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  args="$(ps -o args= -p "$pid" 2>/dev/null)" || return 1
  case "$args" in *"label-studio start "*"--data-dir $LS_HOME/data "*"-p $LS_PORT "*) ;; *) return 1 ;; esac
  echo "$pid"
}

token_works() {
  local me
  me="$(curl -fsS --max-time 10 -H "Authorization: Token $LS_TOKEN" "$URL/api/current-user/whoami" 2>/dev/null)" \
    || return 1
  case "$me" in *"\"email\":\"$LS_USER\""*) return 0 ;; *) return 1 ;; esac
}

# 0: the server started here from LS_HOME answers on LS_PORT with our token; 1: nothing answers;
# 3: something answers on the port that is not it (or is it, but refuses the token).
ownership() {
  if ! healthy; then return 1; fi
  if our_pid >/dev/null && token_works; then return 0; fi
  return 3
}

foreign_message() {
  echo "something answers on 127.0.0.1:$LS_PORT that is not the Label Studio server started by $0 from" \
    "LS_HOME=$LS_HOME (no live pid in $LS_HOME/server.pid serving $LS_HOME/data on that port, or it refuses" \
    "the test token): stop it, or choose another port with LS_PORT" >&2
}

# Which label_studio_sdk the running server imports: "<ours|published> <version> <file>".
running_sdk() {
  local pid python found
  pid="$(our_pid)" || return 1
  # The interpreter is the first word of the command line (the entry point's shebang line).
  python="$(ps -o args= -p "$pid" | awk '{print $1}')"
  found="$("$python" -c 'import label_studio_sdk as s; print(s.__version__, s.__file__)' 2>/dev/null)" || return 1
  case "$found" in
    *" $OURS_VENV/"*) echo "ours $found" ;;
    *) echo "published $found" ;;
  esac
}

sdk_words() { case "$1" in ours) echo "this checkout's (LS_SDK=ours)" ;; published) echo "the published" ;; *) echo "an unknown" ;; esac; }

status() {
  local state=0
  ownership || state=$?
  case "$state" in
    1) echo "down"; return 1 ;;
    3) foreign_message; return 3 ;;
  esac
  local sdk live
  sdk="$(running_sdk)" || sdk="unknown"
  # The version the live process reports (label-studio puts label_studio_sdk.__version__ in /api/version).
  live="$(curl -fsS --max-time 5 -H "Authorization: Token $LS_TOKEN" "$URL/api/version" 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin).get("label-studio-converter", {}).get("version", "?"))' \
    2>/dev/null || echo "?")"
  set -- $sdk
  echo "up at $URL (pid $(our_pid), LS_HOME=$LS_HOME) on $(sdk_words "${1:-}") label_studio_sdk ${2:-?} from ${3:-?}; /api/version reports $live"
}

start() {
  check_sdk_mode
  local state=0
  ownership || state=$?
  if [ "$state" = 3 ]; then foreign_message; exit 1; fi
  if [ "$state" = 0 ]; then
    local running
    running="$(running_sdk | awk '{print $1}')" || running=unknown
    if [ "$running" != "$LS_SDK" ]; then
      echo "the server at $URL runs on $(sdk_words "$running") label_studio_sdk, not LS_SDK=$LS_SDK: run '$0 stop' first" >&2
      exit 1
    fi
    echo "already running at $URL" >&2; print_env; return
  fi
  mkdir -p "$LS_HOME"
  install
  local server="$LS_BASE_VENV/bin/label-studio"
  if [ "$LS_SDK" = ours ]; then
    install_ours
    server="$OURS_VENV/bin/label-studio"
  fi
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
    setsid nohup "$server" start --no-browser \
      --data-dir "$LS_HOME/data" --internal-host 127.0.0.1 -p "$LS_PORT" \
      --username "$LS_USER" --password "$LS_PASSWORD" \
      --user-token "$LS_TOKEN" --enable-legacy-api-token \
      > "$LS_HOME/server.log" 2>&1 < /dev/null &
    echo $! > "$LS_HOME/server.pid"
  )
  for _ in $(seq 1 180); do
    if healthy 2; then
      if ! our_pid >/dev/null; then foreign_message; exit 1; fi
      echo "Label Studio $LS_VERSION is up at $URL on $(sdk_words "$LS_SDK") label_studio_sdk" >&2; print_env; return
    fi
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
  rm -rf "$LS_HOME/data" "$LS_HOME/files" "$OURS_VENV"
  echo "stopped" >&2
}

command="${1:-}"
shift || true
for arg in "$@"; do
  case "$command $arg" in
    "start --our-sdk") LS_SDK=ours ;;
    *) echo "usage: $0 start [--our-sdk] | stop | status | env" >&2; exit 2 ;;
  esac
done
case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) check_sdk_mode; print_env ;;
  *) echo "usage: $0 start [--our-sdk] | stop | status | env" >&2; exit 2 ;;
esac
