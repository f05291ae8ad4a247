"""User administration pages: admin only; create and edit with roles, regions and memberships."""
import re

import flask_babel
import pytest
import sqlalchemy as sa

from grants.accounts.models import Membership, User
from grants.accounts.services import count_sessions
from grants.audit.models import Event

PASSWORD = "clave-segura-123"



class English:
    """A signed-in client whose requests ask for English pages (the tests share one app context, so
    Flask-Babel's cached locale is dropped before each request)."""

    def __init__(self, web):
        self.web = web

    def _url(self, url):
        flask_babel.refresh()
        return url + ("&" if "?" in url else "?") + "lang=en"

    def get(self, url, **kw):
        return self.web.get(self._url(url), **kw)

    def post(self, url, **kw):
        return self.web.post(self._url(url), **kw)


@pytest.fixture
def login_en(login):
    return lambda user: English(login(user))

def user_by_email(db, email):
    return db.session.execute(sa.select(User).where(User.email == email)).scalar()


def events(db, action, object_id):
    return db.session.execute(sa.select(Event).where(Event.action == action, Event.object_id == object_id)
                              .order_by(Event.id)).scalars().all()


def form_data(**over):
    data = {"name": "Rosa Quispe", "email": "rosa@example.org", "password": "clave-de-rosa-1", "active": "y",
            "locale": "es", "phone": "", "roles": ["officer", "committee"], "regions": [], "other_regions": "",
            "memberships-0-association_id": "", "memberships-0-role": "board", "memberships-0-title": "",
            "memberships-1-association_id": "", "memberships-1-role": "member", "memberships-1-title": ""}
    data.update(over)
    return data


def test_admin_creates_a_user_with_roles_regions_and_memberships(db, login_en, admin, association, other_association):
    web = login_en(admin)
    page = web.get("/admin/users/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Program officer" in html and 'value="officer"' in html  # roles as checkboxes with labels
    assert 'value="La Paz"' in html and 'value="Potosí"' in html  # regions known among associations
    assert html.count('name="memberships-') >= 6  # two blank rows of three inputs
    resp = web.post("/admin/users/new", data=form_data(
        regions=["La Paz"], other_regions="Oruro, Chuquisaca",
        **{"memberships-0-association_id": str(association.id), "memberships-0-role": "board",
           "memberships-0-title": "Presidente",
           "memberships-1-association_id": str(other_association.id), "memberships-1-role": "member"}))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    user = user_by_email(db, "rosa@example.org")
    assert user.name == "Rosa Quispe" and user.active and user.locale == "es"
    assert user.roles == ["committee", "officer"]
    assert user.regions == ["Chuquisaca", "La Paz", "Oruro"]
    assert sorted((m.association_id, m.role, m.title) for m in user.memberships) == sorted(
        [(association.id, "board", "Presidente"), (other_association.id, "member", None)])
    assert user.check_password("clave-de-rosa-1")
    ev = events(db, "create_user", user.id)
    assert len(ev) == 1 and ev[0].actor_id == admin.id
    # the new user shows in the list
    listing = web.get("/admin/users/").get_data(as_text=True)
    assert "Rosa Quispe" in listing and "Presidente" in listing


def test_admin_edits_a_user(db, login_en, admin, officer, association):
    web = login_en(admin)
    page = web.get(f"/admin/users/{officer.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Oscar Oficial"' in html
    assert re.search(r'checked[^>]*value="officer"|value="officer"[^>]*checked', html)
    assert re.search(r'checked[^>]*value="La Paz"|value="La Paz"[^>]*checked', html)
    old_hash = officer.password_hash
    resp = web.post(f"/admin/users/{officer.id}/edit", data=form_data(
        name="Oscar Oficial Mamani", email=officer.email, password="", roles=["officer", "facilitator"],
        regions=["La Paz"], other_regions="Potosí", version=str(officer.version),
        **{"memberships-0-association_id": str(association.id), "memberships-0-role": "treasurer",
           "memberships-0-title": "Tesorero"}))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    user = db.session.get(User, officer.id)
    assert user.name == "Oscar Oficial Mamani"
    assert user.roles == ["facilitator", "officer"] and user.regions == ["La Paz", "Potosí"]
    assert [(m.association_id, m.role, m.title) for m in user.memberships] == [(association.id, "treasurer", "Tesorero")]
    assert user.password_hash == old_hash  # empty password keeps the old one
    data = events(db, "update_user", officer.id)[-1].data_dict()
    assert data["roles"]["to"] == ["facilitator", "officer"] and "password" not in data


def test_edit_shows_existing_memberships_plus_two_blank_rows(db, login_en, admin, board, association):
    html = login_en(admin).get(f"/admin/users/{board.id}/edit").get_data(as_text=True)
    assert 'name="memberships-2-association_id"' in html and 'name="memberships-3-association_id"' not in html
    assert re.search(rf'<option selected value="{association.id}">', html)


def test_edit_changes_password_and_deactivates(db, login_en, admin, officer, client):
    web = login_en(admin)
    resp = web.post(f"/admin/users/{officer.id}/edit", data=form_data(
        name=officer.name, email=officer.email, password="una-clave-nueva", roles=["officer"], active=""))
    assert resp.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, officer.id)
    assert not user.active and user.check_password("una-clave-nueva")
    assert events(db, "update_user", officer.id)[-1].data_dict()["password"] == "changed"
    assert client.post("/login", data={"email": officer.email, "password": "una-clave-nueva"}).status_code == 401


def test_duplicate_email_keeps_what_was_typed(db, login_en, admin, officer, association):
    web = login_en(admin)
    before = db.session.execute(sa.select(sa.func.count(User.id))).scalar()
    resp = web.post("/admin/users/new", data=form_data(
        name="Juana Typed", email=officer.email.upper(), phone="+591 70000000", roles=["finance"],
        other_regions="Beni",
        **{"memberships-0-association_id": str(association.id), "memberships-0-role": "treasurer",
           "memberships-0-title": "Tesorera"}))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Another account already uses this e-mail address." in html
    assert 'value="Juana Typed"' in html and 'value="+591 70000000"' in html and 'value="Beni"' in html
    assert re.search(r'checked[^>]*value="finance"|value="finance"[^>]*checked', html)
    assert 'value="Tesorera"' in html and f'<option selected value="{association.id}">' in html
    assert '<option selected value="treasurer">' in html
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == before
    assert db.session.execute(sa.select(Event).where(Event.action == "create_user",
                                                     Event.actor_id == admin.id)).first() is None


def test_field_errors_from_the_service(db, login_en, admin):
    resp = login_en(admin).post("/admin/users/new", data=form_data(name="", email="no-at-sign", password="short"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    for message in ("Enter the person&#39;s name.", "Enter a valid e-mail address.", "at least 10 characters"):
        assert message in html
    assert 'value="no-at-sign"' in html


@pytest.mark.parametrize("bad", ["abc", "999999", "-1"])
def test_malformed_membership_is_a_field_error_not_a_500(db, login_en, admin, association, bad):
    resp = login_en(admin).post("/admin/users/new", data=form_data(**{"memberships-0-association_id": bad}))
    assert resp.status_code == 422
    assert "Not a valid choice" in resp.get_data(as_text=True)


def test_unknown_role_is_refused(db, login_en, admin):
    resp = login_en(admin).post("/admin/users/new", data=form_data(roles=["king"]))
    assert resp.status_code == 422
    assert user_by_email(db, "rosa@example.org") is None


def test_admin_cannot_lock_themself_out(db, login_en, admin):
    web = login_en(admin)
    resp = web.post(f"/admin/users/{admin.id}/edit", data=form_data(name=admin.name, email=admin.email,
                                                                      password="", roles=["officer"]))
    assert resp.status_code == 422
    assert "You cannot remove your own administrator role." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).roles == ["admin"]


def test_stale_version_is_refused(db, login_en, admin, officer):
    resp = login_en(admin).post(f"/admin/users/{officer.id}/edit", data=form_data(
        name="Changed", email=officer.email, password="", roles=["officer"], version="999"))
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, officer.id).name == "Oscar Oficial"


def test_missing_or_malformed_user_is_404(db, login_en, admin):
    web = login_en(admin)
    assert web.get("/admin/users/999999/edit").status_code == 404
    assert web.get("/admin/users/abc/edit").status_code == 404


def test_list_filters_by_role_and_searches(db, login_en, admin, officer, finance, board):
    web = login_en(admin)
    html = web.get("/admin/users/?role=officer").get_data(as_text=True)
    assert "Oscar Oficial" in html and "Fernando Finanzas" not in html
    html = web.get("/admin/users/?role=assoc:board").get_data(as_text=True)
    assert "Bernarda Presidenta" in html and "Oscar Oficial" not in html
    html = web.get("/admin/users/?q=FINANZ").get_data(as_text=True)
    assert "Fernando Finanzas" in html and "Oscar Oficial" not in html
    html = web.get(f"/admin/users/?q={officer.email}").get_data(as_text=True)
    assert "Oscar Oficial" in html and "Fernando Finanzas" not in html
    assert "No users match." in web.get("/admin/users/?q=%25").get_data(as_text=True)  # % is no wildcard
    assert "No users match." in web.get("/admin/users/?q=_").get_data(as_text=True)
    resp = web.get("/admin/users/?role=nonsense&page=abc")
    assert resp.status_code == 200 and "Fernando Finanzas" in resp.get_data(as_text=True)


def test_list_is_paginated(db, login_en, admin, make_user, app):
    for i in range(app.config["PER_PAGE"] + 3):
        make_user(name=f"Zacarías {i:02d}")
    web = login_en(admin)
    first = web.get("/admin/users/").get_data(as_text=True)
    second = web.get("/admin/users/?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Zacarías 27" in second and "Zacarías 27" not in first


ADMIN_PAGES = [
    ("get", "/admin/users/"), ("get", "/admin/users/new"), ("post", "/admin/users/new"),
    ("get", "/admin/users/{user}/edit"), ("post", "/admin/users/{user}/edit"),
    ("get", "/programs/"), ("get", "/programs/new"), ("post", "/programs/new"),
    ("get", "/programs/{program}"), ("get", "/programs/{program}/edit"), ("post", "/programs/{program}/edit"),
    ("get", "/programs/calls/new"), ("post", "/programs/calls/new"),
    ("get", "/programs/calls/{call}/edit"), ("post", "/programs/calls/{call}/edit"),
]


@pytest.mark.parametrize("persona", ["officer", "finance", "committee", "facilitator", "auditor", "ta_provider",
                                     "board", "treasurer", "member_user"])
def test_non_admins_get_403_on_every_admin_page(db, login_en, request, persona, call, admin):
    user = request.getfixturevalue(persona)
    web = login_en(user)
    for method, path in ADMIN_PAGES:
        url = path.format(user=admin.id, program=call.program.id, call=call.id)
        resp = getattr(web, method)(url, data={"name": "x", "email": "x@example.org", "roles": ["admin"]})
        assert resp.status_code == 403, (persona, method, url)
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == user.roles  # nothing changed
    assert db.session.execute(sa.select(Membership).where(Membership.user_id == admin.id)).first() is None


def test_anonymous_is_sent_to_sign_in(client):
    for path in ("/admin/users/", "/admin/users/new", "/programs/", "/programs/calls"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_csrf_is_required(db, login_en, admin, app):
    web = login_en(admin)  # signs in with CSRF off, as the fixture does
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert web.post("/admin/users/new", data=form_data()).status_code == 400
        assert user_by_email(db, "rosa@example.org") is None
        page = web.get("/admin/users/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert web.post("/admin/users/new", data=form_data(csrf_token=token)).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert user_by_email(db, "rosa@example.org") is not None


def test_signing_in_over_a_stale_session_switches_user(db, login, treasurer, officer):
    """A POST to /login with the right password signs in that user even when another session is still
    there (a shared phone, an old tab, a late response re-setting the cookie); a GET still redirects."""
    web = login(treasurer)
    assert web.get("/login").status_code == 302
    resp = web.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert resp.status_code == 302
    with web.session_transaction() as sess:
        assert sess["_user_id"] == str(officer.id)


@pytest.mark.committing
def test_sign_in_language_and_sign_out_are_committed_by_the_request_edge(db, officer, login):
    """The sign-in pages commit nothing themselves: grants/web/edge.py commits their POST with its redirect."""
    db.session.commit()
    client = login(officer)  # POST /login answered 302
    db.session.rollback()  # the test's session sees only what the requests committed
    assert count_sessions(officer) == 1
    assert client.post("/language", data={"lang": "en"}).status_code == 302
    db.session.rollback()
    assert db.session.get(User, officer.id).locale == "en"
    assert client.post("/logout").status_code == 302
    db.session.rollback()
    assert count_sessions(officer) == 0
