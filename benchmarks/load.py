"""Load benchmark: every key page under gunicorn and wrk, as a ratio to a trivial route in the same run.

    .venv/bin/python benchmarks/load.py                         # throwaway PostgreSQL, the national profile
    .venv/bin/python benchmarks/load.py --alliances 2000 --duration 5   # quick: the benchmark shape
    .venv/bin/python benchmarks/load.py --profile national --alliances 2000   # the national shape, smaller
    .venv/bin/python benchmarks/load.py --database-url postgresql://postgres@127.0.0.1:5432/empty_db

What it does, in one run:

1. a database: the EMPTY PostgreSQL database of ``--database-url``, or a throwaway cluster of its own
   (initdb and pg_ctl of Debian's postgresql, as user postgres when run as root, deleted at the end);
2. the schema by the migrations, then ``grants.demo.seed_scale`` with the shape of ``--profile`` (``national``
   by default: 10,000 alliances, 120 members per association, 343 expenses per alliance in execution, that
   is about 400,000 members and 1,000,000 expenses; ``--alliances N`` alone gives the smaller ``benchmark``
   shape of N alliances, as before; ``--members`` and ``--expenses`` change one dimension): alliances across
   the lifecycle with budgets, tranches, reports, expenses, contributions, indicators and events, and one
   account per role (admin, an officer of every region, finance, committee, a board member and the
   treasurer of an association whose alliance is in execution);
3. the SQL statements of one request of each page, counted in-process (SQLAlchemy events);
4. ``gunicorn -w WORKERS`` on a free port (production settings, portfolio cache off), every role signed
   in through ``/login``, then for each page ``wrk -t2 -cCONNECTIONS -dDURATION`` with a Lua script
   that prints requests/s, p50, p95, p99 and bytes per request; ``/healthz`` (no database, no session)
   is the trivial route every page is compared with. Before each page the script waits until the server
   has answered the previous page's queued requests (``drain``); ``--only WORD...`` measures some pages.

Needs ``wrk`` (Debian package ``wrk``) and PostgreSQL's server binaries for the throwaway cluster.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import sqlalchemy as sa  # noqa: E402

from benchmarks.queries_per_page import PASSWORD, make_app, measure_cases  # noqa: E402

#: the alliance page is measured at each of these states
STAGES = ("submitted", "plan_submitted", "approved", "agreement_signed", "in_execution", "closing", "closed")
ROLES = ("admin", "officer", "finance", "committee", "board", "treasurer")
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "bytes": %d, "p50": %f, "p95": %f, "p99": %f, '
    .. '"errors": %d, "status": %d}\\n', summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(cmd):
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder (fsync off: a benchmark, not a store)."""

    def __init__(self):
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=int, reverse=True) if os.path.isdir(
            "/usr/lib/postgresql") else []
        if not versions:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql), or give --database-url")
        self.bin = f"/usr/lib/postgresql/{versions[0]}/bin"
        self.dir = tempfile.mkdtemp(prefix="grants-load-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()

    def start(self):
        data = os.path.join(self.dir, "data")
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                    "--locale=C.UTF-8", "--no-sync"]), check=True, capture_output=True)
        opts = (f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c shared_buffers=512MB -c work_mem=32MB -c max_connections=100")
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", data, "-l", os.path.join(self.dir, "server.log"),
                                    "-w", "-o", opts, "start"]), check=True, capture_output=True)
        subprocess.run([f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "grants"],
                       check=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/grants"

    def stop(self):
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate",
                                    "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def prepare(app, alliances, members=40, expenses=12, seeded=False):
    """Schema, seed and accounts (with ``seeded``, none of it: the database holds an earlier run's); returns
    the pages to measure as ``[(label, path, who)]``."""
    import flask_migrate

    from grants.accounts import services as accounts
    from grants.accounts.models import User
    from grants.associations.models import Association
    from grants.demo import seed_scale
    from grants.extensions import db

    with app.app_context():
        if seeded:
            if not db.session.execute(sa.select(User.id).where(User.email == "load.board@example.org")).scalar():
                raise SystemExit("--seeded: this database was not seeded by load.py (no load.board account)")
            first = _first_of_each_stage(db)
            _agreement(db, first["in_execution"].id)
            return _pages(first)
        flask_migrate.upgrade()
        if db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            raise SystemExit("the database is not empty: give an empty one (the script writes into it), "
                             "or --seeded to measure the data of an earlier run")
        accounts.create_user({"email": "load.admin@example.org", "name": "Load Admin", "password": PASSWORD,
                              "roles": ["admin"]})
        db.session.commit()
        t0 = time.perf_counter()
        counts = seed_scale(alliances, members=members, details=True, expenses=expenses)
        db.session.commit()
        print(f"seeded {alliances} alliances in {time.perf_counter() - t0:.0f} s: "
              + ", ".join(f"{v} {k}" for k, v in counts.items() if isinstance(v, int)), flush=True)
        regions = sorted(set(db.session.execute(sa.select(Association.region)).scalars()))
        first = _first_of_each_stage(db)
        executing = first["in_execution"]
        if executing is None:
            raise SystemExit("no alliance in execution in the seeded data: seed more alliances")
        users = {"officer": {"roles": ["officer"], "regions": regions}, "finance": {"roles": ["finance"]},
                 "committee": {"roles": ["committee"]},
                 "board": {"memberships": [{"association_id": executing.association_id, "role": "board"}]},
                 "treasurer": {"memberships": [{"association_id": executing.association_id, "role": "treasurer"}]}}
        for who, extra in users.items():
            accounts.create_user({"email": f"load.{who}@example.org", "name": f"Load {who}", "password": PASSWORD,
                                  "roles": [], **extra})
        db.session.commit()
        _agreement(db, executing.id)
    return _pages(first)


def _agreement(db, alliance_id):
    """The alliance in execution gets its generated agreement (as the committee's approval makes it), so that
    the agreement PDF row measures a real agreement (the bulk seed writes no agreement rows)."""
    from grants.alliances.models import Alliance
    from grants.funding.services import ensure_agreement

    ensure_agreement(db.session.get(Alliance, alliance_id))
    db.session.commit()


def _first_of_each_stage(db):
    from grants.alliances.models import Alliance

    return {state: db.session.execute(sa.select(Alliance.id, Alliance.association_id).where(Alliance.state == state)
                                      .order_by(Alliance.id).limit(1)).first() for state in STAGES}


def _pages(first):
    aid = first["in_execution"].id
    pages = [("trivial route /healthz", "/healthz", "anonymous")]
    pages += [(f"alliance page ({state})", f"/alliances/{row.id}", "officer")
              for state, row in first.items() if row is not None]
    pages += [("alliance page, board (in_execution)", f"/alliances/{aid}", "board"),
              ("execution page", f"/alliances/{aid}/execution", "treasurer"),
              ("home, officer", "/dashboard", "officer"), ("home, board", "/dashboard", "board"),
              ("home, admin", "/dashboard", "admin"),
              ("/alliances/", "/alliances/", "officer"), ("/screening", "/screening", "officer"),
              ("accountability queue", "/accountability-reports/", "officer"),
              ("API list", "/api/v1/alliances?per_page=50", "admin-token"),
              ("/portfolio (admin)", "/portfolio", "admin"), ("/portal", "/portal", "anonymous"),
              ("agreement PDF", f"/funding/alliances/{aid}/agreement.pdf", "officer")]
    return pages


def statements(app, pages, repeat=1):
    """{path+who: (status, statements, bytes, median ms of ``repeat`` requests)} through the test client,
    signed in as each role."""
    from grants.extensions import db

    clients = {"anonymous": app.test_client()}
    with app.app_context():
        for who in ROLES:
            c = app.test_client()
            resp = c.post("/login", data={"email": f"load.{who}@example.org", "password": PASSWORD})
            if resp.status_code != 302:
                raise SystemExit(f"cannot sign in as {who}: HTTP {resp.status_code}")
            clients[who] = c
        api = app.test_client()
        resp = api.post("/api/v1/tokens", json={"email": "load.admin@example.org", "password": PASSWORD})
        if resp.status_code != 201:
            raise SystemExit(f"no API token: HTTP {resp.status_code} {resp.get_data(as_text=True)[:300]}")
        token = resp.get_json()["token"]
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        clients["admin-token"] = api
        found = measure_cases(db.engine, [(path, who) for _label, path, who in pages], clients, repeat=repeat)
    return {key: (v[0], v[1], v[4], v[2]) for key, v in found.items()}


def http_sign_in(base, who):
    """The session cookie of ``who`` after a real POST /login to the running server."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    cookie = None

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    jar = opener.handlers
    cookies = "; ".join(f"{c.name}={c.value}" for h in jar if isinstance(h, urllib.request.HTTPCookieProcessor)
                        for c in h.cookiejar)
    data = urllib.parse.urlencode({"email": f"load.{who}@example.org", "password": PASSWORD,
                                   "csrf_token": token.group(1) if token else ""}).encode()
    req = urllib.request.Request(base + "/login", data=data, headers={"Cookie": cookies})
    try:
        urllib.request.build_opener(NoRedirect()).open(req)
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise SystemExit(f"sign-in of {who} answered HTTP {exc.code}")
        cookie = exc.headers.get("Set-Cookie", "").split(";")[0]
    if not cookie:
        raise SystemExit(f"sign-in of {who} gave no session cookie")
    return cookie


def api_token(base):
    req = urllib.request.Request(base + "/api/v1/tokens", method="POST", headers={"Content-Type": "application/json"},
                                 data=json.dumps({"email": "load.admin@example.org", "password": PASSWORD}).encode())
    return json.loads(urllib.request.urlopen(req).read())["token"]


def wrk(url, header, duration, connections, lua):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", lua, url]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    found = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not found:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    r = json.loads(found.group(1))
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    return r


def drain(base, quiet=0.25, limit=120):
    """Wait until the server has finished the previous page's requests: wrk stops with requests still queued
    (a sync worker answers each, even to a closed connection), which would be counted against the next page.
    Done when ``/healthz`` answers within ``quiet`` seconds twice in a row."""
    calm, deadline = 0, time.monotonic() + limit
    while calm < 2 and time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            urllib.request.urlopen(base + "/healthz", timeout=limit).read()
        except OSError:
            pass
        calm = calm + 1 if time.monotonic() - t0 < quiet else 0
        if calm < 2:
            time.sleep(0.2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--profile", choices=("national", "benchmark"), default=None,
                        help="the shape of the data (default: national, or benchmark when a size is given)")
    parser.add_argument("--alliances", type=int, default=None, help="alliances (default: the profile's)")
    parser.add_argument("--members", type=int, default=None, help="members per association")
    parser.add_argument("--expenses", type=int, default=None, help="expenses per alliance in execution (mean)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--in-process", type=int, default=0, metavar="REPEAT",
                        help="no server and no wrk: time each page in-process (median of REPEAT requests), for a "
                             "machine too loaded for wrk's timeouts")
    parser.add_argument("--only", nargs="+", metavar="WORD",
                        help="measure only the pages whose label contains one of these words (and /healthz)")
    parser.add_argument("--seeded", action="store_true",
                        help="the database of --database-url holds an earlier run's data: measure it again "
                             "(no migration, no seed), e.g. to compare two versions of the code on the same data")
    args = parser.parse_args(argv)
    from grants.demo.scale import resolve_profile

    args.alliances, members, expenses = resolve_profile(args.profile, args.alliances, args.members, args.expenses)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (apt-get install wrk)")

    cluster = None
    if args.database_url:
        url = args.database_url
    else:
        cluster = Cluster()
        url = cluster.start()
    server = None
    tmp = tempfile.mkdtemp(prefix="grants-load-")
    lua = os.path.join(tmp, "report.lua")
    with open(lua, "w") as fh:
        fh.write(LUA)
    try:
        app = make_app(url)
        if args.seeded and not args.database_url:
            raise SystemExit("--seeded needs --database-url")
        pages = prepare(app, args.alliances, members, expenses, seeded=args.seeded)
        if args.only:
            pages = [p for i, p in enumerate(pages) if i == 0 or any(w in p[0] for w in args.only)]
        counted = statements(app, pages, repeat=args.in_process or 1)
        if args.in_process:
            print(f"\nin-process (Flask test client, no server), median of {args.in_process} requests\n")
            print(f"{'page':38} {'who':11} {'ms':>8} {'stmts':>5} {'KiB':>6} {'status':>6}")
            for label, path, who in pages:
                status, stmts, size, ms = counted[(path, who)]
                print(f"{label:38} {who:11} {ms:8.1f} {stmts:5d} {size / 1024:6.1f} {status:6d}", flush=True)
            return 0
        port = free_port()
        env = {**os.environ, "GRANTS_DATABASE_URL": url, "GRANTS_SECRET_KEY": "load-benchmark-secret",
               "GRANTS_ENV": "production", "GRANTS_PORTFOLIO_CACHE_SECONDS": "0",
               "GRANTS_SESSION_COOKIE_SECURE": "false", "GRANTS_RATELIMIT_ENABLED": "false",
               "GRANTS_UPLOAD_FOLDER": os.path.join(tmp, "uploads")}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b",
                                   f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                                  start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        headers = {"anonymous": None, "admin-token": f"Authorization: Bearer {api_token(base)}"}
        for who in ROLES:
            headers[who] = "Cookie: " + http_sign_in(base, who)
        print(f"\ngunicorn -w {args.workers} on PostgreSQL, {args.alliances} alliances ({members} members per "
              f"association, {expenses} expenses per alliance in execution), "
              f"wrk -t2 -c{args.connections} -d{args.duration}s, {os.cpu_count()} cores\n")
        head = (f"{'page':38} {'who':11} {'req/s':>8} {'ratio':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
                f"{'KiB':>6} {'stmts':>5} {'non-2xx':>7}")
        print(head)
        print("-" * len(head))
        trivial = None
        for label, path, who in pages:
            drain(base)
            r = wrk(base + path, headers[who], args.duration, args.connections, lua)
            trivial = trivial or r["rps"]
            status, stmts, _size, _ms = counted[(path, who)]
            per = r["bytes"] / r["requests"] / 1024 if r["requests"] else 0
            bad = r["status"] + r["errors"] + (0 if status == 200 else 1)
            print(f"{label:38} {who:11} {r['rps']:8.0f} {r['rps'] / trivial:7.1%} {r['p50']:7.1f} {r['p95']:7.1f} "
                  f"{r['p99']:7.1f} {per:6.1f} {stmts:5d} {bad:7d}", flush=True)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
