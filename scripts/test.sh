#!/usr/bin/env bash
# The whole test suite, twice: on SQLite, then on a throwaway PostgreSQL cluster.
#
#   bash scripts/test.sh [PYTEST ARGS...]      e.g. bash scripts/test.sh -q -x tests/demo/test_demo.py
#
# Sets up first (scripts/_setup.sh). The PostgreSQL run starts its own cluster on a free port in a
# temporary folder and deletes it on exit. With CI=true a missing Chromium or PostgreSQL is an
# error; otherwise the browser tests skip and the PostgreSQL run is left out, with a warning.
# Exits non-zero when either run fails or collects no test.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
grants_setup chromium fonts-dejavu-core poppler-utils postgresql

IN_CI=0
[ "${CI:-}" = "true" ] && IN_CI=1
# the tests pick their databases themselves: an inherited URL would point them at real data
unset GRANTS_DATABASE_URL GRANTS_ENV GRANTS_TEST_DATABASE_URL GRANTS_REQUIRE_POSTGRES GRANTS_TEST_DEAL GRANTS_TEST_SHARD

WORK="$(mktemp -d "${TMPDIR:-/tmp}/grants-test.XXXXXX")"
PGDIR=""
PGBIN=""
cleanup() {
  if [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ]; then
    _pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- what the runs need ---------------------------------------------------------------------
problems=()
chromium=""
for c in "${GRANTS_CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium 2>/dev/null)" \
         "$(command -v chromium-browser 2>/dev/null)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then chromium="$c"; break; fi
done
[ -z "$chromium" ] && problems+=("Chromium is missing (Debian package chromium): the browser tests cannot run")

for v in 15 $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
  if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
    PGBIN="/usr/lib/postgresql/$v/bin"; break
  fi
done
if [ -z "$PGBIN" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
  PGBIN="$(dirname "$(command -v pg_ctl)")"
fi
[ -z "$PGBIN" ] && problems+=("PostgreSQL server binaries are missing (Debian package postgresql)")

if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do
    if [ $IN_CI -eq 1 ]; then printf 'ERROR: %s (required when CI=true)\n' "$p" >&2; else warn "$p"; fi
  done
  [ $IN_CI -eq 1 ] && exit 1
fi
[ -n "$chromium" ] && export GRANTS_CHROMIUM="$chromium"

# --- one run of pytest: one database, its tests shared out among SHARDS processes -------------
# GRANTS_TEST_SHARDS (default 2): each database's tests are dealt out into that many shares as they run
# (each process claims the next test when it is free: GRANTS_TEST_DEAL, see tests/conftest.py; the static
# dealing by weight, GRANTS_TEST_SHARD=K/N alone, with GRANTS_TEST_STATIC_SHARES=1), each run by a pytest process of its own with its own
# database (PostgreSQL: grants_test, grants_test_2, ...), temporary files and browser. The two databases go
# side by side, so 2 x SHARDS processes share the cores: whichever database finishes first leaves both cores
# to the other one's shares (with one process per database the longer run went on alone on one core).
SHARDS="${GRANTS_TEST_SHARDS:-2}"
case "$SHARDS" in
  ''|*[!0-9]*|0) echo "ERROR: GRANTS_TEST_SHARDS must be a positive whole number, not '$SHARDS'" >&2; exit 2 ;;
esac
# GRANTS_TEST_PG_SHARDS (default SHARDS + 1): the PostgreSQL run's processes. Its run is the longer one (each query a
# round trip to the server, which waits while the test works and the other way round), so it gets one more
# process: while both runs go it takes a larger part of the cores, and alone at the end it still fills both.
PG_SHARDS="${GRANTS_TEST_PG_SHARDS:-$((SHARDS + 1))}"
case "$PG_SHARDS" in
  ''|*[!0-9]*|0) echo "ERROR: GRANTS_TEST_PG_SHARDS must be a positive whole number, not '$PG_SHARDS'" >&2; exit 2 ;;
esac
SHARD_URLS=()

SUMMARY=()
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
FAILED_RUNS=0

_counts() {  # a junit xml file -> "passed failed skipped"
  "$PY" - "$1" <<'EOF' 2>/dev/null
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
n = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
print(n["tests"] - n["failures"] - n["errors"] - n["skipped"], n["failures"] + n["errors"], n["skipped"])
EOF
}

run_pytest() {  # NAME, then pytest args (SHARD_URLS: the database of each share, when set)
  local name="$1"; shift
  local started=$SECONDS k rc pids=() passed=0 failed=0 skipped=0 p f s collected=0 worst=0 counts
  printf '\n==> pytest on %s (%s processes)\n' "$name" "$SHARDS"
  for k in $(seq 1 "$SHARDS"); do
    ( [ ${#SHARD_URLS[@]} -ge "$k" ] && export GRANTS_TEST_DATABASE_URL="${SHARD_URLS[$((k - 1))]}"
      [ "$SHARDS" -gt 1 ] && export GRANTS_TEST_SHARD="$k/$SHARDS"
      # the shares deal the tests out as they go (tests/conftest.py DEAL); GRANTS_TEST_STATIC_SHARES=1: by weight
      [ "$SHARDS" -gt 1 ] && [ "${GRANTS_TEST_STATIC_SHARES:-0}" != 1 ] && export GRANTS_TEST_DEAL="$WORK/$name.deal"
      "$PY" -m pytest -p no:cacheprovider --junitxml="$WORK/$name.$k.xml" -o junit_family=xunit2 "$@" \
        >"$WORK/$name.$k.log" 2>&1
      echo $? >"$WORK/$name.$k.rc" ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  for k in $(seq 1 "$SHARDS"); do
    [ "$SHARDS" -gt 1 ] && printf -- '\n--- %s, share %s of %s\n' "$name" "$k" "$SHARDS"
    cat "$WORK/$name.$k.log" 2>/dev/null
    rc="$(cat "$WORK/$name.$k.rc" 2>/dev/null || echo 1)"
    counts="$(_counts "$WORK/$name.$k.xml")"
    read -r p f s <<<"${counts:-0 0 0}"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    # exit 5: this share collected no test (fine while another share has some)
    if [ "$rc" -ne 5 ]; then collected=1; fi
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ] && [ "$worst" -eq 0 ]; then worst=$rc; fi
  done
  TOTAL_PASSED=$((TOTAL_PASSED + passed)); TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
  local verdict="ok"
  if [ "$worst" -ne 0 ]; then
    verdict="FAILED (pytest exit $worst)"
  elif [ $collected -eq 0 ]; then
    verdict="FAILED (no tests collected)"
  fi
  [ "$verdict" != "ok" ] && FAILED_RUNS=$((FAILED_RUNS + 1))
  SUMMARY+=("$(printf '%-11s %s: %s passed, %s failed, %s skipped in %s s' \
    "$name" "$verdict" "$passed" "$failed" "$skipped" "$((SECONDS - started))")")
}

# --- PostgreSQL: a throwaway cluster --------------------------------------------------------
_pg() {  # run a server command as the postgres user when we are root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {  # one database per share: grants_test, grants_test_2, ...
  local port k db
  port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/grants-pg.XXXXXX")"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "ERROR: no postgres user to run the server as" >&2; return 1; }
    chown postgres:postgres "$PGDIR"
  fi
  _pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; return 1; }
  _pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $port -k $PGDIR -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PGDIR/server.log" >&2; return 1; }
  for k in $(seq 1 "$PG_SHARDS"); do
    db=grants_test; [ "$k" -gt 1 ] && db="grants_test_$k"
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" || return 1
    SHARD_URLS+=("postgresql+psycopg://postgres@127.0.0.1:$port/$db")
  done
  say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# The two runs go side by side (each share has its own database, temporary files and browser); each
# run's output is kept and printed whole when both are done.
SQLITE_LOG="$WORK/sqlite.log"
( run_pytest sqlite "$@" >"$SQLITE_LOG" 2>&1; printf '%s\n' "${SUMMARY[-1]}" >"$WORK/sqlite.summary";
  printf '%s %s %s %s\n' "$TOTAL_PASSED" "$TOTAL_FAILED" "$TOTAL_SKIPPED" "$FAILED_RUNS" >"$WORK/sqlite.counts" ) &
SQLITE_PID=$!

PG_LOG="$WORK/postgresql.log"
if [ -n "$PGBIN" ]; then
  if start_postgres; then
    ( export GRANTS_REQUIRE_POSTGRES=1
      SHARDS=$PG_SHARDS
      run_pytest postgresql "$@" >"$PG_LOG" 2>&1; printf '%s\n' "${SUMMARY[-1]}" >"$WORK/postgresql.summary"
      printf '%s %s %s %s\n' "$TOTAL_PASSED" "$TOTAL_FAILED" "$TOTAL_SKIPPED" "$FAILED_RUNS" >"$WORK/postgresql.counts" )
  else
    echo "postgresql  FAILED: the server did not start" >"$WORK/postgresql.summary"
    echo "0 0 0 1" >"$WORK/postgresql.counts"
  fi
else
  echo "postgresql  not run: PostgreSQL is not installed" >"$WORK/postgresql.summary"
  echo "0 0 0 0" >"$WORK/postgresql.counts"
fi
wait "$SQLITE_PID"

for name in sqlite postgresql; do
  [ -f "$WORK/$name.log" ] && cat "$WORK/$name.log"
  SUMMARY+=("$(cat "$WORK/$name.summary" 2>/dev/null || echo "$name  FAILED: no result")")
  read -r p f s r <<<"$(cat "$WORK/$name.counts" 2>/dev/null || echo "0 0 0 1")"
  TOTAL_PASSED=$((TOTAL_PASSED + p)); TOTAL_FAILED=$((TOTAL_FAILED + f))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + s)); FAILED_RUNS=$((FAILED_RUNS + r))
done

printf '\n==> summary\n'
for line in "${SUMMARY[@]}"; do printf '%s\n' "$line"; done
printf 'total: %s passed, %s failed, %s skipped\n' "$TOTAL_PASSED" "$TOTAL_FAILED" "$TOTAL_SKIPPED"
[ $FAILED_RUNS -eq 0 ]
