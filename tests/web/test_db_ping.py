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


@pytest.fixture
def pooled():
    """``make(idle)`` -> (app, pings): an app of its own on the tests' database with a pool of one connection and
    ``DB_PING_IDLE_SECONDS = idle``; ``pings`` lists the SELECT 1 tests the pool made. Its engine is disposed."""
    made = []

    def make(idle):
        class Cfg(config.TestConfig):
            DATABASE_URL = PG_URL
            DB_PING_IDLE_SECONDS = idle
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1, "max_overflow": 0}

        app = create_app(Cfg)
        with app.app_context():
            engine = db.engine
        calls = []
        ping = engine.dialect.do_ping

        def counted(dbapi_connection):
            calls.append(1)
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted
        made.append(engine)
        return app, calls

    yield make
    for engine in made:
        engine.dispose()


def _drop(pid):
    """The server ends backend ``pid`` (as a restart or a firewall's idle timeout would)."""
    other = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with other.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    other.dispose()


def _backend(app):
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def _ready(app):
    return app.test_client().get("/readyz")


def test_a_connection_given_back_a_moment_ago_is_not_tested_again(pooled):
    app, pings = pooled(idle=60)
    first = _backend(app)
    assert [_ready(app).status_code for _ in range(3)] == [200] * 3
    assert _backend(app) == first  # the same connection, reused
    assert pings == []  # and not one SELECT 1 before its uses


def test_a_connection_dropped_while_idle_is_replaced_before_a_request_gets_it(pooled):
    app, pings = pooled(idle=0.2)
    first = _backend(app)
    _drop(first)
    time.sleep(0.3)
    resp = _ready(app)
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ready\n"
    assert len(pings) == 1  # tested once, found dead, replaced by a fresh one (not tested)
    assert _backend(app) != first


def test_a_connection_dropped_while_busy_costs_one_503_then_the_pool_recovers(pooled):
    app, _pings = pooled(idle=60)
    _drop(_backend(app))
    resp = _ready(app)
    assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
    assert _ready(app).status_code == 200  # no restart needed


def test_idle_seconds_zero_tests_every_connection_before_each_use(pooled):
    app, pings = pooled(idle=0)
    _backend(app)
    assert [_ready(app).status_code for _ in range(2)] == [200] * 2
    assert len(pings) == 2  # the fresh connection is not tested; each later use is
