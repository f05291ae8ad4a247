"""Issue 13, part 3: sessions and tokens end when they should.

Sign-out ends that session on the server (a copy of the cookie taken before opens nothing); a password
change, a deactivation or a role change ends every session and token of the user; the owner lists and
revokes their tokens (API and page)."""
from datetime import timedelta

import flask_babel
import pytest
import sqlalchemy as sa

from grants.accounts import services
from grants.accounts.models import ApiToken, User, UserSession
from grants.audit.models import Event
from grants.common import utcnow
from tests.api.test_api_support import assert_error

PASSWORD = "clave-segura-123"
NEW_PASSWORD = "otra-clave-muy-larga"


def _copy(app, web):
    """A second browser holding a copy of ``web``'s session cookie (as a thief would)."""
    cookie = web.client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(client):
    return client.get("/dashboard").status_code == 200 and client.get("/api/v1/me").status_code == 200


def _refused(client):
    dash = client.get("/dashboard")
    assert dash.status_code == 302 and "/login" in dash.headers["Location"]
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")
    return True


def _token(client, user, password=PASSWORD):
    resp = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


# --- sign-out -----------------------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_at_sign_out(app, db, login, officer):
    web = login(officer)
    thief = _copy(app, web)
    assert _signed_in(thief)  # the copy works while the session lives
    assert web.post("/logout").status_code == 302
    assert _refused(thief)
    assert _refused(web.client)
    assert db.session.execute(sa.select(UserSession)).scalars().all() == []


def test_sign_out_ends_only_that_session(app, db, login, officer, client):
    phone, laptop = login(officer), login(officer)
    headers = _token(client, officer)
    phone.post("/logout")
    assert _refused(phone.client)
    assert _signed_in(laptop)
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_signing_in_over_a_session_ends_the_previous_one(app, db, login, officer, board):
    web = login(officer)
    thief = _copy(app, web)
    assert web.post("/login", data={"email": board.email, "password": PASSWORD}).status_code == 302
    assert web.get("/api/v1/me").get_json()["email"] == board.email
    assert _refused(thief)  # the officer's session ended when the board member signed in on that browser


def test_a_session_ends_on_the_server_when_its_time_is_up(app, db, login, officer):
    web = login(officer)
    db.session.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _refused(web.client)


def test_a_forged_or_missing_session_id_is_refused(app, db, login, officer):
    web = login(officer)
    with web.client.session_transaction() as sess:
        sess["sid"] = "not-a-session"
    assert _refused(web.client)
    web = login(officer)
    with web.client.session_transaction() as sess:
        del sess["sid"]
    assert _refused(web.client)


# --- a password change ends every session and token ------------------------------------------------


def test_own_password_change_ends_other_sessions_and_tokens(app, db, login, officer, client):
    web = login(officer)
    thief = _copy(app, web)
    other = login(officer)
    headers = _token(client, officer)
    resp = web.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _refused(thief)
    assert _refused(other.client)
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    # the browser that made the change stays signed in, with a new session
    assert _signed_in(web)
    event = db.session.execute(sa.select(Event).where(Event.action == "change_password")).scalar_one()
    assert event.data_dict()["sessions_ended"] == {"sessions": 2, "tokens": 1}  # web and other (the thief holds a copy)


def test_admin_password_change_ends_every_session_and_token(app, db, login, api, admin, officer, client):
    web = login(officer)
    headers = _token(client, officer)
    admin_api = api(admin)
    version = admin_api.get(f"/users/{officer.id}").get_json()["version"]
    resp = admin_api.patch(f"/users/{officer.id}", json={"version": version, "password": NEW_PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _refused(web.client)
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    # the new password signs in again
    assert login_with(app, officer, NEW_PASSWORD)


def login_with(app, user, password):
    c = app.test_client()
    return c.post("/login", data={"email": user.email, "password": password}).status_code == 302 and _signed_in(c)


# --- role change and deactivation ------------------------------------------------------------------------


def test_role_change_ends_every_session_and_token(app, db, login, admin, officer, client):
    web = login(officer)
    headers = _token(client, officer)
    resp = login(admin).post(f"/admin/users/{officer.id}/edit", data={
        "name": officer.name, "email": officer.email, "active": "y", "locale": "es", "roles": ["officer", "auditor"],
        "regions": ["La Paz"]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert _refused(web.client)
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    data = db.session.execute(sa.select(Event).where(Event.action == "update_user")).scalar_one().data_dict()
    assert data["sessions_ended"] == {"sessions": 1, "tokens": 1}


def test_association_role_change_ends_sessions(app, db, api, admin, board, association, login):
    web = login(board)
    admin_api = api(admin)
    version = admin_api.get(f"/users/{board.id}").get_json()["version"]
    resp = admin_api.patch(f"/users/{board.id}", json={
        "version": version, "memberships": [{"association_id": association.id, "role": "member"}]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _refused(web.client)


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, db, login, api, admin, officer,
                                                                          client):
    web = login(officer)
    headers = _token(client, officer)
    services.update_user(officer, {"active": False}, admin)
    db.session.commit()
    assert _refused(web.client)
    services.update_user(officer, {"active": True}, admin)
    db.session.commit()
    assert _refused(web.client)
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    assert login_with(app, officer, PASSWORD)


def test_a_name_change_keeps_the_sessions(app, db, login, admin, officer, client):
    web = login(officer)
    headers = _token(client, officer)
    services.update_user(officer, {"name": "Oscar Oficial Rojas", "phone": "+591 7000000"}, admin)
    db.session.commit()
    assert _signed_in(web)
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_an_admin_changing_their_own_roles_stays_signed_in_on_that_browser(app, db, login, admin):
    web = login(admin)
    resp = web.post(f"/admin/users/{admin.id}/edit", data={
        "name": admin.name, "email": admin.email, "active": "y", "locale": "es", "roles": ["admin", "auditor"]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert _signed_in(web)


# --- the owner lists and revokes their tokens: API ------------------------------------------------------------


def test_api_lists_my_live_tokens_and_revokes_one(app, db, client, officer, board):
    first, second = _token(client, officer), _token(client, officer)
    _token(client, board)  # someone else's: never listed
    expired_token, expired = services.issue_token(officer)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    body = client.get("/api/v1/tokens", headers=second).get_json()
    assert body["total"] == 2 and body["page"] == 1
    items = body["items"]
    assert [set(i) for i in items] == [{"id", "created_at", "expires_at", "current"}] * 2
    assert [i["current"] for i in items] == [True, False]  # newest first; this request's token is marked
    first_id = items[1]["id"]
    assert client.delete(f"/api/v1/tokens/{first_id}", headers=second).status_code == 204
    assert_error(client.get("/api/v1/me", headers=first), 401, "unauthenticated")
    assert client.get("/api/v1/me", headers=second).status_code == 200
    assert client.get("/api/v1/tokens", headers=second).get_json()["total"] == 1
    # already revoked, expired, unknown: 404
    assert_error(client.delete(f"/api/v1/tokens/{first_id}", headers=second), 404, "not_found")
    assert_error(client.delete(f"/api/v1/tokens/{expired.id}", headers=second), 404, "not_found")
    assert_error(client.delete("/api/v1/tokens/2147483648", headers=second), 404, "not_found")
    event = db.session.execute(sa.select(Event).where(Event.action == "revoke_token")).scalar_one()
    assert event.data_dict() == {"token_id": first_id} and event.actor_id == officer.id


def test_api_another_users_token_is_404_and_keeps_working(app, db, client, officer, board):
    mine, theirs = _token(client, officer), _token(client, board)
    their_id = db.session.execute(sa.select(ApiToken.id).where(ApiToken.user_id == board.id)).scalar_one()
    assert_error(client.delete(f"/api/v1/tokens/{their_id}", headers=mine), 404, "not_found")
    assert client.get("/api/v1/me", headers=theirs).status_code == 200


def test_api_token_list_needs_a_signed_in_user_and_current_still_works(client, db, officer):
    assert_error(client.get("/api/v1/tokens"), 401, "unauthenticated")
    assert_error(client.delete("/api/v1/tokens/1"), 401, "unauthenticated")
    headers = _token(client, officer)
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/tokens", headers=headers), 401, "unauthenticated")


# --- the owner lists and revokes their tokens: the page ---------------------------------------------------------


def test_page_lists_and_revokes_tokens(app, db, login, client, officer, board):
    web = login(officer)
    headers = _token(client, officer)
    their = _token(client, board)
    mine_id = db.session.execute(sa.select(ApiToken.id).where(ApiToken.user_id == officer.id)).scalar_one()
    their_id = db.session.execute(sa.select(ApiToken.id).where(ApiToken.user_id == board.id)).scalar_one()
    flask_babel.refresh()
    html = web.get("/account/tokens?lang=en").get_data(as_text=True)
    assert f"#{mine_id}" in html and f"#{their_id}" not in html
    assert "You are signed in on 1 browser or phone, this one included." in html
    # another user's token: 404, and it keeps working
    assert web.post(f"/account/tokens/{their_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=their).status_code == 200
    flask_babel.refresh()
    resp = web.post(f"/account/tokens/{mine_id}/revoke", follow_redirects=True)  # the officer reads Spanish
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "El token fue revocado" in html and "No tiene tokens de la API que funcionen." in html
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")


def test_page_is_in_spanish_and_links_from_the_password_page(db, login, officer):
    web = login(officer)
    flask_babel.refresh()
    assert 'href="/account/tokens"' in web.get("/account/password").get_data(as_text=True)
    html = web.get("/account/tokens").get_data(as_text=True)
    assert "Sesiones y tokens de la API" in html and "Cerrar la sesión en todos los demás lugares" in html


def test_page_needs_sign_in(client, db):
    resp = client.get("/account/tokens")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_sign_out_everywhere_else(app, db, login, client, officer):
    web = login(officer)
    thief = _copy(app, login(officer))
    headers = _token(client, officer)
    resp = web.post("/account/sessions/end")
    assert resp.status_code == 302
    assert _refused(thief)
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    assert _signed_in(web)
    event = db.session.execute(sa.select(Event).where(Event.action == "end_sessions")).scalar_one()
    assert event.data_dict() == {"sessions": 2, "tokens": 1}


def test_token_page_buttons_need_csrf(app, db, login, officer, client, csrf_on):
    web = login_csrf(app, officer)
    headers = _token(client, officer)
    token_id = db.session.execute(sa.select(ApiToken.id)).scalar_one()
    assert web.post(f"/account/tokens/{token_id}/revoke").status_code in (302, 400)
    assert web.post("/account/sessions/end").status_code in (302, 400)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert _signed_in(web)


def login_csrf(app, user):
    """Sign in through the form with CSRF on (read the token from the page)."""
    import re

    c = app.test_client()
    html = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return c



# --- the page on a phone, in a real browser --------------------------------------------------------------------


@pytest.mark.browser
def test_tokens_page_on_a_phone_revokes_and_signs_out_elsewhere(db, phone, app, officer, client):
    from tests.browser import sign_in

    headers = _token(client, officer)
    other = login_with_client(app, officer)
    sign_in(phone, officer.email)
    phone.goto("/account/password")
    phone.click("#tokens-link")
    phone.wait_for_url("**/account/tokens")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Usted tiene la sesión abierta en 2 navegadores o celulares" in phone.inner_text("#session-count")
    phone.click("#tokens button[type=submit]")
    phone.wait_for_selector("#no-tokens")
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    phone.click("#end-sessions")
    phone.wait_for_selector(".flash")
    assert "Usted tiene la sesión abierta en 1 navegador o celular" in phone.inner_text("#session-count")
    assert _refused(other)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def login_with_client(app, user):
    c = app.test_client()
    assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return c
