"""Backup and restore drills: the demo (with its uploaded files) is backed up with ``grants backup`` and
restored with ``grants restore`` into an empty database of the same kind (SQLite; PostgreSQL when
GRANTS_TEST_DATABASE_URL is set, in a database of its own), and the restored data is checked: every table's
rows, every file's SHA-256, the audit trail's hash chain, and a page that reads them. A damaged backup or a
database that holds data is refused and left untouched."""
import json
import os
import uuid

import pytest
import sqlalchemy as sa

import config
from grants import backup as bk
from grants import create_app
from grants.audit import verify_chain
from grants.extensions import db as _db

from tests.conftest import PASSWORD, PG_URL
from tests.demo_snapshot import seed_demo

pytestmark = pytest.mark.committing


@pytest.fixture
def demo_data(db):
    """The demo (seeded once per run, copied back for each test)."""
    seed_demo(db, PASSWORD)


@pytest.fixture
def target(app, tmp_path):
    """``make()``: an app on a new, empty database of the suite's kind, with its own upload folder."""
    made, databases = [], []
    server = None
    if PG_URL:
        base = sa.engine.make_url(PG_URL)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        server = sa.create_engine(base, isolation_level="AUTOCOMMIT")

    def make():
        n = len(made)
        if server is not None:
            name = f"grants_h1_restore_{uuid.uuid4().hex[:10]}"
            with server.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            databases.append(name)
            url = base.set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp_path / f'restored{n}.db'}"

        class Cfg(config.TestConfig):
            DATABASE_URL = url
            UPLOAD_FOLDER = str(tmp_path / f"restored-uploads{n}")

        application = create_app(Cfg)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()
    if server is not None:
        with server.connect() as conn:
            for name in databases:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _cli(application, *args):
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["grants", *args])
        _db.session.remove()
    return result


def _snapshot(application):
    """Rows of every table, and a few exact values: money, times, JSON."""
    from grants.alliances.models import Alliance
    from grants.audit.models import Event

    with application.app_context():
        with _db.engine.connect() as conn:
            counts = bk._row_counts(conn)
        alliances = [(a.code, a.requested_grant, a.created_at.replace(tzinfo=None), a.state)
                     for a in _db.session.execute(sa.select(Alliance).order_by(Alliance.id)).scalars()]
        last = _db.session.execute(sa.select(Event).order_by(Event.id.desc()).limit(1)).scalar_one()
        event = (last.id, last.hash, last.data_dict())
        chain = verify_chain()
        _db.session.remove()
    return counts, alliances, event, chain


def _files(folder):
    found = {}
    for base, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            found[os.path.relpath(path, folder)] = bk.sha256_of(path)
    return found


def _drill(app, target, tmp_path, *backup_args):
    out = tmp_path / "backup"
    result = _cli(app, "backup", str(out), *backup_args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    restored = target()
    result = _cli(restored, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert "audit trail intact" in result.output
    return out, manifest, restored


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_backup_and_restore_drill(app, db, demo_data, target, tmp_path, login, portable):
    before = _snapshot(app)
    uploads = _files(app.config["UPLOAD_FOLDER"])
    assert len(uploads) >= 5 and before[3] == (before[3][0], None) and before[3][0] > 100
    out, manifest, restored = _drill(app, target, tmp_path, *(["--portable"] if portable else []))
    kind = manifest["database"]["kind"]
    dialect = db.engine.dialect.name
    assert kind == ("portable" if portable else {"sqlite": "sqlite", "postgresql": "pg_dump"}[dialect])
    # the manifest names every file with its hash, and the backup holds exactly those
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {k.replace(os.sep, "/"): v for k, v in uploads.items()}
    assert bk.sha256_of(out / manifest["database"]["file"]) == manifest["database"]["sha256"]
    after = _snapshot(restored)
    assert after == before  # every table's rows, exact money and times, the last event, the verified chain
    assert _files(restored.config["UPLOAD_FOLDER"]) == uploads
    # the restored app works: a page reads the data, a new event chains on, new ids follow the old ones
    with restored.app_context():
        from grants.accounts.models import User
        from grants.audit import record

        admin = _db.session.execute(sa.select(User).where(User.email.like("admin@%"))).scalar_one()
        email = admin.email
        record("user", admin.id, "restore_drill", admin)
        _db.session.commit()
        count, broken = verify_chain()
        assert broken is None and count == before[3][0] + 1
        _db.session.remove()
    client = restored.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    page = client.get("/alliances/")
    assert page.status_code == 200 and before[1][0][0] in page.get_data(as_text=True)


def test_restore_refuses_a_database_with_data_unless_forced(app, db, demo_data, target, tmp_path):
    out, manifest, restored = _drill(app, target, tmp_path)
    again = _cli(restored, "restore", str(out))
    assert again.exit_code == 1 and "already holds data" in again.output
    assert _snapshot(restored)[0] == manifest["database"]["tables"]
    forced = _cli(restored, "restore", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert _snapshot(restored)[0] == manifest["database"]["tables"]


def test_a_damaged_backup_is_refused_and_nothing_is_touched(app, db, demo_data, target, tmp_path):
    out = tmp_path / "backup"
    assert _cli(app, "backup", str(out)).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    victim = out / "uploads" / manifest["files"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"x")
    (out / "uploads" / manifest["files"][1]["path"]).unlink()
    restored = target()
    result = _cli(restored, "restore", str(out))
    assert result.exit_code == 1
    assert "damaged" in result.output and "SHA-256 differs" in result.output and "missing" in result.output
    with restored.app_context():
        assert sa.inspect(_db.engine).get_table_names() == []  # untouched: still empty
        _db.engine.dispose()
    assert not os.path.exists(restored.config["UPLOAD_FOLDER"])
    # a changed database dump is refused the same way
    dump = out / manifest["database"]["file"]
    dump.write_bytes(dump.read_bytes()[:-1])
    assert "database" in _cli(restored, "restore", str(out)).output


def test_backup_wants_a_new_directory(app, db, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    result = _cli(app, "backup", str(tmp_path / "full"))
    assert result.exit_code == 1 and "not an empty directory" in result.output
    result = _cli(app, "restore", str(tmp_path / "full"))
    assert result.exit_code == 1 and "manifest.json" in result.output
