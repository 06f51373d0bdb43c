#!/usr/bin/env bash
# Set up a development checkout: a virtualenv in .venv with the package (editable) and its dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "ready: activate with 'source .venv/bin/activate'"
