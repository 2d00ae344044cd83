#!/usr/bin/env bash
# The README's run command: set up, migrate, load demo data, serve the portal in production
# mode on http://localhost:3000 (front end and back end on one port). Data stays in var/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
source scripts/env.sh
python -m portal_app.cli migrate
python -m portal_app.cli seed-demo
echo "==> Espace Assistance: http://localhost:${PORTAL_PORT:-3000} (e-mails in ${PORTAL_DATA_DIR:-var}/outbox when SMTP_HOST is unset)"
exec reflex run --env prod --loglevel warning
