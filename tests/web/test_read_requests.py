"""A read request on PostgreSQL opens no transaction until it writes (grants/web/edge.py, issue 12): its plain
SELECTs run in autocommit (no BEGIN and ROLLBACK round trips), the first other statement begins the transaction,
and every write of the request is still committed or rolled back as one at the edge. A write request (POST)
begins as before; the connection goes back to the pool as it came."""
import pytest
import sqlalchemy as sa
from flask import abort

import config
from grants import create_app
from grants.accounts.models import User
from grants.extensions import db
from grants.notifications.models import Notification
from grants.notifications.services import notify, unread_count
from tests.conftest import PASSWORD, PG_URL

pytestmark = [pytest.mark.skipif(not PG_URL, reason="PostgreSQL: the transactions of psycopg's connections"),
              pytest.mark.committing]

IDLE, INTRANS = 0, 2  # psycopg's transaction status


@pytest.fixture
def web_app(db):
    """An app of its own on the tests' database, with routes that write during a GET (added before its first
    request): a write then a refusal (422) and a row lock."""
    class Cfg(config.TestConfig):
        DATABASE_URL = PG_URL

    app = create_app(Cfg)

    @app.get("/test/write-then-refuse")
    def write_then_refuse():
        user = db.session.execute(sa.select(User).where(User.email == "lector@example.org")).scalar_one()
        notify([user], "Aviso", "no debe quedar")
        db.session.flush()
        abort(422)

    @app.get("/test/lock")
    def lock():
        db.session.execute(sa.select(User).where(User.email == "lector@example.org").with_for_update()).scalar_one()
        return "locked"

    with app.app_context():
        from grants.accounts.services import create_user

        create_user({"email": "lector@example.org", "name": "Lucía Lectora", "password": PASSWORD,
                     "roles": ["officer"], "regions": ["La Paz"]})
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def seen(web_app):
    """The psycopg transaction status under which each statement of the app was sent: [(sql, status)], with
    ``autocommit`` of the connection when the request was a write (psycopg sends its own BEGIN inside execute)."""
    found = []

    def before(conn, cursor, statement, *_a):
        status = int(cursor.connection.info.transaction_status)
        found.append((statement.split()[0].upper(), INTRANS if not cursor.connection.autocommit else status))

    with web_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)  # after the app's own hook: sees its BEGIN
    yield found
    sa.event.remove(engine, "before_cursor_execute", before)


def _sign_in(app):
    web = app.test_client()
    assert web.post("/login", data={"email": "lector@example.org", "password": PASSWORD}).status_code == 302
    return web


def _pooled_autocommit(app):
    with app.app_context(), db.engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        return dbapi.autocommit, int(dbapi.info.transaction_status)


def test_a_page_that_only_reads_sends_no_begin(web_app, seen):
    web = _sign_in(web_app)
    paths = ("/dashboard", "/alliances/", "/notifications/")
    for path in paths:  # the first views store the stored pages (a write); the next ones only read
        assert web.get(path).status_code == 200, path
    seen.clear()
    for path in paths:
        assert web.get(path).status_code == 200, path
    assert seen and all(status == IDLE for _sql, status in seen)  # autocommit, outside any transaction
    assert all(sql in ("SELECT", "WITH") for sql, _status in seen)
    assert _pooled_autocommit(web_app) == (False, IDLE)  # back in the pool as it came


def test_a_read_that_writes_commits_its_writes_in_one_transaction(web_app, seen):
    web = _sign_in(web_app)
    with web_app.app_context():
        user = db.session.execute(sa.select(User).where(User.email == "lector@example.org")).scalar_one()
        notify([user], "Aviso", "uno")
        notify([user], "Aviso", "dos")
        db.session.commit()
    seen.clear()
    assert web.get("/notifications/").status_code == 200  # shown: marked read (a write of a read)
    writes = [i for i, (sql, _s) in enumerate(seen) if sql in ("UPDATE", "INSERT", "DELETE")]
    assert writes and all(seen[i][1] == INTRANS for i in writes)  # inside the transaction begun before the first
    assert all(status == IDLE for _sql, status in seen[:writes[0]] if _sql == "SELECT")
    with web_app.app_context():
        user = db.session.execute(sa.select(User).where(User.email == "lector@example.org")).scalar_one()
        assert unread_count(user) == 0  # committed at the edge
    assert _pooled_autocommit(web_app) == (False, IDLE)


def test_a_read_that_writes_then_fails_keeps_nothing(web_app, seen):
    web = _sign_in(web_app)
    assert web.get("/test/write-then-refuse").status_code == 422
    assert ("INSERT", INTRANS) in seen
    with web_app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar() == 0
    assert _pooled_autocommit(web_app) == (False, IDLE)


def test_a_row_lock_in_a_read_begins_the_transaction_first(web_app, seen):
    web = _sign_in(web_app)
    seen.clear()
    assert web.get("/test/lock").status_code == 200
    locks = [status for sql, status in seen if sql == "SELECT"][-1:]
    assert locks == [INTRANS]  # FOR UPDATE holds its lock until the edge ends the transaction
    assert _pooled_autocommit(web_app) == (False, IDLE)


def test_a_write_request_begins_at_its_first_statement(web_app, seen):
    web = _sign_in(web_app)
    seen.clear()
    assert web.post("/language", data={"lang": "en"}).status_code == 302
    assert seen and all(status == INTRANS for _sql, status in seen)  # the user's load included
    assert "My tasks" in web.get("/dashboard").get_data(as_text=True)
