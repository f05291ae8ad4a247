"""The pool tests a connection (SELECT 1) before a request gets it only after the connection sat idle
(``DB_PING_IDLE_SECONDS``), not on every request (issue 12: a round trip every page paid); a connection the
database dropped meanwhile is still never handed to a request, and one dropped while in use costs one 503."""
import time

import pytest
import sqlalchemy as sa

import config
from grants import create_app
from grants.extensions import db
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL: a server that drops connections")


def _app(idle):
    class Cfg(config.TestConfig):
        DATABASE_URL = PG_URL
        DB_PING_IDLE_SECONDS = idle
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1, "max_overflow": 0}

    return create_app(Cfg)


def _pings(engine):
    calls = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        calls.append(1)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted
    return calls


def _drop(pid):
    """The server ends backend ``pid`` (as a restart or a firewall's idle timeout would)."""
    other = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with other.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    other.dispose()


def _backend(app):
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_given_back_a_moment_ago_is_not_tested_again():
    app = _app(idle=60)
    with app.app_context():
        engine = db.engine
        pings = _pings(engine)
        first = _backend(app)
        for _ in range(3):
            assert app.test_client().get("/readyz").status_code == 200
        assert _backend(app) == first  # the same connection, reused
        assert pings == []  # and not one SELECT 1 before its uses
        engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_a_request_gets_it():
    app = _app(idle=0.2)
    with app.app_context():
        engine = db.engine
        pings = _pings(engine)
        first = _backend(app)
        _drop(first)
        time.sleep(0.3)
        resp = app.test_client().get("/readyz")
        assert resp.status_code == 200 and resp.get_data(as_text=True) == "ready\n"
        assert len(pings) == 1  # tested once, found dead, replaced by a fresh one (not tested)
        assert _backend(app) != first
        engine.dispose()


def test_a_connection_dropped_while_busy_costs_one_503_then_the_pool_recovers():
    app = _app(idle=60)
    with app.app_context():
        engine = db.engine
        _drop(_backend(app))
        client = app.test_client()
        resp = client.get("/readyz")
        assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
        assert client.get("/readyz").status_code == 200  # no restart needed
        engine.dispose()


def test_idle_seconds_zero_tests_every_connection_before_each_use():
    app = _app(idle=0)
    with app.app_context():
        engine = db.engine
        pings = _pings(engine)
        _backend(app)
        for _ in range(2):
            assert app.test_client().get("/readyz").status_code == 200
        assert len(pings) == 2  # the fresh connection is not tested; each later use is
        engine.dispose()
