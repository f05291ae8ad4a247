"""What every signed-in page pays before and after its view (issue 12): the session cookie, the menu's
strings; a page is not made slower by its frame."""
from datetime import timedelta
from email.utils import parsedate_to_datetime

from grants.common import utcnow


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
