#!/usr/bin/env bash
# The demo: set up, create or upgrade the database, load the demo data (once) and serve the app.
#
#   bash scripts/demo.sh                 http://127.0.0.1:5000 (PORT=8000 for another port)
#
# Uses the SQLite file instance/grants.db unless GRANTS_DATABASE_URL names another database.
# Running it again keeps the data: the demo accounts are printed again, nothing is duplicated.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
grants_setup

PORT="${PORT:-5000}"
FLASK=("$VENV/bin/flask" --app wsgi)

say "database: ${GRANTS_DATABASE_URL:-sqlite in instance/grants.db}"
if ! out="$("${FLASK[@]}" grants init-db 2>&1)"; then
  printf '%s\n' "$out" >&2
  die "grants init-db failed"
fi
printf '%s\n' "$out" | grep -v '^INFO ' || true
accounts="$("${FLASK[@]}" grants seed-demo)" || die "grants seed-demo failed"

cat <<EOF

  Rural productive alliances: demo
  ================================

  Open http://127.0.0.1:${PORT} and sign in with one of these accounts.
  $accounts

  Stop with Ctrl+C. The data stays in the database; run this script again to continue.

EOF
exec "${FLASK[@]}" run --host 127.0.0.1 --port "$PORT"
