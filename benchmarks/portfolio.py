"""Time and SQL statements of the portfolio and the portal, as the data grows (issue 8).

    .venv/bin/python benchmarks/portfolio.py                       # 500 then 10000 alliances
    .venv/bin/python benchmarks/portfolio.py --sizes 500 2000 --repeat 5 --show-sql

Seeds ``grants.demo.seed_scale(..., details=True)`` (alliances across the lifecycle with their
state-change events, budgets, tranches, accountability reports, expenses, contributions, indicators and
values) into a new SQLite file (or the empty database of ``--database-url`` / GRANTS_DATABASE_URL), signs
in an admin and an officer of La Paz, and measures /portfolio, /portfolio.xlsx, /api/v1/portfolio (with
the signed-in session), /portal and /api/v1/portal (anonymous), and the monitoring alerts (/monitoring/alerts,
/api/v1/alerts): statements per request and the median
time of ``--repeat`` requests through Flask's test client. Exits 1 when a statement count grows.
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from benchmarks.queries_per_page import PASSWORD, make_app, measure_cases, sign_in  # noqa: E402

#: (page, who)
CASES = (("/portfolio", "admin"), ("/portfolio", "officer"), ("/portfolio?group=product&state=in_execution", "admin"),
         ("/portfolio.xlsx", "admin"), ("/api/v1/portfolio", "admin"), ("/api/v1/portfolio", "officer"),
         ("/portal", "anonymous"), ("/portal?page=3&region=La+Paz", "anonymous"), ("/api/v1/portal", "anonymous"),
         ("/api/v1/portal?per_page=100", "anonymous"), ("/monitoring/alerts", "admin"), ("/monitoring/alerts", "officer"),
         ("/api/v1/alerts", "admin"))


def measure(engine, clients, repeat):
    return measure_cases(engine, CASES, clients, repeat)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 10000], help="alliances, increasing")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--database-url", default=os.environ.get("GRANTS_DATABASE_URL"))
    parser.add_argument("--show-sql", action="store_true", help="each statement of the largest size with its time")
    parser.add_argument("--seeded", action="store_true",
                        help="measure a database an earlier run seeded (upgraded to the head), without seeding; "
                             "--sizes names its size")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)

    tmp = tempfile.mkdtemp(prefix="grants-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
    app = make_app(url)

    import flask_migrate

    from grants.accounts.models import User
    from grants.extensions import db

    with app.app_context():
        engine = db.engine
        print(f"database: {engine.url.render_as_string(hide_password=True)} ({engine.dialect.name})")
        flask_migrate.upgrade()
        if args.seeded:
            clients = {"admin": sign_in(app, "bench.admin@example.org"),
                       "officer": sign_in(app, "bench.officer@example.org"), "anonymous": app.test_client()}
            sizes = [db.session.execute(sa.text("SELECT count(*) FROM alliances")).scalar()]
            results = {sizes[0]: measure(engine, clients, args.repeat)}
        elif db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            raise SystemExit("the database is not empty: give an empty one (the script writes into it), "
                             "or --seeded to measure it as it is")
        else:
            results = _seed_and_measure(app, engine, sizes, args.repeat)
    return _report(sizes, results, args.show_sql)


def _seed_and_measure(app, engine, sizes, repeat):
    from grants.accounts import services as accounts
    from grants.alliances.alerts import refresh_all
    from grants.demo import seed_scale
    from grants.extensions import db

    accounts.create_user({"email": "bench.admin@example.org", "name": "Bench Admin", "password": PASSWORD,
                          "roles": ["admin"]})
    accounts.create_user({"email": "bench.officer@example.org", "name": "Bench Officer", "password": PASSWORD,
                          "roles": ["officer"], "regions": ["La Paz"]})
    db.session.commit()
    clients = {"admin": sign_in(app, "bench.admin@example.org"),
               "officer": sign_in(app, "bench.officer@example.org"), "anonymous": app.test_client()}
    results, seeded = {}, 0
    for size in sizes:
        t0 = time.perf_counter()
        counts = seed_scale(size - seeded, details=True)
        db.session.commit()
        t1 = time.perf_counter()
        refresh_all()  # the stored alerts: bulk inserts pass no session hook (as `flask grants seed-scale`)
        db.session.commit()
        print(f"alerts refreshed on {size} alliances in {time.perf_counter() - t1:.1f} s", flush=True)
        db.session.remove()
        seeded = size
        print(f"seeded {size} alliances in {time.perf_counter() - t0:.1f} s "
              f"(+{counts['events']} events, {counts['expenses']} expenses, {counts['tranches']} tranches, "
              f"{counts['indicator_values']} indicator values)", flush=True)
        results[size] = measure(engine, clients, repeat)
    return results


def _report(sizes, results, show_sql):
    header = f"{'page':46} {'user':9}" + "".join(f" | N={s:<6} stmts      ms" for s in sizes)
    print()
    print(header)
    print("-" * len(header))
    grew = []
    for page, who in CASES:
        cells = []
        for s in sizes:
            status, stmts, ms, _sql, _size = results[s][(page, who)]
            flag = "" if status == 200 else f" [HTTP {status}]"
            cells.append(f" | {'':8}{stmts:>5} {ms:9.1f}{flag}")
        print(f"{page:46} {who:9}" + "".join(cells))
        if len({results[s][(page, who)][1] for s in sizes}) > 1:
            grew.append((page, who))
        if show_sql:
            for stmt, ms in results[sizes[-1]][(page, who)][3]:
                print(f"    {ms:8.2f} ms  " + " ".join(stmt.split())[:200])
    print()
    print("response sizes at the largest N: " + ", ".join(
        f"{p} {results[sizes[-1]][(p, w)][4] // 1024} KiB" for p, w in CASES if p.startswith("/portal")))
    if grew:
        print("statement count GROWS with the data on: " + ", ".join(f"{p} ({w})" for p, w in grew))
        return 1
    print("statement counts are the same for every size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
