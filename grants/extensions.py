"""Flask extensions, created unbound; ``create_app`` binds them."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
import sqlite3

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
#: throttling; storage, switch and limits from the config (see ``accounts.throttling``)
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: write-ahead log, so that readers never block the writer (the embedded database serves
    several threads), and a busy wait instead of an immediate "database is locked". Transactions are begun
    by ``_sqlite_begin_immediate``, not by the driver; ``grants_audit_purge_allowed()`` serves the audit
    trail's triggers."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # we begin transactions ourselves (BEGIN IMMEDIATE at the first write, see _sqlite_begin_immediate)
        dbapi_connection.isolation_level = None
        # the audit trail's triggers refuse UPDATE and DELETE on events unless this connection's transaction
        # was allowed to purge (grants.audit.allow_purge: the test cleanup and the restore of a backup)
        permit = [False]
        connection_record.info["grants_audit_purge"] = permit
        dbapi_connection.create_function("grants_audit_purge_allowed", 0, lambda: 1 if permit[0] else 0)


#: statements that write: the first of them in a transaction takes SQLite's write lock (BEGIN IMMEDIATE)
_SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_immediate(_conn, cursor, statement, _parameters, context, _executemany):
    """SQLite under several processes: a transaction reads in autocommit until its first write or its first
    ``SELECT ... FOR UPDATE`` (which SQLite cannot express), and there takes the database's write lock with
    ``BEGIN IMMEDIATE``, waiting for the busy timeout. Everything the transaction reads after that point is
    the latest committed state and no other writer can change it before the commit: the row locks the
    services take on PostgreSQL (line, grant cash, fund, tranche) hold on SQLite too, and two audit appends
    can never read the same chain head. A deferred transaction that read first and wrote later would instead
    fail ("database is locked") or have checked stale figures."""
    dbapi = getattr(cursor, "connection", None)
    if not isinstance(dbapi, sqlite3.Connection) or dbapi.in_transaction:
        return
    compiled = getattr(context, "compiled", None)
    locks = getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None
    if locks or statement.lstrip()[:9].upper().startswith(_SQLITE_WRITES):
        cursor.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_end_purge(conn):
    """An audit purge permit lasts until the end of its transaction (as ``SET LOCAL`` on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        _sqlite_purge_off(None, conn.connection)


@event.listens_for(Pool, "checkin")
def _sqlite_purge_off(_dbapi_connection, record):
    permit = record.info.get("grants_audit_purge") if record is not None else None
    if permit:
        permit[0] = False
