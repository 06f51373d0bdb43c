#!/usr/bin/env bash
# A second compiler reads openapi.yaml: openapi-python-client (a dev tool, in a virtualenv of its own,
# never a dependency of the package) generates a client from it. Any warning or error it reports
# fails the run, and so does an operation it leaves out: the contract is standard OpenAPI that any
# tool can read, not only codegen/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${OPC_VENV:-.venv-openapi-python-client}"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet 'openapi-python-client>=0.21,<1' 'pyyaml>=6'
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# No post hooks: formatting its output is not what is being checked.
printf 'post_hooks: []\n' > "$work/config.yaml"
"$venv/bin/openapi-python-client" --version
"$venv/bin/openapi-python-client" generate --path openapi.yaml --meta none --config "$work/config.yaml" \
  --output-path "$work/client" --fail-on-warning 2>&1 | tee "$work/log.txt"
if grep -qiE "warning|error" "$work/log.txt"; then
  echo "second compiler: openapi-python-client reported problems with openapi.yaml (above)"
  exit 1
fi

"$venv/bin/python" - "$work/client" <<'PY'
"""Every operation of openapi.yaml became an endpoint module, and the generated client imports."""
import pathlib
import sys

import yaml  # installed with openapi-python-client

out = pathlib.Path(sys.argv[1])
spec = yaml.safe_load(pathlib.Path("openapi.yaml").read_text(encoding="utf-8"))
methods = {"get", "put", "post", "delete", "patch", "head", "options"}
operations = sum(1 for item in spec["paths"].values() for method in item if method in methods)
modules = [p for p in (out / "api").rglob("*.py") if p.name != "__init__.py"]
print(f"second compiler: {len(modules)} endpoint modules for {operations} operations")
if len(modules) != operations:
    sys.exit("second compiler: openapi-python-client generated a different number of operations")
sys.path.insert(0, str(out.parent))
__import__(out.name + ".client")
for module in modules:
    __import__(".".join((out.name, *module.relative_to(out).with_suffix("").parts)))
print("second compiler: the generated client imports")
PY
