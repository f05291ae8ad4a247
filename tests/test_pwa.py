"""The installable web app: the manifest and its icons, the service worker at the root scope, the offline and
"waiting to send" pages (the same for everyone: no user data), the token the queue sends with, and the badge
and the offline forms' marks in the pages (hidden, and harmless, without JavaScript)."""
import io
import json
import os

import pytest
from PIL import Image

from tests.execution_support import executing

STATIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "grants", "static")


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def test_manifest_and_icons(client):
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200 and resp.mimetype == "application/manifest+json"
    m = json.loads(resp.data)
    assert m["start_url"] == "/" and m["scope"] == "/" and m["display"] == "standalone"
    assert m["name"] == "Alianzas rurales" and m["lang"] == "es"
    sizes = {}
    for icon in m["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.mimetype == "image/png"
        sizes[icon.get("purpose", "any")] = sizes.get(icon.get("purpose", "any"), []) + [
            Image.open(io.BytesIO(got.data)).size]
        got.close()
    assert sizes["any"] == [(192, 192), (512, 512)] and sizes["maskable"] == [(512, 512)]
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert json.loads(english.data)["name"] in ("Rural alliances", "Alianzas rurales")


def test_service_worker_at_root_scope(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/" and resp.headers["Cache-Control"] == "no-cache"
    body = resp.get_data(as_text=True)
    resp.close()
    with open(os.path.join(STATIC, "js", "sw.js"), encoding="utf-8") as fh:
        assert body == fh.read()
    # every file of the shell exists, so that the worker installs
    for url in ("/static/css/app.css", "/static/js/offline.js", "/static/js/queue.js", "/static/icons/icon-192.png",
                "/static/icons/pdf.png", "/static/icons/file.png", "/static/favicon.ico", "/manifest.webmanifest",
                "/offline", "/offline/pending"):
        assert f'"{url}"' in body
        got = client.get(url)
        assert got.status_code == 200, url
        got.close()


def test_offline_pages_carry_no_user_data(live, treasurer, login):
    web = login(treasurer)
    for url in ("/offline", "/offline/pending"):
        html = web.get(url).get_data(as_text=True)
        assert treasurer.name not in html and treasurer.email not in html
        assert 'data-who="neutral"' in html and 'data-user=""' in html
    assert 'id="pending-list"' in web.get("/offline/pending").get_data(as_text=True)
    assert "Sin conexión" in web.get("/offline").get_data(as_text=True)


def test_token_for_the_queue(live, treasurer, login, client):
    resp = client.get("/offline/token")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthenticated"
    resp = login(treasurer).get("/offline/token")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert resp.get_json()["user"] == str(treasurer.id) and resp.get_json()["csrf_token"]


def test_pages_carry_manifest_badge_and_offline_forms(live, treasurer, login):
    web = login(treasurer)
    html = web.get(f"/alliances/{live.id}/execution/expenses").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'id="queue-badge"' in html and " hidden" in html and f'data-user="{treasurer.id}"' in html
    assert 'src="/static/js/offline.js"' in html and 'src="/static/js/queue.js"' in html
    assert 'data-offline="expense"' in html
    strings = html.split('id="offline-strings">')[1].split("</script>")[0]
    assert json.loads(strings)["waiting"] == "{n} esperando envío"
    assert 'data-offline="contribution"' in web.get(f"/alliances/{live.id}/execution/contributions").get_data(
        as_text=True)
    assert 'data-offline="value"' in web.get(f"/alliances/{live.id}/monitoring/indicators").get_data(as_text=True)
    assert 'data-who="anonymous"' in web.application.test_client().get("/login").get_data(as_text=True)


def test_scripts_are_served_with_the_csp(client):
    resp = client.get("/offline")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    html = resp.get_data(as_text=True)
    # no inline script runs (the strings are a JSON data block)
    assert html.count("<script") == 3 and '<script type="application/json"' in html


@pytest.mark.parametrize("path", ["/offline", "/offline/pending"])
def test_the_pages_the_service_worker_keeps_leave_the_session_cookie_alone(client, path):
    """The worker fetches them in the background with the cookie of the moment: an answer that arrives after the
    sign-in's must not put the signed-out session back (phones were sent back to the sign-in page)."""
    with client.session_transaction() as sess:
        sess["csrf_token"] = "de-antes"  # a signed-out session that a page would write again (its freshness)
    resp = client.get(path)
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert "Set-Cookie" in client.get("/login").headers  # any other page writes that session
