"""The frame of every signed-in page (issue 12): the menu is drawn once per (roles, association member, board
member, unread count, language, site root) and kept (grants/web/shell.py); what each user sees is still theirs
and follows every change of what it depends on. The language form carries the request's own CSRF token."""
import re

import pytest

from grants.notifications.services import mark_read, notify
from grants.web import shell

#: every link of the menu, and who sees it (None: every signed-in user)
LINKS = {
    "/dashboard": None, "/alliances/": None, "/programs/calls": None, "/notifications/": None,
    "/associations/": {"admin", "officer", "auditor", "finance", "member"},
    "/screening": {"officer", "admin", "auditor"},
    "/preselection": {"committee", "officer", "admin", "auditor"},
    "nav-tranche-requests": {"officer", "admin", "auditor"}, "nav-accountability": {"officer", "admin", "auditor"},
    "nav-alerts": {"officer", "admin", "auditor"}, "nav-disbursements": {"finance", "admin", "auditor"},
    "nav-ta-contracts": {"ta_provider"}, "nav-deliveries": {"buyer"},
    "nav-ta-providers": {"admin", "officer", "board"},
    "/programs/": {"admin"}, "/admin/users/": {"admin"}, "/audit": {"admin", "auditor"},
    "nav-portfolio": {"admin", "officer", "auditor"}, "nav-grievances": {"grievance_officer", "admin"},
}


def _menu(resp):
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[:300]
    return page.split('id="main-menu"')[1].split("</nav>")[0]


def _links(menu):
    hrefs = set(re.findall(r'href="([^"]+)"', menu))
    ids = set(re.findall(r'id="(nav-[^"]+)"', menu))
    return {k for k in LINKS if k in hrefs or k in ids}


def _expected(who):
    return {k for k, roles in LINKS.items() if roles is None or roles & who}


@pytest.mark.parametrize("roles,membership", [
    ([], None), (["officer"], None), (["admin"], None), (["finance"], None), (["committee"], None),
    (["auditor"], None), (["ta_provider"], None), (["buyer"], None), (["grievance_officer"], None),
    ([], "board"), ([], "treasurer"), (["committee", "buyer"], "member")])
def test_each_user_sees_the_links_of_their_roles(db, app, make_user, association, login, roles, membership):
    user = make_user(roles=roles, regions=["La Paz"] if "officer" in roles else [],
                     memberships=[(association, membership)] if membership else [])
    who = set(roles) | ({"member", membership} if membership else set())
    web = login(user)
    assert _links(_menu(web.get("/dashboard"))) == _expected(who)
    assert _links(_menu(web.get("/notifications/"))) == _expected(who)  # drawn from the kept copy: the same


def test_users_drawn_one_after_the_other_never_get_each_others_menu(db, app, login, officer, board, admin):
    app.extensions.pop(shell.MENUS, None)
    webs = {"officer": login(officer), "board": login(board), "admin": login(admin)}
    first = {who: _menu(web.get("/dashboard")) for who, web in webs.items()}
    assert len(app.extensions[shell.MENUS]) == 3
    for _ in range(2):
        for who, web in webs.items():
            assert _menu(web.get("/dashboard")) == first[who]
    assert _links(first["officer"]) == _expected({"officer"})
    assert _links(first["board"]) == _expected({"board", "member"})
    assert _links(first["admin"]) == _expected({"admin"})


def test_the_menu_speaks_the_users_language(db, app, login, officer):
    web = login(officer)
    spanish = _menu(web.get("/dashboard?lang=es"))
    english = _menu(web.get("/dashboard?lang=en"))
    assert "Mis tareas" in spanish and "Solicitudes de tramo" in spanish and "My tasks" not in spanish
    assert "My tasks" in english and "Tranche requests" in english and "Mis tareas" not in english
    assert _menu(web.get("/dashboard?lang=es")) == spanish


def test_the_unread_count_follows_the_notifications(db, app, login, board):
    web = login(board)
    page = web.get("/dashboard").get_data(as_text=True)
    assert 'class="count"' not in page
    notify([board], "Aviso", "Su plan fue aprobado")
    notify([board], "Aviso", "Su tramo fue pagado")
    db.session.commit()
    page = web.get("/alliances/").get_data(as_text=True)
    assert '<label for="menu-toggle" class="menu-button" id="menu-button">Menú <span class="count">2</span>' in page
    assert 'aria-label="2 sin leer">2</span>' in page
    mark_read(board)
    db.session.commit()
    assert 'class="count"' not in web.get("/alliances/").get_data(as_text=True)


def test_a_change_of_roles_changes_the_menu_on_the_next_page(db, app, login, admin):
    web = login(admin)
    assert "nav-deliveries" not in _menu(web.get("/dashboard"))
    resp = web.post(f"/admin/users/{admin.id}/edit", data={
        "name": admin.name, "email": admin.email, "active": "y", "locale": "es", "roles": ["admin", "buyer"]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert _links(_menu(web.get("/dashboard"))) == _expected({"admin", "buyer"})


def test_a_revoked_session_gets_no_menu_on_its_next_request(db, app, login, officer, client):
    web = login(officer)
    assert "nav-portfolio" in _menu(web.get("/dashboard"))  # the officer's menu is drawn and kept
    assert web.post("/logout").status_code == 302
    resp = web.get("/dashboard")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert 'id="main-menu"' not in web.get("/login").get_data(as_text=True)


def test_the_language_form_carries_the_requests_own_token(db, app, login, officer, client):
    web = login(officer)  # signed in with CSRF off, as the fixture does
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = web.get("/dashboard").get_data(as_text=True)
        form = page.split('action="/language"')[1].split("</form>")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert '<option value="es" selected>Español</option>' in form and "English" in form
        # another browser's page has another token, which this session refuses
        other = client.get("/login").get_data(as_text=True).split('action="/language"')[1]
        foreign = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', other).group(1)
        assert foreign != token
        assert web.post("/language", data={"lang": "en", "csrf_token": foreign}).status_code == 400
        assert web.post("/language", data={"lang": "en"}).status_code == 400
        assert "Mis tareas" in _menu(web.get("/dashboard"))
        resp = web.post("/language", data={"lang": "en", "csrf_token": token})
        assert resp.status_code == 302
        assert "My tasks" in _menu(web.get("/dashboard"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_anonymous_request_picks_its_language_without_loading_a_user(db, app, client, make_user, login):
    """The public pages (the portal) choose the language from ``?lang``, the session and the default: a session
    without a signed-in user loads no user for it; a signed-in user's own language still wins."""
    from flask import g

    assert 'lang="en"' in client.get("/login?lang=en").get_data(as_text=True)
    g.pop("_login_user", None)
    manifest = client.get("/manifest.webmanifest").get_json()  # the session keeps the choice; no page drawn
    assert manifest["lang"] == "en" and manifest["name"] == "Rural alliances" and g.get("_login_user") is None
    english = make_user(roles=["officer"], regions=["La Paz"], locale="en")
    web = login(english)
    assert "My tasks" in _menu(web.get("/dashboard"))  # no ?lang: the user's own language
    assert g.get("_login_user") is not None


def test_the_session_cookie_follows_the_secret_key(db, app, login, officer):
    """The cookie's serializer is made once per secret key: a new key refuses the cookies signed with the old one
    (everyone signs in again), and the old key, back, reads them again."""
    web = login(officer)
    assert web.get("/dashboard").status_code == 200
    cookie = web.client.get_cookie("session").value
    old = app.config["SECRET_KEY"]
    app.secret_key = "another-secret-key"
    try:
        resp = web.get("/dashboard")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    finally:
        app.secret_key = old
    again = app.test_client()
    again.set_cookie("session", cookie)
    assert again.get("/dashboard").status_code == 200
