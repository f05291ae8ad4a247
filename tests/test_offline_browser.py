"""The treasurer's day on a 360 px phone in Chromium, in Spanish: online end to end (home, an expense with a
photo made smaller in the browser, the list with its thumbnail and what was bought, the accountability report),
then losing the connection in the middle (the expense waits on the phone with "1 esperando envío" and is sent
once when the connection returns, even if sent twice), a refused queued item that is kept, shown and corrected,
and the pages kept on the phone forgotten at sign-out. Elements are found by id and name."""
import io
import os
import random
import tempfile
import time
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from grants import uploads
from grants.execution.models import AccountabilityReport, Expense
from grants.extensions import db as _db
from tests.browser import fits, sign_in
from tests.execution_support import executing

pytestmark = pytest.mark.browser
TODAY = date.today().isoformat()


def big_photo(width=3200, height=2400):
    """A camera-sized JPEG (noise does not compress: about as heavy as a real photo)."""
    rnd = random.Random(7)
    noise = bytes(rnd.getrandbits(8) for _ in range(width * height * 3 // 64))
    small = Image.frombytes("RGB", (width // 8, height // 8), noise)
    path = os.path.join(tempfile.mkdtemp(), "recibo.jpg")
    small.resize((width, height), Image.Resampling.BICUBIC).save(path, "JPEG", quality=92)
    return path


def expenses():
    _db.session.rollback()
    return _db.session.execute(sa.select(Expense).order_by(Expense.id)).scalars().all()


def fill_expense(page, line_id, amount="1250.50", number="F-00123", what="Alambre de púas, 10 rollos", photo=None):
    page.select_option("select[name=budget_line_id]", str(line_id))
    page.fill("input[name=spent_on]", TODAY)
    page.fill("input[name=amount]", amount)
    page.select_option("select[name=source]", "grant")
    page.fill("input[name=supplier]", "Ferretería Illimani")
    page.select_option("select[name=document_type]", "invoice")
    page.fill("input[name=document_number]", number)
    page.fill("input[name=description]", what)
    if photo:
        page.set_input_files("#receipt", photo)
        page.wait_for_selector("#receipt[data-resized]", state="attached")


def until(page, js, timeout=20.0):
    """Poll an expression (the app's CSP forbids the eval behind Playwright's wait_for_function)."""
    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(js)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"still false after {timeout} s: {js}")
        time.sleep(0.1)


def wait_for_worker(page):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, "navigator.serviceWorker.controller !== null")


def badge(page):
    return page.locator("#queue-badge")


@pytest.fixture
def day(db, alliance, officer, facilitator, board):
    executing(alliance, officer, facilitator, board)
    return alliance.id, alliance.budget_lines[0].id


def test_treasurers_day_online(phone, day, treasurer):
    aid, line_id = day
    photo = big_photo()
    original = os.path.getsize(photo)
    sign_in(phone, treasurer.email)
    phone.goto("/")  # home: the treasurer's tasks
    assert phone.locator("main").is_visible() and fits(phone)
    phone.goto(f"/alliances/{aid}")
    phone.click("#execution-expenses-link")
    fill_expense(phone, line_id, photo=photo)
    sent = int(phone.get_attribute("#receipt", "data-resized"))
    assert sent < original / 3, (sent, original)  # made smaller in the browser before it travels
    assert fits(phone)
    phone.click("#save-expense")
    phone.wait_for_selector("table#expenses")
    [e] = expenses()
    assert str(e.amount) == "1250.50" and e.description == "Alambre de púas, 10 rollos"
    with open(uploads.path_for(e.receipt_sha256), "rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    assert max(stored.size) == 1600 and e.receipt_content_type == "image/jpeg"
    assert phone.text_content(f"#what-{e.id}").strip() == "Alambre de púas, 10 rollos"
    thumb = phone.locator(f"#receipt-{e.id} img")
    thumb.scroll_into_view_if_needed()  # loaded lazily, as it comes into view
    until(phone, f"document.querySelector('#receipt-{e.id} img').naturalWidth > 0")
    assert phone.evaluate(f"document.querySelector('#receipt-{e.id} img').naturalWidth") == 240
    assert badge(phone).is_hidden()
    assert fits(phone)
    phone.click("#nav-reports")
    phone.fill("input[name=period_start]", "2020-01-01")
    phone.fill("input[name=period_end]", TODAY)
    phone.click("#create-report")
    phone.wait_for_selector("#report-state[data-state=draft]")
    assert "Alambre de púas" in phone.inner_text(f"#report-expense-{e.id}")
    assert fits(phone)
    _db.session.rollback()
    assert _db.session.execute(sa.select(sa.func.count()).select_from(AccountabilityReport)).scalar() == 1
    assert len(expenses()) == 1


def test_going_offline_in_the_middle_records_once(phone, day, treasurer):
    aid, line_id = day
    context = phone.context
    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}/execution/expenses")
    wait_for_worker(phone)
    phone.reload()  # now through the worker, which keeps the page
    phone.goto(f"/alliances/{aid}")
    phone.goto(f"/alliances/{aid}/execution/expenses")

    context.set_offline(True)
    fill_expense(phone, line_id, photo=big_photo(2000, 1500))
    phone.click("#save-expense")
    phone.wait_for_selector("#offline-note.saved")
    assert badge(phone).is_visible() and badge(phone).text_content().strip() == "1 esperando envío"
    assert expenses() == []
    assert fits(phone)
    # the pages opened before can still be read without a connection; the badge is on each
    phone.goto(f"/alliances/{aid}")
    until(phone, "document.querySelector('#queue-badge').dataset.count === '1'")
    phone.goto(f"/alliances/{aid}/execution/reports")  # never opened: the offline page
    assert phone.locator("#offline-page").is_visible()
    phone.goto(f"/alliances/{aid}/execution/expenses")
    until(phone, "document.querySelector('#queue-badge').dataset.count === '1'")

    context.set_offline(False)
    until(phone, "document.querySelector('#queue-badge').dataset.count === '0'")
    assert badge(phone).is_hidden()
    assert phone.locator("#offline-note.sent").is_visible()
    [e] = expenses()
    assert e.description == "Alambre de púas, 10 rollos" and e.receipt_sha256

    # the answer was lost and the phone sends the same item again (same key): still one expense
    again = phone.evaluate("""async () => {
        const form = document.querySelector('#expense-form');
        const item = {user: document.querySelector('#queue-badge').dataset.user, kind: 'expense', title: 'x',
                      summary: 'x', action: form.action, key: %r, created: new Date().toISOString(),
                      state: 'waiting', errors: [], fields: %s};
        await GrantsQueue.add(item);
        const r = await GrantsQueue.flush();
        return [r.sent, (await GrantsQueue.all()).length];
    }""" % (_db.session.execute(sa.text("SELECT key FROM idempotency_keys")).scalar_one(), _fields(line_id)))
    assert again == [1, 0]
    assert len(expenses()) == 1
    phone.reload()
    assert phone.locator("table#expenses tbody tr").count() == 1


def _fields(line_id):
    import json

    return json.dumps([["budget_line_id", str(line_id)], ["spent_on", TODAY], ["amount", "1250.50"],
                       ["source", "grant"], ["supplier", "Ferretería Illimani"], ["document_type", "invoice"],
                       ["document_number", "F-00123"], ["description", "Alambre de púas, 10 rollos"],
                       ["idempotency_key",
                        _db.session.execute(sa.text("SELECT key FROM idempotency_keys")).scalar_one()]])


def test_refused_queued_item_is_shown_kept_and_corrected(phone, day, treasurer):
    aid, line_id = day
    context = phone.context
    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}/execution/expenses")
    context.set_offline(True)
    fill_expense(phone, line_id, amount="140000.01", what="Tractor pequeño")  # more than the line has
    phone.click("#save-expense")
    phone.wait_for_selector("#offline-note.saved")
    context.set_offline(False)
    phone.wait_for_selector("#offline-note.refused")
    assert badge(phone).text_content().strip() == "1 esperando envío"  # kept
    assert expenses() == []

    badge(phone).click()
    item = phone.locator(".queued-item[data-state=refused]")
    item.wait_for()
    # the server's reason as the page said it (the rule's message in Spanish, not its code)
    assert "le quedan" in item.inner_text() and "Tractor pequeño" in item.inner_text()
    assert fits(phone)
    phone.reload()  # still there
    item.wait_for()
    phone.locator(".queued-item a[id^=correct-]").click()
    phone.wait_for_selector("#offline-note.correcting")
    assert phone.input_value("input[name=description]") == "Tractor pequeño"
    assert phone.input_value("input[name=amount]") == "140000.01"
    phone.fill("input[name=amount]", "1400.00")
    phone.click("#save-expense")
    phone.wait_for_url("**/offline/pending")
    phone.wait_for_selector("#pending-empty")
    [e] = expenses()
    assert str(e.amount) == "1400.00" and e.description == "Tractor pequeño"


def test_discard_and_sign_out_forgets_the_pages(phone, day, treasurer):
    aid, line_id = day
    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}/execution/expenses")
    wait_for_worker(phone)
    phone.reload()
    until(phone, "caches.open('grants-pages').then(c => c.keys()).then(k => k.length > 0)")
    phone.context.set_offline(True)
    fill_expense(phone, line_id)
    phone.click("#save-expense")
    phone.wait_for_selector("#offline-note.saved")
    phone.goto("/offline/pending")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.locator(".queued-item button.danger").click()
    phone.wait_for_selector("#pending-empty")
    assert badge(phone).is_hidden()
    phone.context.set_offline(False)
    phone.goto(f"/alliances/{aid}/execution/expenses")
    phone.locator("form[action$='/logout'] button[type=submit]").click()
    phone.wait_for_url("**/login")
    assert phone.evaluate("caches.open('grants-pages').then(c => c.keys()).then(k => k.length)") == 0
    assert expenses() == []


AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe-core", "axe.min.js")


@pytest.fixture
def checked_phone(chromium, live_server):
    """A 360 px phone whose pages accept the injected axe-core (bypass_csp: the app allows no foreign script)."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=live_server,
                                   bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def axe_problems(page):
    page.add_script_tag(path=AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_problem_on_the_treasurers_pages(checked_phone, day, treasurer):
    aid, line_id = day
    page = checked_phone
    sign_in(page, treasurer.email)
    page.goto(f"/alliances/{aid}/execution/expenses")
    fill_expense(page, line_id, photo=big_photo(800, 600))
    page.click("#save-expense")
    page.wait_for_selector("table#expenses")
    [e] = expenses()
    page.goto(f"/alliances/{aid}/execution/reports")
    page.fill("input[name=period_start]", "2020-01-01")
    page.fill("input[name=period_end]", TODAY)
    page.click("#create-report")
    page.wait_for_selector("#report-state[data-state=draft]")
    report_url = page.url
    problems = {}
    for url in ("/dashboard", f"/alliances/{aid}", f"/alliances/{aid}/execution",
                f"/alliances/{aid}/execution/expenses",
                f"/alliances/{aid}/execution/expenses/{e.id}", f"/alliances/{aid}/execution/contributions",
                f"/alliances/{aid}/monitoring/indicators", report_url, "/offline/pending", "/offline"):
        page.goto(url)
        found = axe_problems(page)
        if found:
            problems[url] = found
    assert problems == {}
    # and the check can fail: a picture without words is a critical problem for axe
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img')).src = "
                  "'/static/icons/pdf.png'")
    assert [p[0] for p in axe_problems(page)] == ["image-alt"]


def test_contribution_and_indicator_value_wait_offline_and_are_sent_once(phone, day, treasurer, alliance):
    from grants.execution.models import Contribution
    from grants.monitoring.models import IndicatorValue
    from tests.monitoring_support import indicator, last_month

    aid, _line_id = day
    ind_id = indicator(alliance, "yield").id
    sign_in(phone, treasurer.email)
    phone.goto(f"/alliances/{aid}/execution/contributions")
    phone.context.set_offline(True)
    phone.select_option("select[name=kind]", "cash")
    phone.fill("input[name=description]", "Aporte en efectivo de 20 familias")
    phone.fill("input[name=contributed_on]", TODAY)
    phone.fill("input[name=amount]", "2000.00")
    phone.set_input_files("#evidence", big_photo(1200, 900))
    phone.wait_for_selector("#evidence[data-resized]", state="attached")
    phone.click("#save-contribution")
    phone.wait_for_selector("#offline-note.saved")
    phone.context.set_offline(False)
    until(phone, "document.querySelector('#queue-badge').dataset.count === '0'")  # sent
    phone.goto(f"/alliances/{aid}/monitoring/indicators")
    phone.context.set_offline(True)
    phone.select_option("select[name=indicator_id]", str(ind_id))
    phone.fill("input[name=period]", last_month())
    phone.fill("input[name=value]", "12.5")
    phone.click("#save-value")
    phone.wait_for_selector("#offline-note.saved")
    # the contribution was sent when the connection came back for a moment; the value waits
    assert badge(phone).text_content().strip() == "1 esperando envío"
    phone.context.set_offline(False)
    until(phone, "document.querySelector('#queue-badge').dataset.count === '0'")
    _db.session.rollback()
    [c] = _db.session.execute(sa.select(Contribution)).scalars().all()
    assert str(c.amount) == "2000.00" and c.evidence_sha256
    [v] = _db.session.execute(sa.select(IndicatorValue)).scalars().all()
    assert str(v.value) == "12.50" and v.period == last_month() and v.indicator_id == ind_id
