"""Accounts services: sign-in, password hashing and change, API tokens, user changes."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from grants.accounts import services
from grants.accounts.models import ApiToken, User
from grants.audit.models import Event
from grants.common import utcnow
from grants.errors import ValidationFailed
from grants.extensions import db as _db

PASSWORD = "clave-segura-123"


def events(action, object_id=None):
    query = sa.select(Event).where(Event.action == action)
    if object_id is not None:
        query = query.where(Event.object_id == object_id)
    return list(_db.session.execute(query.order_by(Event.id)).scalars())


# ---- authenticate and throttling ----------------------------------------------------------------------------

def test_authenticate_right_and_wrong_password(db, officer):
    assert services.authenticate(officer.email, PASSWORD) is officer
    assert services.authenticate(officer.email.upper(), PASSWORD) is officer  # e-mail is case-insensitive
    assert services.authenticate(officer.email, "not-the-password") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None


def test_inactive_user_cannot_sign_in(db, officer, admin):
    services.update_user(officer, {"active": False}, admin)
    db.session.commit()
    assert services.authenticate(officer.email, PASSWORD) is None


# throttling of failed sign-ins (per address, never locking the owner out): tests/accounts/test_throttling.py


def test_password_is_stored_hashed(db, officer):
    stored = db.session.execute(sa.select(User.password_hash).where(User.id == officer.id)).scalar()
    assert stored != PASSWORD and PASSWORD not in stored
    assert stored.startswith("pbkdf2:sha256")  # TestConfig's fast method; scrypt in production
    assert officer.check_password(PASSWORD) and not officer.check_password(PASSWORD + "x")


def test_same_password_gives_different_hashes(db, make_user):
    a, b = make_user(), make_user()
    assert a.password_hash != b.password_hash  # salted


def test_change_password(db, officer):
    services.change_password(officer, PASSWORD, "otra-clave-larga")
    db.session.commit()
    assert services.authenticate(officer.email, "otra-clave-larga") is officer
    assert services.authenticate(officer.email, PASSWORD) is None
    assert len(events("change_password", officer.id)) == 1


def test_change_password_refuses_wrong_current_and_short_new(db, officer):
    with pytest.raises(ValidationFailed) as info:
        services.change_password(officer, "wrong", "short")
    assert {v.field for v in info.value.details} == {"current_password", "new_password"}
    db.session.rollback()
    assert officer.check_password(PASSWORD)
    assert events("change_password", officer.id) == []


# ---- tokens -------------------------------------------------------------------------------------------------

def test_tokens_are_stored_hashed(db, officer):
    token, row = services.issue_token(officer)
    db.session.commit()
    assert len(token) >= 40
    stored = db.session.execute(sa.select(ApiToken.token_hash)).scalars().all()
    assert stored == [row.token_hash] and token not in stored[0] and len(stored[0]) == 64
    # nowhere in the database: not in the token table, not in the audit trail
    for table in ("api_tokens", "events"):
        dump = " ".join(str(v) for r in db.session.execute(sa.text(f"SELECT * FROM {table}")) for v in r)
        assert token not in dump
    assert services.token_lookup(token).user_id == officer.id
    assert services.token_lookup(token + "x") is None
    assert len(events("issue_token", officer.id)) == 1


def test_revoked_and_expired_tokens_are_refused(db, officer):
    token, row = services.issue_token(officer)
    services.revoke_token(row)
    db.session.commit()
    assert services.token_lookup(token) is None
    token2, row2 = services.issue_token(officer)
    row2.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.token_lookup(token2) is None
    assert services.token_lookup("") is None and services.token_lookup("x" * 500) is None


# ---- creating and changing users ----------------------------------------------------------------------------

def test_create_user_with_roles_regions_memberships(db, admin, association):
    user = services.create_user({"email": " Nuevo@Example.org ", "name": "Nuevo", "password": "clave-larga-1",
                                 "roles": ["officer", "committee"], "regions": ["Oruro", " La Paz", ""],
                                 "memberships": [{"association_id": association.id, "role": "board",
                                                  "title": "Presidente"}]}, admin)
    db.session.commit()
    assert user.email == "nuevo@example.org"
    assert user.roles == ["committee", "officer"] and user.regions == ["La Paz", "Oruro"]
    assert [(m.association_id, m.role, m.title) for m in user.memberships] == [(association.id, "board", "Presidente")]
    ev = events("create_user", user.id)
    assert len(ev) == 1 and ev[0].actor_id == admin.id
    assert "clave-larga-1" not in ev[0].data


def test_create_user_reports_every_field_error(db, admin, officer):
    with pytest.raises(ValidationFailed) as info:
        services.create_user({"email": officer.email.upper(), "name": " ", "password": "short",
                              "roles": ["king"]}, admin)
    fields = {(v.field, v.rule) for v in info.value.details}
    assert {("email", "duplicate"), ("name", "required"), ("password", "invalid"), ("roles", "invalid")} <= fields


def test_update_user_records_what_changed(db, admin, officer):
    services.update_user(officer, {"roles": ["officer", "finance"], "regions": ["Potosí"], "password": "nueva-clave-1"},
                         admin)
    db.session.commit()
    assert officer.roles == ["finance", "officer"] and officer.regions == ["Potosí"]
    ev = events("update_user", officer.id)[-1]
    data = ev.data_dict()
    assert data["roles"] == {"from": ["officer"], "to": ["finance", "officer"]}
    assert data["regions"] == {"from": ["La Paz"], "to": ["Potosí"]}
    assert data["password"] == "changed" and "nueva-clave-1" not in ev.data
