"""API: tokens (issue, use, revoke, hashed), /me, CSRF on cookie sessions, users (admin)."""
import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from grants.accounts.models import ApiToken, User
from grants.audit.models import Event
from grants.common import utcnow
from tests.api.test_api_support import assert_error, fields_of, rules_of

PASSWORD = "clave-segura-123"


def _token(client, email, password=PASSWORD):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


# --- tokens ---------------------------------------------------------------------------------------


def test_token_lifecycle_issue_use_revoke(client, db, board):
    resp = _token(client, board.email)
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"token", "expires_at"}
    assert body["expires_at"].endswith("Z")
    expires = datetime.fromisoformat(body["expires_at"][:-1])
    assert expires > utcnow() + timedelta(days=1)
    auth = {"Authorization": f"Bearer {body['token']}"}

    me = client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200 and me.get_json()["email"] == board.email

    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == board.id)).scalar_one()
    assert row.revoked_at is not None
    assert_error(client.get("/api/v1/me", headers=auth), 401, "unauthenticated")
    assert_error(client.delete("/api/v1/tokens/current", headers=auth), 401, "unauthenticated")
    actions = db.session.execute(sa.select(Event.action).where(Event.object_type == "user",
                                                              Event.object_id == board.id)).scalars().all()
    assert "issue_token" in actions and "revoke_token" in actions


def test_token_is_stored_hashed_only(client, db, board):
    token = _token(client, board.email).get_json()["token"]
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == board.id)).scalar_one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_hash, str(row.id)}
    # the token appears nowhere in the stored rows
    for table in ("api_tokens", "events"):
        dumped = " ".join(str(r) for r in db.session.execute(sa.text(f"SELECT * FROM {table}")).all())
        assert token not in dumped


def test_expired_or_made_up_tokens_are_401(client, db, board):
    token = _token(client, board.email).get_json()["token"]
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == board.id)).scalar_one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthenticated")
    for header in ("Bearer nonsense", "Bearer " + "x" * 500, "Bearer "):
        assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthenticated")
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")
    assert_error(client.get("/api/v1/alliances"), 401, "unauthenticated")


def test_inactive_user_token_stops_working(api, db, admin, board):
    client = api(board)
    assert client.get("/me").status_code == 200
    board.active = False
    db.session.commit()
    assert_error(client.get("/me"), 401, "unauthenticated")
    assert_error(_token(client.client, board.email), 401, "unauthenticated")


# failed sign-ins and their throttling (per address, not per account): tests/accounts/test_throttling.py


def test_token_request_validation(client):
    err = assert_error(client.post("/api/v1/tokens", json={"email": "a@b.c"}), 422, "validation_error")
    assert fields_of(err) == {"password"}
    assert_error(client.post("/api/v1/tokens", json={"email": 5, "password": []}), 400, "bad_request")
    assert_error(client.post("/api/v1/tokens", data="{", content_type="application/json"), 400, "bad_request")


def test_revoke_needs_a_bearer_token(app, login, board):
    web = login(board)
    # a cookie session has no token to revoke
    assert_error(web.delete("/api/v1/tokens/current", headers={"X-CSRFToken": _csrf(app, web)}), 400, "bad_request")
    assert web.get("/api/v1/me").status_code == 200  # the session still works


# --- cookie sessions need CSRF --------------------------------------------------------------------


def _csrf(app, web):
    raw = "raw-token-for-test"
    with web.client.session_transaction() as sess:
        sess["csrf_token"] = raw
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def test_cookie_session_reads_without_and_writes_only_with_csrf(app, login, admin):
    web = login(admin)
    assert web.get("/api/v1/me").get_json()["email"] == admin.email
    body = {"code": "CSRF1", "name": "Programa", "currency": "BOB"}
    assert_error(web.post("/api/v1/programs", json=body), 400, "bad_request")
    assert_error(web.post("/api/v1/programs", json=body, headers={"X-CSRFToken": "forged"}), 400, "bad_request")
    token = _csrf(app, web)
    resp = web.post("/api/v1/programs", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_bearer_writes_need_no_csrf(api, admin):
    resp = api(admin).post("/programs", json={"code": "BEAR", "name": "Programa", "currency": "BOB"})
    assert resp.status_code == 201


# --- /me ------------------------------------------------------------------------------------------


def test_me_lists_roles_regions_memberships(api, board, association, officer):
    body = api(board).get("/me").get_json()
    assert body["id"] == board.id and body["name"] == board.name
    assert body["roles"] == [] and body["regions"] == []
    assert body["memberships"] == [{"association_id": association.id, "role": "board", "title": None}]
    body = api(officer).get("/me").get_json()
    assert body["roles"] == ["officer"] and body["regions"] == ["La Paz"] and body["memberships"] == []
    assert "password" not in str(body) and "password_hash" not in body


# --- users ----------------------------------------------------------------------------------------


def _new_user(**extra):
    return {"email": "Nueva@Example.org", "name": "Nueva Oficial", "password": "otra-clave-larga",
            "roles": ["officer"], "regions": ["Oruro", "La Paz"], **extra}


def test_admin_creates_user_who_can_sign_in(api, client, db, admin, association):
    resp = api(admin).post("/users", json=_new_user(memberships=[{"association_id": association.id,
                                                                  "role": "member"}]))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["email"] == "nueva@example.org"
    assert body["roles"] == ["officer"] and body["regions"] == ["La Paz", "Oruro"]
    assert body["memberships"] == [{"association_id": association.id, "role": "member", "title": None}]
    assert body["version"] == 1 and "password" not in body
    user = db.session.get(User, body["id"])
    assert user.check_password("otra-clave-larga")
    assert _token(client, "nueva@example.org", "otra-clave-larga").status_code == 201
    assert db.session.execute(sa.select(Event).where(Event.action == "create_user",
                                                     Event.object_id == user.id)).scalar() is not None


def test_user_validation_lists_every_field(api, admin):
    client = api(admin)
    err = assert_error(client.post("/users", json={"email": "bad", "name": " ", "password": "short"}), 422,
                       "validation_error")
    assert fields_of(err) == {"email", "name", "password"}
    err = assert_error(client.post("/users", json=_new_user(roles=["king"])), 422, "validation_error")
    assert fields_of(err) == {"roles.0"}
    err = assert_error(client.post("/users", json=_new_user(memberships=[{"association_id": 999999,
                                                                          "role": "board"}])), 422)
    assert fields_of(err) == {"memberships"}
    assert_error(client.post("/users", json=_new_user(email=admin.email)), 422, "validation_error")
    assert_error(client.post("/users", json=_new_user(roles="officer")), 400, "bad_request")
    assert_error(client.post("/users", json=_new_user(memberships=[{"association_id": 10**30,
                                                                    "role": "board"}])), 422)


def test_users_are_for_admins_only(api, officer, board, admin):
    for user in (officer, board):
        client = api(user)
        assert_error(client.get("/users"), 403, "forbidden")
        assert_error(client.post("/users", json=_new_user()), 403, "forbidden")
        assert_error(client.get(f"/users/{admin.id}"), 403, "forbidden")
        assert_error(client.patch(f"/users/{admin.id}", json={"version": 1, "name": "X"}), 403, "forbidden")


def test_list_users_filters(api, admin, officer, other_officer, board):
    client = api(admin)
    body = client.get("/users?role=officer").get_json()
    assert {u["id"] for u in body["items"]} == {officer.id, other_officer.id} and body["total"] == 2
    body = client.get("/users?q=potos").get_json()
    assert [u["id"] for u in body["items"]] == [other_officer.id]
    assert client.get("/users?q=%25").get_json()["total"] == 0  # "%" is text, not a wildcard
    assert_error(client.get("/users?role=king"), 400, "bad_request")


def test_patch_user_with_version(api, db, admin, officer):
    client = api(admin)
    assert_error(client.get("/users/999999"), 404, "not_found")
    before = client.get(f"/users/{officer.id}").get_json()
    err = assert_error(client.patch(f"/users/{officer.id}", json={"regions": ["Oruro"]}), 422, "validation_error")
    assert fields_of(err) == {"version"}
    resp = client.patch(f"/users/{officer.id}", json={"version": before["version"], "regions": ["Oruro"]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = resp.get_json()
    assert after["regions"] == ["Oruro"] and after["version"] == before["version"] + 1
    # the old version is stale now: 409 and nothing changes
    err = assert_error(client.patch(f"/users/{officer.id}", json={"version": before["version"], "name": "Otro"}),
                       409, "stale_version")
    db.session.expire_all()
    assert db.session.get(User, officer.id).name == "Oscar Oficial"
    ev = db.session.execute(sa.select(Event).where(Event.action == "update_user", Event.object_id == officer.id)
                            ).scalar_one()
    assert ev.data_dict()["regions"] == {"from": ["La Paz"], "to": ["Oruro"]}
    assert_error(client.patch(f"/users/{officer.id}", json={"version": after["version"], "name": None}), 400)
    assert_error(client.patch(f"/users/{officer.id}", json={"version": "x"}), 400)
    resp = client.patch(f"/users/{officer.id}", json={"version": after["version"], "active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert rules_of(assert_error(client.patch(f"/users/{officer.id}", json={"version": 99, "name": "Z"}),
                                 409)) == set()


def test_bearer_requests_speak_the_users_language(app, db, make_user):
    from flask_babel import get_locale, refresh

    from grants.accounts.services import issue_token
    from grants.api.core import authenticate

    for locale in ("en", "es"):
        user = make_user(locale=locale)
        token, _row = issue_token(user)
        db.session.commit()
        with app.test_request_context("/api/v1/me", headers={"Authorization": f"Bearer {token}"}):
            refresh()  # the tests share one app context, where Flask-Babel caches the locale
            authenticate()
            assert str(get_locale()) == locale
