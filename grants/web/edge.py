"""The request edge of the pages: a page's write commits once, here.

A page that changes data (a POST) calls its service and answers a redirect, or the page again with the
errors at their fields. The edge looks at that answer: a success or a redirect commits the transaction; an
error (4xx) rolls it back, so nothing half-written stays. A commit the database refuses answers 409 (someone
changed the object meanwhile, or a duplicate) or 503 (the database cannot be reached), never a 500.

A read (GET) commits nothing, except where its view says it writes with ``write_on_read()``: the log of who
viewed or exported members' data or a call's intentions, notifications marked read when shown, a plan created
when first opened, a stored portal answer, the register of an issued PDF. Those commit here too, after the view
answered without error, so a view never commits mid-way: the file or page is built in full (the body in
memory, nothing streamed) before the edge commits, and a read that fails keeps none of its writes.
``essential=False`` (the default) marks a write the answer does not depend on (a notification marked read, a
stored answer, a PDF's register entry): when its commit fails the answer is still given (logged, rolled back).
``essential=True`` marks a write the answer may not go out without (the audit of personal data leaving the
system): when its commit fails the answer is replaced by the 409 or 503 page.

The API's edge is ``grants.api.core.endpoint``; the CLI commits in its commands.

On PostgreSQL a read (GET, HEAD) opens no transaction until it writes (``READS_WITHOUT_TRANSACTION``, issue 12):
its plain SELECTs run in autocommit, and the first other statement (a write, a ``SELECT ... FOR UPDATE``, a
lock, a savepoint, any text SQL) sends ``BEGIN`` first, so that every write of the request is in one transaction
as before, committed or rolled back here. Under READ COMMITTED a transaction's SELECTs each see the latest
committed state anyway: the reads see what they saw, and a page that only reads saves the BEGIN and ROLLBACK
round trips (two of the four a signed-in page sent). SQLite reads the same way already (``extensions.py``)."""
import threading

from flask import copy_current_request_context, current_app, g, has_request_context, make_response, \
    render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import CompoundSelect, Select

from ..extensions import db
from .health import UNAVAILABLE_ERRORS, unavailable

READS = ("GET", "HEAD", "OPTIONS")
#: ``g`` key: None (a read that writes nothing), False (writes the answer does not need), True (essential)
WRITES_ON_READ = "edge_writes_on_read"


def write_on_read(essential=False):
    """Say that this read (GET) writes and that the edge must commit it after an answer without error."""
    setattr(g, WRITES_ON_READ, bool(essential) or g.get(WRITES_ON_READ) or False)


def commit_now():
    """The one commit in the middle of a request, kept here with the edge: a lease the other workers and hosts
    must see before this request goes on (the portal's stored answer is rebuilt by the request holding it,
    ``grants.reports.stored.answer``), and the answer stored after the build."""
    db.session.commit()


#: the after-response writes still running (``drain`` waits for them: the tests, a worker that stops)
_RUNNING = set()


def after_response(resp, work):
    """Run ``work()`` once ``resp`` was sent (the WSGI server closes it), in a thread of its own and a copy of
    this request's context: a write the answer does not wait for (the portal's expired answer rebuilt by the
    request holding its lease). The worker goes on answering meanwhile (a sync gunicorn worker would otherwise
    spend the rebuild before its next request). ``work`` commits its own writes; a failure is logged and rolled
    back (the lease then lapses and a later request tries again)."""
    @copy_current_request_context
    def run():
        try:
            work()
        except Exception:  # after the answer: nobody to answer, never a 500
            current_app.logger.exception("a write after the response failed (rolled back)")
            try:
                db.session.rollback()
            except UNAVAILABLE_ERRORS:
                pass
        finally:
            _RUNNING.discard(threading.current_thread())

    def start():
        thread = threading.Thread(target=run, name="after-response", daemon=True)
        _RUNNING.add(thread)
        thread.start()

    resp.call_on_close(start)
    return resp


def drain(timeout=60):
    """Wait until the after-response writes started so far have finished (at most ``timeout`` seconds each)."""
    for thread in list(_RUNNING):
        thread.join(timeout)


def commit_page_write(resp):
    """``after_request``: commit a page's write when its answer is a success or a redirect."""
    essential = g.pop(WRITES_ON_READ, None)
    if request.blueprint == "api" or (request.method in READS and essential is None):
        return resp
    if resp.status_code >= 400:
        db.session.rollback()
        return resp
    optional = request.method in READS and not essential
    try:
        db.session.commit()
    except UNAVAILABLE_ERRORS as error:
        if optional:
            return _answer_anyway(resp, error)
        return make_response(unavailable(error))  # it rolls back, if the connection still answers
    except (StaleDataError, sa_exc.IntegrityError, sa_exc.DataError) as error:
        if optional:
            return _answer_anyway(resp, error)
        db.session.rollback()
        current_app.logger.warning("page write refused at commit: %s", error)
        message = _l("Someone changed this object meanwhile. Reload it and try again.")
        return make_response(render_template("errors/error.html", status=409, message=message), 409)
    return resp


def _answer_anyway(resp, error):
    """A read's non-essential write could not be committed: roll it back, log it and give the answer."""
    current_app.logger.warning("a read's write could not be committed (the answer is still given): %s", error)
    try:
        db.session.rollback()
    except UNAVAILABLE_ERRORS:  # the connection is gone; the session is discarded at teardown
        pass
    return resp


#: ``connection.info`` key: this connection reads in autocommit until the first statement that needs a transaction
LAZY_BEGIN = "grants_lazy_begin"


def _lazy_begin(session, _transaction, connection):
    """``after_begin`` of a session: a read request's connection to PostgreSQL begins no transaction yet."""
    if (session.bind is not None or not getattr(connection.engine, "_grants_lazy_begin", False)
            or not has_request_context() or request.method not in ("GET", "HEAD")):
        return  # a session bound to one connection (a test's outer transaction), another engine, a write request
    dbapi = connection.connection.driver_connection
    if dbapi.autocommit or dbapi.info.transaction_status != 0:  # 0: IDLE (nothing sent yet)
        return
    dbapi.autocommit = True
    connection.info[LAZY_BEGIN] = True


def _begin_before_writing(conn, cursor, _statement, _parameters, context, _executemany):
    """``before_cursor_execute``: in a read's autocommit, anything but a plain SELECT begins the transaction."""
    if not conn.info.get(LAZY_BEGIN) or cursor.connection.info.transaction_status != 0:
        return
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    if isinstance(statement, (Select, CompoundSelect)) and getattr(statement, "_for_update_arg", None) is None:
        return
    cursor.execute("BEGIN")


def _back_to_transactions(dbapi_connection, record):
    """``checkin``: the connection goes back to the pool as it came (the pool rolled it back: it is idle)."""
    if record.info.pop(LAZY_BEGIN, None) and dbapi_connection is not None:
        try:
            dbapi_connection.autocommit = False
        except Exception:  # noqa: BLE001 - a broken connection: the pool discards it
            record.invalidate()


def reads_without_transaction(engine):
    """Install the lazy BEGIN of read requests on ``engine`` (PostgreSQL through psycopg only)."""
    if engine.dialect.name != "postgresql" or engine.driver != "psycopg" or getattr(engine, "_grants_lazy_begin", 0):
        return
    engine._grants_lazy_begin = True
    event.listen(engine, "before_cursor_execute", _begin_before_writing)
    event.listen(engine.pool, "checkin", _back_to_transactions)
    if not event.contains(Session, "after_begin", _lazy_begin):
        event.listen(Session, "after_begin", _lazy_begin)


def register(app):
    app.after_request(commit_page_write)
    if app.config.get("READS_WITHOUT_TRANSACTION", True):
        with app.app_context():
            reads_without_transaction(db.engine)
