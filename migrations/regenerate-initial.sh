#!/usr/bin/env bash
# Before the first release only: rebuild the single "initial schema" revision from the current
# models (autogenerate against an empty SQLite file). Once a database in use has been migrated,
# add new revisions instead (see README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
count=$(ls migrations/versions/*.py 2>/dev/null | wc -l)
if [ "$count" -gt 1 ]; then
  echo "ERROR: there are $count revisions: add a new one with flask db migrate instead" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -f migrations/versions/*.py
GRANTS_DATABASE_URL="sqlite:///$tmp/empty.db" .venv/bin/flask --app wsgi db migrate -m "initial schema" 2>&1 \
  | grep -v '^INFO '
ls migrations/versions/
