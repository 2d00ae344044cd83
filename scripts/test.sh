#!/usr/bin/env bash
# The README's test command: installs what the tests need (Python packages; from Debian's packages
# Chromium for the browser tests and ClamAV's clamd for the virus-scan tests), then runs lint, the
# domain and UI tests on SQLite and on PostgreSQL, and the end-to-end tests in Chromium against the
# production build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
source scripts/env.sh

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v clamd >/dev/null 2>&1 || missing="$missing clamav clamav-daemon"
if [ -n "$missing" ]; then
  echo "==> Installing from Debian's packages:$missing"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || true
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi

echo "==> Lint"
ruff check portal_app tests bench rxconfig.py
ruff format --check portal_app tests bench rxconfig.py

echo "==> Domain and UI tests (SQLite and PostgreSQL, two workers: bcrypt at cost 12 is CPU-bound)"
python -m pytest tests/domain tests/ui -p no:playwright -q -n 2 "$@"

echo "==> End-to-end tests (Chromium, production build)"
python -m pytest tests/e2e -q "$@"
