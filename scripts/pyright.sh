#!/usr/bin/env bash
# Types as a user sees them, through pyright (from the npm registry, in .pyright/; a dev tool, never a
# dependency of the package):
#   1. tests/typing in strict mode (pyproject's [tool.pyright]): zero errors, or the run fails;
#   2. `--verifytypes label_studio_sdk`: the share of the public surface whose types are known;
#      below PYRIGHT_MIN_COMPLETENESS (95 %) the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${PYRIGHT_VERSION:-1.1.414}"
tools=".pyright"
if [ ! -x "$tools/node_modules/.bin/pyright" ] || ! "$tools/node_modules/.bin/pyright" --version | grep -q "$version"; then
  mkdir -p "$tools"
  npm install --silent --prefix "$tools" "pyright@$version" >/dev/null
fi
pyright="$tools/node_modules/.bin/pyright"
python="${PYTHON:-$(pwd)/.venv/bin/python}"  # pyright needs an absolute path
# pyright also asks the `python` on PATH where packages live: make it the same interpreter.
export PATH="$(dirname "$python"):$PATH"

echo "pyright $("$pyright" --version | sed 's/pyright //'): tests/typing, strict"
"$pyright" --pythonpath "$python"

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
"$pyright" --pythonpath "$python" --verifytypes label_studio_sdk --ignoreexternal --outputjson >"$report" || true
"$python" - "$report" "${PYRIGHT_MIN_COMPLETENESS:-95}" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))["typeCompleteness"]
score = 100 * report["completenessScore"]
counts = report["exportedSymbolCounts"]
print(
    f"pyright --verifytypes label_studio_sdk: {score:.1f}% of {sum(counts.values())} exported symbols have "
    f"known types ({counts['withAmbiguousType']} ambiguous, {counts['withUnknownType']} unknown)"
)
if score < float(sys.argv[2]):
    sys.exit(f"type completeness {score:.1f}% is below {sys.argv[2]}%")
PY
