"""SQL statements and time per request of the main list pages, as the data grows.

    .venv/bin/python benchmarks/queries_per_page.py                 # 100 then 2000 alliances
    .venv/bin/python benchmarks/queries_per_page.py --sizes 100 1000 5000 --repeat 20

Seeds ``grants.demo.seed_scale`` data into a new SQLite file in a temporary folder (or into
``--database-url`` / GRANTS_DATABASE_URL, which must be an empty database: the script writes into
it), signs in as an admin and as an officer of La Paz, and for each page counts the statements sent
to the database (SQLAlchemy ``before_cursor_execute``) and the median time of a request through
Flask's test client. The statement count of a page must not grow with the number of alliances;
the script exits 1 when it does.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

PAGES = ("/alliances/", "/associations/", "/dashboard")
PASSWORD = "clave-de-bench-123"


def make_app(url):
    import config
    from grants import create_app

    class BenchConfig(config.TestConfig):
        TESTING = False  # behave like production: errors become 500 pages, not exceptions
        DATABASE_URL = url
        UPLOAD_FOLDER = os.path.join(tempfile.gettempdir(), "grants-bench-uploads")

    os.environ.pop("GRANTS_DATABASE_URL", None)  # it would override DATABASE_URL
    return create_app(BenchConfig)


class Counter:
    """Counts statements (before_cursor_execute) and times each (after_cursor_execute)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.statements = []  # [(statement, ms)]
        self._t0 = None

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self._t0 = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, (time.perf_counter() - (self._t0 or time.perf_counter())) * 1000))


def sign_in(app, email):
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    if resp.status_code != 302:
        raise SystemExit(f"cannot sign in as {email}: HTTP {resp.status_code}")
    return client


def measure_cases(engine, cases, clients, repeat):
    """For each ``(page, who)`` of ``cases``: one warm-up request, the statements of the next one
    (``before_cursor_execute``), then the median time of ``repeat`` more. Returns
    ``{(page, who): (status, statements, median ms, [(sql, ms)], bytes)}``."""
    counter = Counter()
    sa.event.listen(engine, "before_cursor_execute", counter.before)
    sa.event.listen(engine, "after_cursor_execute", counter.after)
    out = {}
    try:
        for page, who in cases:
            client = clients[who]
            client.get(page)  # warm caches (templates, session)
            counter.reset()
            resp = client.get(page)
            statements, sql = counter.count, counter.statements
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                client.get(page)
                times.append((time.perf_counter() - t0) * 1000)
            out[(page, who)] = (resp.status_code, statements, statistics.median(times), sql, len(resp.data))
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter.before)
        sa.event.remove(engine, "after_cursor_execute", counter.after)
    return out


def measure(app, engine, clients, repeat):
    """{(page, who): (status, statements, median ms, sql)} for every page of PAGES and every user."""
    found = measure_cases(engine, [(page, who) for page in PAGES for who in clients], clients, repeat)
    return {key: value[:4] for key, value in found.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 2000], help="alliances, increasing")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page and user")
    parser.add_argument("--database-url", default=os.environ.get("GRANTS_DATABASE_URL"))
    parser.add_argument("--show-sql", action="store_true", help="print the statements of each page (largest size) with their time")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)

    tmp = tempfile.mkdtemp(prefix="grants-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
    app = make_app(url)

    import flask_migrate

    from grants.accounts import services as accounts
    from grants.accounts.models import User
    from grants.demo import seed_scale
    from grants.extensions import db

    with app.app_context():
        engine = db.engine
        print(f"database: {engine.url.render_as_string(hide_password=True)} ({engine.dialect.name})")
        flask_migrate.upgrade()
        if db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            raise SystemExit("the database is not empty: give an empty one (the script writes into it)")
        accounts.create_user({"email": "bench.admin@example.org", "name": "Bench Admin", "password": PASSWORD,
                              "roles": ["admin"]})
        accounts.create_user({"email": "bench.officer@example.org", "name": "Bench Officer", "password": PASSWORD,
                              "roles": ["officer"], "regions": ["La Paz"]})
        db.session.commit()
        clients = {"admin": sign_in(app, "bench.admin@example.org"),
                   "officer": sign_in(app, "bench.officer@example.org")}

        results, seeded = {}, 0
        for size in sizes:
            t0 = time.perf_counter()
            seed_scale(size - seeded)
            db.session.commit()
            db.session.remove()
            seeded = size
            print(f"seeded {size} alliances in {time.perf_counter() - t0:.1f} s", flush=True)
            results[size] = measure(app, engine, clients, args.repeat)

    header = f"{'page':16} {'user':8}" + "".join(f" | N={s:<6} stmts    ms" for s in sizes)
    print()
    print(header)
    print("-" * len(header))
    grew = []
    for page in PAGES:
        for who in ("admin", "officer"):
            cells = []
            for s in sizes:
                status, stmts, ms, _sql = results[s][(page, who)]
                flag = "" if status == 200 else f" [HTTP {status}]"
                cells.append(f" | {'':8}{stmts:>5} {ms:7.1f}{flag}")
            print(f"{page:16} {who:8}" + "".join(cells))
            counts = {results[s][(page, who)][1] for s in sizes}
            if len(counts) > 1:
                grew.append((page, who))
            if args.show_sql:
                for stmt, ms in results[sizes[-1]][(page, who)][3]:
                    print(f"    {ms:7.2f} ms  " + " ".join(stmt.split())[:180])
    print()
    if grew:
        print("statement count GROWS with the data on: " + ", ".join(f"{p} ({w})" for p, w in grew))
        return 1
    print("statement counts are the same for every size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
