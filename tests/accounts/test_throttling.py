"""Issue 13, part 4: throttling by Flask-Limiter, its counters in the database.

Failed sign-ins slow the attacker per address and per address + account, without locking the owner out
from another address; spraying many accounts from one address meets 429; the API limits requests per
token. TestConfig switches throttling off; the ``throttling`` fixture switches it on here."""
import threading
import time

import flask_babel
import pytest
import sqlalchemy as sa
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from grants.accounts.models import RateLimitCounter
from grants.accounts.throttling import DatabaseStorage
from grants.extensions import limiter
from tests.api.test_api_support import assert_error

pytestmark = pytest.mark.committing

PASSWORD = "clave-segura-123"
ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}
THROTTLED_ES = "Demasiados intentos fallidos de ingreso desde esta conexión."
THROTTLED_EN = "Too many failed sign-ins from this connection."


@pytest.fixture
def throttling(app):
    keys = ("THROTTLING", "THROTTLE_LOGIN_ADDRESS", "THROTTLE_LOGIN_ACCOUNT", "THROTTLE_API")
    before = {k: app.config[k] for k in keys}
    app.config["THROTTLING"] = True
    yield app.config
    app.config.update(before)


def _login(client, email, password, env, lang=None):
    flask_babel.refresh()
    url = "/login" + (f"?lang={lang}" if lang else "")
    return client.post(url, data={"email": email, "password": password}, environ_base=env)


def _token(client, email, password, env):
    return client.post("/api/v1/tokens", json={"email": email, "password": password}, environ_base=env)


def test_the_counters_are_in_the_database(throttling, db, client, officer):
    assert isinstance(limiter.storage, DatabaseStorage)
    assert _login(client, officer.email, "wrong-password", ATTACKER).status_code == 401
    keys = db.session.execute(sa.select(RateLimitCounter.key, RateLimitCounter.hits)).all()
    assert any("203.0.113.7" in k and h == 1 for k, h in keys), keys


# --- the owner is never locked out; the attacker's address is ------------------------------------------


def test_owner_signs_in_from_elsewhere_while_the_attackers_address_is_throttled(throttling, db, client, officer):
    for _ in range(5):
        assert _login(client, officer.email, "wrong-password", ATTACKER).status_code == 401
    # the attacker's address is held back on this account, even with the right password
    resp = _login(client, officer.email, PASSWORD, ATTACKER)
    assert resp.status_code == 429
    assert THROTTLED_ES in resp.get_data(as_text=True)
    assert int(resp.headers["Retry-After"]) > 0
    # the owner, from another address, signs in at once
    owner = client.application.test_client()
    assert _login(owner, officer.email, PASSWORD, OWNER).status_code == 302
    assert owner.get("/api/v1/me", environ_base=OWNER).get_json()["email"] == officer.email
    # and the API token endpoint too
    assert _token(client.application.test_client(), officer.email, PASSWORD, OWNER).status_code == 201


def test_the_throttled_page_is_readable_in_english_and_keeps_the_form(throttling, db, client, officer):
    for _ in range(5):
        _login(client, officer.email, "wrong-password", ATTACKER)
    resp = _login(client, officer.email, "wrong-password", ATTACKER, lang="en")
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert THROTTLED_EN in html and "Wait 15 minutes" in html
    assert f'value="{officer.email}"' in html and 'name="password"' in html
    # the login page itself still opens (only attempts are limited)
    assert client.get("/login", environ_base=ATTACKER).status_code == 200


def test_after_five_failures_on_one_account_the_address_may_still_try_another(throttling, db, client, officer,
                                                                                board):
    for _ in range(5):
        _login(client, officer.email, "wrong-password", ATTACKER)
    assert _login(client, officer.email, PASSWORD, ATTACKER).status_code == 429
    assert _login(client, board.email, PASSWORD, ATTACKER).status_code == 302


def test_successful_sign_ins_are_not_counted(throttling, db, app, officer):
    for _ in range(15):
        assert _login(app.test_client(), officer.email, PASSWORD, ATTACKER).status_code == 302


def test_failures_count_across_the_form_and_the_api(throttling, db, client, officer):
    for _ in range(3):
        assert _login(client, officer.email, "wrong-password", ATTACKER).status_code == 401
    for _ in range(2):
        assert_error(_token(client, officer.email, "wrong-password", ATTACKER), 401, "unauthenticated")
    err = assert_error(_token(client, officer.email, PASSWORD, ATTACKER), 429, "throttled")
    assert "Too many failed sign-ins" in err["message"] or "Demasiados intentos" in err["message"]
    assert _login(client, officer.email, PASSWORD, ATTACKER).status_code == 429


# --- spraying ----------------------------------------------------------------------------------------------------


def test_forty_accounts_from_one_address_meet_429(throttling, db, client, make_user):
    users = [make_user(email=f"persona{i}@example.org") for i in range(40)]
    statuses = [_login(client, u.email, "Primavera2026!", ATTACKER).status_code for u in users]
    assert 429 in statuses, statuses
    first = statuses.index(429)
    assert first <= 10 and set(statuses[:first]) == {401} and set(statuses[first:]) == {429}
    # another address is not affected
    assert _login(client.application.test_client(), users[0].email, PASSWORD, OWNER).status_code == 302


def test_spraying_the_api_meets_429(throttling, db, client):
    statuses = [_token(client, f"nadie{i}@example.org", "Primavera2026!", ATTACKER).status_code for i in range(40)]
    assert 429 in statuses and statuses[-1] == 429
    resp = _token(client, "nadie0@example.org", "x", ATTACKER)
    assert_error(resp, 429, "throttled")
    assert int(resp.headers["Retry-After"]) > 0


def test_ipv6_clients_count_by_their_network(throttling, db, client, officer):
    throttling["THROTTLE_LOGIN_ADDRESS"] = "3 per minute"
    for i in range(3):
        _login(client, officer.email, "wrong-password", {"REMOTE_ADDR": f"2001:db8:1:2::{i + 1}"})
    assert _login(client, officer.email, PASSWORD, {"REMOTE_ADDR": "2001:db8:1:2::99"}).status_code == 429
    assert _login(client, officer.email, PASSWORD, {"REMOTE_ADDR": "2001:db8:1:3::1"}).status_code == 302


# --- the API, per token ---------------------------------------------------------------------------------------


def test_api_limits_requests_per_token(throttling, db, client, officer):
    first = {"Authorization": "Bearer " + _token(client, officer.email, PASSWORD, OWNER).get_json()["token"]}
    second = {"Authorization": "Bearer " + _token(client, officer.email, PASSWORD, OWNER).get_json()["token"]}
    throttling["THROTTLE_API"] = "5 per minute"
    for _ in range(5):
        assert client.get("/api/v1/me", headers=first, environ_base=OWNER).status_code == 200
    resp = client.get("/api/v1/me", headers=first, environ_base=OWNER)
    err = assert_error(resp, 429, "throttled")
    assert "Demasiadas solicitudes" in err["message"]
    assert 0 < int(resp.headers["Retry-After"]) <= 60
    # the limit is the token's: another token, from the same address, still works
    assert client.get("/api/v1/me", headers=second, environ_base=OWNER).status_code == 200


def test_api_limits_cookie_sessions_per_user_and_anonymous_calls_per_address(throttling, db, app, login, officer):
    web = login(officer)
    throttling["THROTTLE_API"] = "3 per minute"
    assert [web.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]
    anonymous = app.test_client()
    assert [anonymous.get("/api/v1/me", environ_base=ATTACKER).status_code for _ in range(4)] == [401, 401, 401, 429]
    assert anonymous.get("/api/v1/me", environ_base=OWNER).status_code == 401  # another address


def test_switched_off_nothing_is_counted(app, db, client, officer):
    assert app.config["THROTTLING"] is False  # TestConfig: the rest of the suite runs unthrottled
    for _ in range(12):
        assert _login(client, officer.email, "wrong-password", ATTACKER).status_code == 401
    assert db.session.execute(sa.select(sa.func.count()).select_from(RateLimitCounter)).scalar() == 0


# --- the storage itself, on the test database (SQLite or PostgreSQL) ------------------------------------------


def test_database_storage_counts_expires_and_clears(db):
    storage = DatabaseStorage("database://")
    assert storage.check()
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1 and storage.incr("k", 60, amount=2) == 3
    assert storage.get("k") == 3
    assert time.time() + 50 < storage.get_expiry("k") <= time.time() + 60
    # a window that has passed starts again from the amount
    db.session.execute(sa.update(RateLimitCounter).values(expires_at=time.time() - 1))
    db.session.commit()
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0
    long_key = "x" * 400
    assert storage.incr(long_key, 60) == 1 and storage.get(long_key) == 1
    assert storage.reset() >= 1 and storage.get(long_key) == 0


def test_database_storage_with_the_fixed_window_strategy(db):
    strategy = FixedWindowRateLimiter(DatabaseStorage("database://"))
    item = parse("3 per minute")
    assert [strategy.hit(item, "addr") for _ in range(4)] == [True, True, True, False]
    assert strategy.hit(item, "other") is True
    stats = strategy.get_window_stats(item, "addr")
    assert stats.remaining == 0 and stats.reset_time > time.time()


def test_database_storage_increments_are_atomic(app, db):
    storage = DatabaseStorage("database://")
    errors = []

    def bump():
        try:
            with app.app_context():
                for _ in range(20):
                    storage.incr("shared", 60)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert storage.get("shared") == 80
