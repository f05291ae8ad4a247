"""A real Chromium through Playwright against the app served on loopback."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

IN_CI = os.environ.get("CI") == "true"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path():
    for candidate in (os.environ.get("GRANTS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def _missing(what):
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) and is missing")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        _missing("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        _missing("Playwright")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def phone(chromium, live_server):
    """A 360 px wide page in Spanish, like a cheap phone; JavaScript on (it only enhances)."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="es-BO", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    artifacts = os.environ.get("GRANTS_TEST_ARTIFACTS")
    if artifacts:
        os.makedirs(artifacts, exist_ok=True)
        page.screenshot(path=os.path.join(artifacts, f"last-{os.getpid()}.png"), full_page=True)
    context.close()


def sign_in(page, email, password="clave-segura-123"):
    page.goto("/login")
    if "/login" not in page.url:
        # still signed in: a response still in flight when the test cleared the cookies set the session
        # cookie again (the session is refreshed on every response); sign out properly first
        page.locator("form[action$='/logout'] button[type=submit]").click()
        page.wait_for_url("**/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")


PHONE_WIDTH = 360
_OVERFLOWING = """width => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > width).slice(0, 15)
    .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits(page, width=PHONE_WIDTH):
    """Whether the page fits the phone's width (nothing scrolls sideways). Measured once the page has loaded
    with its stylesheet: under load, a click's new page can be in the DOM before it is styled. When it does
    not fit, the elements that stick out are printed (shown with the failure)."""
    page.wait_for_load_state("load")
    ok = page.evaluate("document.documentElement.scrollWidth") <= width
    if not ok:
        print("wider than", width, "px:", page.evaluate(_OVERFLOWING, width))
    return ok
