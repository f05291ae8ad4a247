"""The treasurer's pages and an expense with a photo on a cheap phone's slow 3G (issue 11, part 11).

    .venv/bin/python benchmarks/phone.py                 # 400 kbit/s both ways, 400 ms latency
    .venv/bin/python benchmarks/phone.py --kbps 1600 --latency 150 --repeat 3

Loads the demo (``grants.demo.seed``) into a new SQLite file (or the EMPTY database of ``--database-url``),
serves the app on loopback (werkzeug, threaded), and drives Debian's Chromium through Playwright at 360 px in
Spanish with the network emulated through the Chrome DevTools Protocol (``Network.emulateNetworkConditions``).
For each page of the demo's alliance in execution, as the user who records its expenses (its board: the demo's
treasurer belongs to an association whose alliance is still a draft), it prints the time to the load event and
the bytes that crossed the network, on a first visit (empty cache) and on a repeat visit (the browser's HTTP
cache; the service worker is blocked in both, as its own requests escape the page's emulation); then the time
and upload size of an expense with a 3200 x 2400 photo, sent as it is (no JavaScript) and made smaller in the
browser (offline.js: 1600 px, JPEG 0.8).
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from benchmarks.queries_per_page import make_app  # noqa: E402

PASSWORD = "bench-phone-2026"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def photo(path, width=3200, height=2400):
    """A camera-sized JPEG (coarse noise, about as heavy as a real photo of a receipt)."""
    from PIL import Image

    rnd = random.Random(7)
    small = Image.frombytes("RGB", (width // 8, height // 8),
                            bytes(rnd.getrandbits(8) for _ in range(width * height * 3 // 64)))
    small.resize((width, height), Image.Resampling.BICUBIC).save(path, "JPEG", quality=92)
    return path


class Meter:
    """Bytes received and sent by one page, from the DevTools protocol's network events."""

    def __init__(self, cdp):
        self.received = 0
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.received += int(event.get("encodedDataLength", 0))


def throttle(context, page, kbps, latency, cache=True):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                  "downloadThroughput": kbps * 1000 / 8,
                                                  "uploadThroughput": kbps * 1000 / 8})
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    return Meter(cdp)


def timed(page, meter, url):
    before = meter.received
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    return time.perf_counter() - t0, meter.received - before


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kbps", type=int, default=400, help="kilobits per second, each way")
    parser.add_argument("--latency", type=int, default=400, help="milliseconds added to each round trip")
    parser.add_argument("--repeat", type=int, default=3, help="visits per page (the median is printed)")
    parser.add_argument("--database-url", default=os.environ.get("GRANTS_DATABASE_URL"))
    parser.add_argument("--chromium", default=os.environ.get("GRANTS_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="grants-phone-")
    url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = True

    import flask_migrate
    from werkzeug.serving import make_server

    from grants import demo
    from grants.accounts.models import User
    from grants.alliances.models import Alliance
    from grants.execution.models import Expense
    from grants.extensions import db

    with app.app_context():
        flask_migrate.upgrade()
        if db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar():
            raise SystemExit("the database is not empty: give an empty one (the script writes into it)")
        accounts = demo.seed(PASSWORD)
        db.session.commit()
        # the demo's alliance in execution, and who records its expenses (its treasurer, or else its board)
        alliance = db.session.execute(sa.select(Alliance).where(Alliance.state == "in_execution")
                                      .order_by(Alliance.id)).scalars().first()
        users = {u.email: u for u in db.session.execute(sa.select(User)).scalars()}
        email = next(e for role in ("treasurer", "board") for e, _p, _label in accounts
                     if alliance.association_id in users[e].association_ids(role))
        aid, line_id = alliance.id, alliance.budget_lines[0].id
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = ["/dashboard", f"/alliances/{aid}", f"/alliances/{aid}/execution", f"/alliances/{aid}/execution/expenses",
             f"/alliances/{aid}/execution/contributions", f"/alliances/{aid}/monitoring/indicators",
             f"/alliances/{aid}/execution/reports"]
    big = photo(os.path.join(tmp, "recibo.jpg"))

    from playwright.sync_api import sync_playwright

    print(f"network: {args.kbps} kbit/s each way, {args.latency} ms latency (Chromium DevTools emulation); "
          f"viewport 360 x 740; median of {args.repeat}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)

        def session(workers, cache):
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=base,
                                          service_workers="allow" if workers else "block")
            page = context.new_page()
            page.set_default_timeout(180_000)
            page.goto("/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url("**/dashboard")
            return context, page, throttle(context, page, args.kbps, args.latency, cache)

        rows = []
        context, page, meter = session(workers=False, cache=False)
        first = {p: [timed(page, meter, p) for _ in range(args.repeat)] for p in pages}
        context.close()
        # the repeat visit: the browser's HTTP cache. (The service worker is blocked here: its own requests
        # escape the page's DevTools emulation, so they could not be measured on the same slow network.)
        context, page, meter = session(workers=False, cache=True)
        for p in pages:  # the first visit fills the cache
            timed(page, meter, p)
        repeat = {p: [timed(page, meter, p) for _ in range(args.repeat)] for p in pages}
        for p in pages:
            rows.append((p, statistics.median(t for t, _b in first[p]), statistics.median(b for _t, b in first[p]),
                         statistics.median(t for t, _b in repeat[p]), statistics.median(b for _t, b in repeat[p])))
        print(f"\n{'page':48} {'first s':>8} {'first KB':>9} {'again s':>8} {'again KB':>9}")
        for p, t1, b1, t2, b2 in rows:
            print(f"{p:48} {t1:8.2f} {b1 / 1024:9.1f} {t2:8.2f} {b2 / 1024:9.1f}")

        print(f"\nexpense with a {big and os.path.getsize(big) // 1024} KB photo (3200 x 2400):")
        for label, js in (("sent as taken (no JavaScript)", False), ("made smaller in the browser", True)):
            ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=base,
                                      java_script_enabled=js, service_workers="block")
            pg = ctx.new_page()
            pg.set_default_timeout(600_000)
            pg.goto("/login")
            pg.fill("input[name=email]", email)
            pg.fill("input[name=password]", PASSWORD)
            pg.click("main button[type=submit]")
            pg.wait_for_url("**/dashboard")
            pg.goto(f"/alliances/{aid}/execution/expenses")
            throttle(ctx, pg, args.kbps, args.latency)
            pg.select_option("select[name=budget_line_id]", str(line_id))
            pg.fill("input[name=spent_on]", date.today().isoformat())
            pg.fill("input[name=amount]", "10.00")
            pg.select_option("select[name=source]", "counterpart_cash")
            pg.fill("input[name=supplier]", "Ferretería Illimani")
            pg.select_option("select[name=document_type]", "receipt")
            pg.fill("input[name=document_number]", f"BENCH-{int(js)}-{time.time_ns()}")
            pg.fill("input[name=description]", "Clavos y alambre")
            pg.set_input_files("#receipt", big)
            size = os.path.getsize(big)
            if js:
                pg.wait_for_selector("#receipt[data-resized]", state="attached")
                size = int(pg.get_attribute("#receipt", "data-resized"))
            t0 = time.perf_counter()
            with pg.expect_navigation(wait_until="load"):
                pg.click("#save-expense")
            took = time.perf_counter() - t0
            ok = "table#expenses" if pg.locator("table#expenses").count() else "NOT RECORDED"
            print(f"  {label:32} upload {size / 1024:8.1f} KB  {took:7.1f} s  ({ok})")
            ctx.close()
        browser.close()
    server.shutdown()
    with app.app_context():
        n = db.session.execute(sa.select(sa.func.count()).select_from(Expense).where(
            Expense.document_number.like("BENCH-%"))).scalar()
        print(f"expenses recorded by the benchmark: {n}")


if __name__ == "__main__":
    main()
