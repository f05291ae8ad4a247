"""Issue 13, part 4 (passwords) and part 10 (e-mail): at least 10 characters and not a common password,
with the same rule and message wherever a password is set; the login form takes every address that
``create-admin`` takes."""
import flask_babel
import pytest
import sqlalchemy as sa

from grants import demo
from grants.accounts import services
from grants.accounts.models import User
from grants.accounts.passwords import MIN_LENGTH, common_passwords, is_valid_email, password_problems
from grants.errors import ValidationFailed
from tests.api.test_api_support import assert_error, rules_of

PASSWORD = "clave-segura-123"
COMMON = "password123"  # long enough, but among the most common passwords
COMMON_EN = "This password is among the most common ones and easy to guess."
COMMON_ES = "Esta contraseña está entre las más comunes y es fácil de adivinar."


def _rules(exc_info):
    return {(v.rule, v.field) for v in exc_info.value.details}


# --- the rule itself ---------------------------------------------------------------------------------


def test_the_list_is_the_maintained_one_and_is_large():
    common = common_passwords()
    assert len(common) > 20000
    assert {"password", "123456", "qwertyuiop", "password123", "iloveyou12"} <= common


@pytest.mark.parametrize("password, rule", [
    ("password", "invalid"),  # short first: the length message is the one a person can act on
    ("corta-123", "invalid"),  # 9 characters
    (COMMON, "password_too_common"),
    ("PASSWORD123", "password_too_common"),  # case does not help
    ("1234567890", "password_too_common"),
    ("qwertyuiop", "password_too_common"),
])
def test_weak_passwords_are_refused(password, rule):
    problems = password_problems(password)
    assert [(p.rule, p.field) for p in problems] == [(rule, "password")]


def test_demo_and_test_passwords_still_pass(db):
    assert password_problems(PASSWORD) == []
    assert MIN_LENGTH == 10
    for _key, _email, pwd, _label, _data in demo._accounts(None):
        assert password_problems(pwd) == [], pwd
    for pwd in ("una-clave-comun", "una-clave-larga", "otra-clave-larga", "clave-de-rosa-1"):
        assert password_problems(pwd) == [], pwd


# --- everywhere a password is set -------------------------------------------------------------------


def test_create_user_refuses_a_common_password(db):
    with pytest.raises(ValidationFailed) as info:
        services.create_user({"email": "nueva@example.org", "name": "Nueva", "password": COMMON})
    assert _rules(info) == {("password_too_common", "password")}
    db.session.rollback()
    with pytest.raises(ValidationFailed) as info:
        services.create_user({"email": "nueva@example.org", "name": "Nueva", "password": "password"})
    assert _rules(info) == {("invalid", "password")}
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 0


def test_update_user_refuses_a_common_password(db, officer, admin):
    with pytest.raises(ValidationFailed) as info:
        services.update_user(officer, {"password": COMMON}, admin)
    assert _rules(info) == {("password_too_common", "password")}
    db.session.rollback()
    assert officer.check_password(PASSWORD)


def test_own_password_change_refuses_a_common_password(db, officer):
    with pytest.raises(ValidationFailed) as info:
        services.change_password(officer, PASSWORD, COMMON)
    assert _rules(info) == {("password_too_common", "new_password")}
    db.session.rollback()
    with pytest.raises(ValidationFailed) as info:
        services.change_password(officer, PASSWORD, "password")
    assert _rules(info) == {("invalid", "new_password")}


def test_users_api_refuses_a_common_password_with_the_message(api, admin, officer):
    client = api(admin)
    err = assert_error(client.post("/users?lang=en", json={"email": "n@example.org", "name": "N", "password": COMMON}),
                       422, "validation_error")
    assert rules_of(err) == {"password_too_common"}
    assert COMMON_EN in err["details"][0]["message"]
    version = client.get(f"/users/{officer.id}").get_json()["version"]
    err = assert_error(client.patch(f"/users/{officer.id}", json={"version": version, "password": "password"}), 422)
    assert rules_of(err) == {"invalid"}
    assert "10" in err["details"][0]["message"]


def test_user_form_refuses_a_common_password_in_spanish(db, login, admin):
    flask_babel.refresh()
    resp = login(admin).post("/admin/users/new", data={
        "name": "Rosa Quispe", "email": "rosa@example.org", "password": COMMON, "active": "y", "locale": "es",
        "roles": ["officer"]})
    assert resp.status_code == 422
    assert COMMON_ES in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(User).where(User.email == "rosa@example.org")).scalar() is None


@pytest.mark.parametrize("lang, message", [("es", COMMON_ES), ("en", COMMON_EN)])
def test_password_page_refuses_a_common_password(db, login, officer, lang, message):
    web = login(officer)
    flask_babel.refresh()
    resp = web.post(f"/account/password?lang={lang}", data={
        "current_password": PASSWORD, "new_password": COMMON, "confirm": COMMON})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).check_password(PASSWORD)


def test_password_page_says_ten_characters(db, login, officer):
    web = login(officer)
    flask_babel.refresh()
    resp = web.post("/account/password?lang=en", data={
        "current_password": PASSWORD, "new_password": "password", "confirm": "password"})
    assert resp.status_code == 422
    assert "The password needs at least 10 characters." in resp.get_data(as_text=True)


def test_create_admin_refuses_a_common_password(app, db):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["grants", "create-admin", "--email", "jefa@example.org",
                                                    "--password", COMMON])
        db.session.remove()
    assert result.exit_code == 1
    assert "password" in result.output and ("comunes" in result.output or "common" in result.output)
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 0


# --- one e-mail rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["jefa@grants.test", "admin@oficina.local", "admin@localhost",
                                   "Ana.Maria+grants@demo.example.org"])
def test_valid_addresses(email):
    assert is_valid_email(email)


@pytest.mark.parametrize("email", ["", "no-at-sign", "@example.org", "ana@", "ana maria@example.org", "a@@b.org",
                                   "ana@example..org", "ana@.example.org"])
def test_invalid_addresses(email):
    assert not is_valid_email(email)


@pytest.mark.parametrize("email", ["jefa@grants.test", "admin@oficina.local"])
def test_login_form_takes_what_create_admin_takes(app, db, client, email):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["grants", "create-admin", "--email", email,
                                                    "--password", PASSWORD])
        db.session.remove()
    assert result.exit_code == 0, result.output
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]
    assert client.get("/api/v1/me").get_json()["email"] == email


def test_login_form_refuses_what_create_user_refuses(db, client):
    flask_babel.refresh()
    resp = client.post("/login?lang=en", data={"email": "no-at-sign", "password": PASSWORD})
    assert resp.status_code == 400
    assert "Enter a valid e-mail address." in resp.get_data(as_text=True)
