"""What every signed-in page pays before and after its view (issue 12): the session cookie, the menu's
strings; a page is not made slower by its frame."""
import json
from datetime import timedelta
from email.utils import parsedate_to_datetime

from grants.common import utcnow
from grants.web import offline


def _session_cookies(resp):
    return [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_the_session_cookie_is_signed_again_only_when_the_session_changes(app, login, officer):
    """A page that leaves the session as it was sends no new cookie (no signature on every request); the
    cookie given at sign-in lives as long as the server-side session (PERMANENT_SESSION_LIFETIME)."""
    web = login(officer)
    first = web.get("/notifications/")  # the first page stores the form token in the session: a new cookie
    assert first.status_code == 200
    cookies = _session_cookies(first)
    assert len(cookies) == 1
    expires = parsedate_to_datetime(cookies[0].split("Expires=")[1].split(";")[0]).replace(tzinfo=None)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert abs(expires - (utcnow() + lifetime)) < timedelta(minutes=5)
    for path in ("/notifications/", "/dashboard", "/alliances/"):
        resp = web.get(path)
        assert resp.status_code == 200 and _session_cookies(resp) == [], path
    switched = web.get("/notifications/?lang=en")  # a change of the session still sends it
    assert switched.status_code == 200 and len(_session_cookies(switched)) == 1
    assert web.get("/dashboard").status_code == 200  # and the session still works


def _offline_strings(resp):
    return json.loads(resp.get_data(as_text=True).split('id="offline-strings">')[1].split("</script>")[0])


def test_the_offline_words_are_built_once_per_language_and_never_mixed(client):
    """Every page carries the offline script's words; they are built once per language (not on each page),
    and a reader in one language never gets the words built for the other."""
    offline._STRINGS.clear()
    spanish = _offline_strings(client.get("/login?lang=es"))
    english = _offline_strings(client.get("/login?lang=en"))
    assert set(offline._STRINGS) == {"es", "en"}
    assert spanish["send_now"] == "Enviar ahora" and spanish["waiting"] == "{n} esperando envío"
    assert english["send_now"] == "Send now" and english["waiting"] == "{n} waiting to send"
    assert _offline_strings(client.get("/login?lang=es")) == spanish
    assert _offline_strings(client.get("/offline")) == spanish  # the session keeps the language
