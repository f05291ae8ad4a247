"""The Alembic migrations build exactly the schema the models declare.

An empty database is upgraded to the head revision (SQLite always; PostgreSQL too when
GRANTS_TEST_DATABASE_URL is set, in a database of its own made with CREATE DATABASE so that the
suite's tables are never touched) and then compared with the models' metadata. A model change
without a migration fails here with the list of differences; see migrations/README.
"""
import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import config
from grants import create_app
from grants.extensions import db as _db

pytestmark = pytest.mark.committing

PG_URL = os.environ.get("GRANTS_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _app(url, tmp_path):
    if os.environ.get("GRANTS_DATABASE_URL"):  # it would override DATABASE_URL below
        pytest.fail("unset GRANTS_DATABASE_URL to run the tests (scripts/test.sh does)")

    class Cfg(config.TestConfig):
        DATABASE_URL = url
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    return create_app(Cfg)


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    """The URL of an empty database of the given kind; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    base = sa.engine.make_url(PG_URL)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"grants_migrations_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _differences(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(ctx, _db.metadata)


def _describe(diff):
    """One short line per difference reported by ``compare_metadata``."""
    if isinstance(diff, list):  # modify_* come as a list of tuples
        return "; ".join(_describe(d) for d in diff)
    op, rest = diff[0], diff[1:]
    if op in ("add_table", "remove_table"):
        return f"{op} {rest[0].name}"
    if op in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        table = getattr(rest[0], "table", None)
        return f"{op} {rest[0].name} on {getattr(table, 'name', '?')}"
    if op in ("add_column", "remove_column"):
        return f"{op} {rest[1]}.{rest[2].name}"
    if op.startswith("modify_"):
        return f"{op} {rest[1]}.{rest[2]}: {rest[-2]!r} -> {rest[-1]!r}"
    return repr(diff)[:200]


def _tables(engine):
    return set(sa.inspect(engine).get_table_names())


def test_one_head_revision(app):
    with app.app_context():
        migrate = app.extensions["migrate"]
        script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
        heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have several heads {heads}: merge them (flask db merge heads)"


def test_upgrade_builds_the_models_schema(empty_url, tmp_path):
    application = _app(empty_url, tmp_path)
    with application.app_context():
        try:
            assert _tables(_db.engine) == set()
            flask_migrate.upgrade()
            tables = _tables(_db.engine)
            diff = _differences(_db.engine)
        finally:
            _db.session.remove()
            _db.engine.dispose()
    assert "alembic_version" in tables
    missing = sorted({t.name for t in _db.metadata.sorted_tables} - tables)
    problems = ([f"  tables without a migration: {missing}"] if missing else []) + [f"  {_describe(d)}" for d in diff]
    assert not problems, ("the migrated schema differs from the models; add a revision "
                          "(flask --app wsgi db migrate -m '...', see migrations/README):\n" + "\n".join(problems))


def test_downgrade_to_base_and_upgrade_again(empty_url, tmp_path):
    application = _app(empty_url, tmp_path)
    with application.app_context():
        try:
            flask_migrate.upgrade()
            first = _tables(_db.engine)
            flask_migrate.downgrade(revision="base")
            after_down = _tables(_db.engine) - {"alembic_version"}
            flask_migrate.upgrade()
            again = _tables(_db.engine)
        finally:
            _db.session.remove()
            _db.engine.dispose()
    assert after_down == set(), f"downgrade to base left tables behind: {sorted(after_down)}"
    assert again == first
