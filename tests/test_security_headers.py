"""Security headers: HSTS in production only (over HTTPS, as the proxy reports it, or when configured so);
``Cache-Control: no-store`` on every answer to a signed-in user (pages and API), never on static files,
the public portal or anonymous pages."""
import re

import pytest

import config
from grants import create_app
from grants.extensions import db as _db

from tests.conftest import PASSWORD

pytestmark = pytest.mark.committing

HSTS = "Strict-Transport-Security"


@pytest.fixture
def prod_app(app):
    """The production configuration (``Config``) on the tests' database; ``make(**overrides)``."""
    made = []

    def make(**overrides):
        class Prod(config.Config):
            DATABASE_URL = app.config["SQLALCHEMY_DATABASE_URI"]
            UPLOAD_FOLDER = app.config["UPLOAD_FOLDER"]
            SECRET_KEY = "production-test-key"
            PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

        for key, value in overrides.items():
            setattr(Prod, key, value)
        application = create_app(Prod)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _sign_in(client, user, base_url):
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": user.email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    # over HTTPS the CSRF check also wants a same-origin Referer, as a browser sends it
    resp = client.post("/login", data=data, base_url=base_url, headers={"Referer": base_url + "/login"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]


def test_signed_in_pages_are_not_stored(login, officer, client):
    web = login(officer)
    for url in ("/", "/alliances/", "/associations/", "/notifications/"):
        resp = web.get(url)
        assert resp.status_code in (200, 302), url  # a redirect to the user's home is not stored either
        assert resp.headers["Cache-Control"] == "no-store", url
        assert resp.headers["Pragma"] == "no-cache"
    # an error page for a signed-in user is not stored either
    assert web.get("/alliances/999999").headers["Cache-Control"] == "no-store"


def test_anonymous_static_and_portal_keep_their_caching(login, officer, client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    web = login(officer)
    static = web.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
    portal = web.get("/portal")  # the same public page for everyone, even signed in
    assert portal.status_code == 200 and portal.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/portal").headers["Cache-Control"] == "public, max-age=300"


def test_api_with_a_token_is_not_stored(api, officer):
    signed = api(officer)
    assert signed.get("/me").headers["Cache-Control"] == "no-store"
    assert signed.get("/alliances").headers["Cache-Control"] == "no-store"
    assert signed.get("/alliances/999999").headers["Cache-Control"] == "no-store"  # a 404 too
    assert signed.get("/portal").headers["Cache-Control"] == "public, max-age=300"
    anonymous = api()
    assert "no-store" not in anonymous.get("/portal").headers.get("Cache-Control", "")


def test_no_hsts_in_testing_or_development(client, app):
    assert HSTS not in client.get("/login", base_url="https://localhost").headers
    dev = create_app(type("Dev", (config.DevConfig,), {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                                                       "SECRET_KEY": "k", "DEBUG": True}))
    try:
        assert HSTS not in dev.test_client().get("/login", base_url="https://localhost").headers
    finally:
        with dev.app_context():
            _db.engine.dispose()


def test_hsts_in_production_over_https_only(prod_app, officer):
    application = prod_app()
    c = application.test_client()
    resp = c.get("/login", base_url="https://grants.example.org")
    assert resp.status_code == 200
    assert resp.headers[HSTS] == "max-age=31536000; includeSubDomains"
    assert HSTS not in c.get("/login", base_url="http://grants.example.org").headers
    # without a configured proxy a forwarded scheme is not trusted
    forged = c.get("/login", base_url="http://grants.example.org", headers={"X-Forwarded-Proto": "https"})
    assert HSTS not in forged.headers
    # signed in over HTTPS (the session cookie is Secure): HSTS and no-store together
    _sign_in(c, officer, "https://grants.example.org")
    page = c.get("/alliances/", base_url="https://grants.example.org")
    assert page.status_code == 200 and HSTS in page.headers and page.headers["Cache-Control"] == "no-store"


def test_hsts_behind_a_proxy_and_when_forced(prod_app):
    behind = prod_app(PROXY_FIX={"x_for": 1, "x_proto": 1, "x_host": 1}).test_client()
    resp = behind.get("/login", base_url="http://127.0.0.1:8000",
                      headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "grants.example.org",
                               "X-Forwarded-For": "203.0.113.7"})
    assert resp.headers[HSTS].startswith("max-age=31536000")
    assert HSTS not in behind.get("/login", base_url="http://127.0.0.1:8000").headers
    one = prod_app(PROXY_FIX=1).test_client()  # GRANTS_PROXY_FIX=1
    assert HSTS in one.get("/login", headers={"X-Forwarded-Proto": "https"}).headers
    forced = prod_app(HSTS_ALWAYS=True, HSTS_SECONDS=600).test_client()
    assert forced.get("/login", base_url="http://grants.example.org").headers[HSTS] == \
        "max-age=600; includeSubDomains"
    off = prod_app(HSTS_SECONDS=0).test_client()
    assert HSTS not in off.get("/login", base_url="https://grants.example.org").headers


def test_a_wrong_proxy_setting_is_refused(prod_app):
    with pytest.raises(ValueError, match="PROXY_FIX"):
        prod_app(PROXY_FIX={"x_forwarded": 1})
