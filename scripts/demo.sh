#!/usr/bin/env bash
# The demo: set up, create or upgrade the database, load the demo data (once) and serve the app.
#
#   ./scripts/demo.sh                 http://127.0.0.1:5000
#   PORT=8000 ./scripts/demo.sh       http://127.0.0.1:8000 (the PORT variable chooses the port)
#
# Uses the SQLite file instance/grants.db unless GRANTS_DATABASE_URL names another database.
# Running it again keeps the data: the demo accounts are printed again, nothing is duplicated.
# Every account's e-mail ends in @demo.example.org (the list is printed at the end).
set -euo pipefail

started=$SECONDS
step() { printf '\n[%s/5] %s\n' "$1" "$2"; }

step 1 "set-up: system packages, virtualenv .venv, Python packages, translations"
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
log="$VENV/pip-install.log"
before="$(stat -c %Y "$log" 2>/dev/null || echo 0)"
grants_setup
if [ -f "$log" ] && [ "$(stat -c %Y "$log")" != "$before" ]; then
  # pip's own output stays in the log; here only what it did
  installed="$("$PY" -m pip list --format=freeze 2>/dev/null | wc -l)"
  say "Python packages: installed or updated, $installed in .venv (details: .venv/pip-install.log)"
else
  say "Python packages: already up to date"
fi

PORT="${PORT:-5000}"
case "$PORT" in
  ''|*[!0-9]*) die "PORT must be a number, such as PORT=8000 (it is '$PORT')" ;;
esac
FLASK=("$VENV/bin/flask" --app wsgi)

step 2 "database: ${GRANTS_DATABASE_URL:-SQLite in instance/grants.db} (create or upgrade the schema)"
if ! out="$("${FLASK[@]}" grants init-db 2>&1)"; then
  printf '%s\n' "$out" >&2
  die "grants init-db failed"
fi
printf '%s\n' "$out" | grep -v '^INFO ' || true

step 3 "demo data: fourteen months of a program, told through the services (about half a minute the first time)"
accounts="$("${FLASK[@]}" grants seed-demo)" || die "grants seed-demo failed"
printf '%s\n' "$accounts" | head -n 1

step 4 "audit trail: checking its hash chain"
"${FLASK[@]}" grants verify-audit || die "the audit trail does not verify"

step 5 "serving on http://127.0.0.1:${PORT} (set up in $((SECONDS - started)) s)"
if "$PY" -c "import socket, sys; s = socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"
then
  die "port $PORT is in use: run PORT=8000 ./scripts/demo.sh (or another free port)"
fi
cat <<EOF

  Rural productive alliances: demo
  ================================

  Open http://127.0.0.1:${PORT} and sign in with one of these accounts
  (README, "Demo accounts", says what each one finds waiting).
$(printf '%s\n' "$accounts" | tail -n +2)

  Stop with Ctrl+C. The data stays in the database; run this script again to continue.

EOF
exec "${FLASK[@]}" run --host 127.0.0.1 --port "$PORT"
