"""``flask --app wsgi grants ...``: init-db, create-admin, seed-demo, verify-audit."""
import pytest
import sqlalchemy as sa

import config
from grants import create_app
from grants.accounts.models import User
from grants.associations.models import Member
from grants.audit.models import Event
from grants.extensions import db as _db


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    """An app on a new, empty SQLite file (no tables at all)."""
    monkeypatch.delenv("GRANTS_DATABASE_URL", raising=False)  # it would override DATABASE_URL

    class Cfg(config.TestConfig):
        DATABASE_URL = f"sqlite:///{tmp_path / 'fresh.db'}"
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    application = create_app(Cfg)
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _run(application, *args):
    # with_appcontext reuses an app context that is already pushed (the autouse ``db`` fixture's):
    # push the target app's own one, as `flask --app wsgi` would
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["grants", *args])
        _db.session.remove()
    return result


def _tables(application):
    with application.app_context():
        return set(sa.inspect(_db.engine).get_table_names())


def test_init_db_creates_then_upgrades(fresh_app):
    assert _tables(fresh_app) == set()
    result = _run(fresh_app, "init-db")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert {"alembic_version", "users", "alliances", "events"} <= _tables(fresh_app)
    again = _run(fresh_app, "init-db")  # an up-to-date schema is left as it is
    assert again.exit_code == 0, again.output


def test_create_admin(fresh_app):
    assert _run(fresh_app, "init-db").exit_code == 0
    result = _run(fresh_app, "create-admin", "--email", "Jefa@Example.org", "--password", "una-clave-larga",
                  "--name", "Jefa de Programa")
    assert result.exit_code == 0, result.output
    assert "jefa@example.org" in result.output
    with fresh_app.app_context():
        user = _db.session.execute(sa.select(User)).scalar_one()
        assert user.email == "jefa@example.org" and user.roles == ["admin"]
        assert user.check_password("una-clave-larga")
        assert _db.session.execute(sa.select(Event.action)).scalars().all() == ["create_user"]
        _db.session.remove()


def test_create_admin_refuses_a_short_password(fresh_app):
    assert _run(fresh_app, "init-db").exit_code == 0
    result = _run(fresh_app, "create-admin", "--email", "jefa@example.org", "--password", "corta")
    assert result.exit_code == 1
    assert "password" in result.output and "10" in result.output
    with fresh_app.app_context():
        assert _db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 0
        _db.session.remove()


def test_create_admin_promotes_an_existing_user(app, db, make_user):
    user = make_user(email="ya.existe@example.org")
    result = _run(app, "create-admin", "--email", "ya.existe@example.org", "--password", "otra-clave-larga")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == ["admin"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 1


def _counts(db):
    return {m.__name__: db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar()
            for m in (User, Member, Event)}


def test_seed_demo_prints_accounts_and_is_idempotent(app, db):
    first = _run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert "admin@demo.example.org" in first.output and "demo-admin-2026" in first.output
    assert "presidenta.achacachi@demo.example.org" in first.output
    counts = _counts(db)
    assert counts["User"] == 19 + 3 and counts["Member"] >= 60  # and the federation's president, the buyer, the grievance office
    second = _run(app, "seed-demo")
    assert second.exit_code == 0, second.output
    assert "already exists" in second.output and "admin@demo.example.org" in second.output
    assert "presidenta.federacion@demo.example.org" in second.output
    assert _counts(db) == counts


def test_verify_audit_names_the_tampered_event(app, db):
    assert _run(app, "seed-demo").exit_code == 0
    ok = _run(app, "verify-audit")
    assert ok.exit_code == 0, ok.output
    total = db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar()
    assert f"{total} events verified" in ok.output
    victim = db.session.execute(sa.select(Event.id).where(Event.action == "add_member")
                                .order_by(Event.id).offset(5).limit(1)).scalar_one()
    from grants.audit import allow_purge

    allow_purge(db.session)  # the database refuses the UPDATE otherwise (tests/audit/test_audit_tamper.py)
    db.session.execute(sa.text("UPDATE events SET data = :d WHERE id = :i"),
                       {"d": '{"full_name":"Otra Persona"}', "i": victim})
    db.session.commit()
    broken = _run(app, "verify-audit")
    assert broken.exit_code == 1
    assert f"BROKEN at event {victim}:" in broken.output


def test_seed_scale_command(app, db):
    result = _run(app, "seed-scale", "--alliances", "4")
    assert result.exit_code == 0, result.output
    from grants.alliances.models import Alliance

    assert db.session.execute(sa.select(sa.func.count()).select_from(Alliance)).scalar() == 4
