"""Fixtures: the app on SQLite (default) or PostgreSQL (GRANTS_TEST_DATABASE_URL), a clean database
for every test, personas, factories, an API client and a logged-in web client."""
import hashlib
import os
import shutil
import tempfile
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession

import config
from grants import create_app
from grants.extensions import db as _db

# the tests empty their database: never let GRANTS_DATABASE_URL (a developer's real one) reach them
for _name in [n for n in os.environ if n.startswith("GRANTS_") and not n.startswith(("GRANTS_TEST_", "GRANTS_REQUIRE_"))
              and n != "GRANTS_CHROMIUM"]:
    os.environ.pop(_name)

IN_CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("GRANTS_TEST_DATABASE_URL")
PASSWORD = "clave-segura-123"

pytest_plugins = ["tests.factories", "tests.browser"]


def pytest_report_header(config):
    return (f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary file)'}"
            + (f"; share {SHARD} of the tests (GRANTS_TEST_SHARD)" if SHARD else ""))


#: GRANTS_TEST_SHARD=K/N: run only the K-th of N shares of the selected tests (scripts/test.sh runs each database's
#: tests as N processes side by side, so that both cores stay busy until the end). The tests are dealt out one by
#: one in collection order, each to the share with the least weight so far (a browser test weighs BROWSER_WEIGHT:
#: it takes seconds where most tests take a fraction of one), so a file's slow and fast tests spread over the
#: shares; a module with a module-, package- or class-scoped fixture (a world built once for it, like
#: tests/access) goes whole to one share, so that it is built once, and weighs WORLD_WEIGHT more (the world's
#: building: tests/access's takes as long as some fifty ordinary tests).
SHARD = os.environ.get("GRANTS_TEST_SHARD", "")
_WIDE_SCOPES = {"module", "package", "class"}
BROWSER_WEIGHT = 15
WORLD_WEIGHT = 50
_BROWSER_FIXTURES = {"phone", "chromium", "live_server"}


def _shard():
    try:
        k, n = (int(x) for x in SHARD.split("/"))
    except ValueError:
        raise pytest.UsageError(f"GRANTS_TEST_SHARD must be K/N (like 1/2), not {SHARD!r}") from None
    if not 1 <= k <= n:
        raise pytest.UsageError(f"GRANTS_TEST_SHARD={SHARD}: K must be between 1 and N")
    return k, n


def _shard_units(items):
    """The items in runs that go to one share together: one test, or a whole module with a wide fixture."""
    wide = set()
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(str(getattr(d, "scope", "function")) in _WIDE_SCOPES for fds in defs for d in fds):
            wide.add(item.module.__name__ if getattr(item, "module", None) else item.nodeid)
    units, by_module = [], {}
    for item in items:
        module = item.module.__name__ if getattr(item, "module", None) else None
        if module in wide:
            if module not in by_module:
                by_module[module] = []
                units.append(by_module[module])
            by_module[module].append(item)
        else:
            units.append([item])
    return units


def _weight(item):
    browser = item.get_closest_marker("browser") is not None or bool(
        _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))
    return BROWSER_WEIGHT if browser else 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if not SHARD or DEAL:
        return
    k, n = _shard()
    loads, keep, drop = [0] * n, [], []
    for unit in _shard_units(items):
        share = min(range(n), key=lambda i: (loads[i], i))
        loads[share] += sum(_weight(item) for item in unit) + (WORLD_WEIGHT if len(unit) > 1 else 0)
        (keep if share == k - 1 else drop).extend(unit)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


#: GRANTS_TEST_DEAL=FOLDER (scripts/test.sh, with GRANTS_TEST_SHARD for the header): the processes of one database
#: all collect every test and deal the runs out as they go: each, when it needs more work, claims the next unit
#: no process has claimed yet (a file created with O_EXCL in FOLDER, named after the unit's first test), so a
#: process that drew slow tests simply claims fewer and the shares end together, whatever the weights guessed.
#: The units are those of the static dealing (a module with a wide fixture stays whole, in one process); those
#: are claimed first, so that the longest unit never starts last.
DEAL = os.environ.get("GRANTS_TEST_DEAL", "")


def _claim(folder, unit):
    """True when this process is the first to claim ``unit`` (a list of items) in ``folder``."""
    name = hashlib.sha1(unit[0].nodeid.encode("utf-8")).hexdigest()
    try:
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    return True


def _claimed(folder, items):
    """The units of ``items`` this process claims, in turn (lazily: one is claimed when the previous is done)."""
    units = _shard_units(items)
    for unit in sorted(units, key=lambda u: len(u) == 1):  # the whole modules first (sorted keeps the order)
        if _claim(folder, unit):
            yield unit


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """With GRANTS_TEST_DEAL: pytest's own loop over the units this process claims (see DEAL)."""
    if not DEAL or session.config.option.collectonly:
        return None
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        return None  # pytest's loop reports the collection errors
    os.makedirs(DEAL, exist_ok=True)
    units = _claimed(DEAL, session.items)
    unit = next(units, None)
    while unit is not None:
        following = None
        for i, item in enumerate(unit):
            if i + 1 < len(unit):
                nextitem = unit[i + 1]
            else:  # the next unit is claimed before the last test runs: its teardown needs to know what follows
                following = next(units, None)
                nextitem = following[0] if following else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if session.shouldfail:
                raise session.Failed(session.shouldfail)
            if session.shouldstop:
                raise session.Interrupted(session.shouldstop)
        unit = following
    return True


def pytest_sessionstart(session):
    if os.environ.get("GRANTS_REQUIRE_POSTGRES") == "1" and not PG_URL:
        pytest.exit("GRANTS_REQUIRE_POSTGRES=1 but GRANTS_TEST_DATABASE_URL is not set", returncode=3)


def _sqlite_folder():
    """Where the SQLite test database goes: a folder of its own in /dev/shm when that is a roomy tmpfs (a
    commit of a committing test syncs the WAL: about 5 ms on a disk, nothing in memory), else None (the
    session's temporary folder). GRANTS_TEST_SQLITE_ON_DISK=1 keeps it on the disk."""
    if os.environ.get("GRANTS_TEST_SQLITE_ON_DISK") == "1":
        return None
    try:
        st = os.statvfs("/dev/shm")
        if st.f_bavail * st.f_frsize >= 512 * 2**20 and os.access("/dev/shm", os.W_OK):
            return tempfile.mkdtemp(prefix="grants-test-db-", dir="/dev/shm")
    except OSError:
        pass
    return None


@pytest.fixture(scope="session")
def app():
    tmp = tempfile.mkdtemp(prefix="grants-test-")
    in_memory = None if PG_URL else _sqlite_folder()

    class Cfg(config.TestConfig):
        DATABASE_URL = PG_URL or f"sqlite:///{os.path.join(in_memory or tmp, 'test.db')}"
        UPLOAD_FOLDER = os.path.join(tmp, "uploads")

    application = create_app(Cfg)
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if in_memory:
        shutil.rmtree(in_memory, ignore_errors=True)


_SEQUENCES = []


def _truncate():
    """Empty every table. On PostgreSQL, DELETE and restarting the sequences in two round trips is about
    four times faster than TRUNCATE (which makes new files for each table) on these small tables."""
    from grants.audit import allow_purge

    tables = list(reversed(_db.metadata.sorted_tables))
    allow_purge(_db.session)  # the events table refuses DELETE otherwise (append-only)
    if _db.session.get_bind().dialect.name == "postgresql":
        if not _SEQUENCES:
            _SEQUENCES.extend(_db.session.execute(sa.text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
                "WHERE schemaname = current_schema()")).scalars())
        _db.session.execute(sa.text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
        if _SEQUENCES:
            _db.session.execute(sa.text("SELECT " + ", ".join(f"setval('{s}', 1, false)" for s in _SEQUENCES)))
    else:
        for t in tables:
            _db.session.execute(t.delete())
    _db.session.commit()


class _JoinedSession(FlaskSession):
    """The app's session inside a test's outer transaction: every query of the test app goes through the
    test's one connection (Flask-SQLAlchemy's own ``get_bind`` would pick the engine); another app made by
    a test (its own engine and database) keeps its own."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_app_context() and current_app._get_current_object() is self.bind_app:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


#: fixtures whose tests need real commits, seen by other connections (a server in another thread or process)
COMMITTING_FIXTURES = {"live_server", "phone", "chromium", "race_api", "gunicorn_sqlite"}
#: GRANTS_TEST_TRUNCATE=1: every test commits and the tables are emptied after it (the old way; to compare)
ALWAYS_TRUNCATE = os.environ.get("GRANTS_TEST_TRUNCATE") == "1"


def _commits(request):
    node = request.node
    return (ALWAYS_TRUNCATE or node.get_closest_marker("committing") is not None
            or node.get_closest_marker("browser") is not None or bool(COMMITTING_FIXTURES & set(request.fixturenames)))


@pytest.fixture(autouse=True)
def db(app, request):
    """A clean database for every test, inside an app context.

    Most tests run inside one outer transaction, rolled back at the end: the app's session joins it with
    ``join_transaction_mode="create_savepoint"``, so that its commits (at the request edge, in services'
    callers) release savepoints and its rollbacks go back to them. Ids are not reset (PostgreSQL's sequences
    are not transactional): a test never relies on an id's value. Tests that need real commits seen by other
    connections (``@pytest.mark.committing``, browser tests, a live server, gunicorn, threads with their own
    sessions, other apps on the same database) commit and have every table emptied after them."""
    if _commits(request):
        with app.app_context():
            yield _db
            _db.session.rollback()
            _truncate()
            _db.session.remove()
        return
    with app.app_context():
        _db.session.remove()
        connection = _db.engine.connect()
        outer = connection.begin()
        app_session = _db.session
        _db.session = _db._make_scoped_session({
            "class_": _JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
        _db.session.session_factory.class_.bind_app = app
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = app_session
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


class WebClient:
    """A test client that signs in through the login form."""

    def __init__(self, app, user):
        self.client = app.test_client()
        self.user = user
        resp = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def login(app):
    def make(user):
        return WebClient(app, user)

    return make


class ApiClient:
    """Calls ``/api/v1`` with a bearer token of ``user`` (or none)."""

    def __init__(self, app, user=None):
        from grants.accounts.services import issue_token

        self.client = app.test_client()
        self.headers = {}
        if user is not None:
            token, _row = issue_token(user)
            _db.session.commit()
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method, path, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        return getattr(self.client, method)("/api/v1" + path, headers=headers, **kw)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, **kw):
        return self._call("post", path, **kw)

    def patch(self, path, **kw):
        return self._call("patch", path, **kw)

    def put(self, path, **kw):
        return self._call("put", path, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


@pytest.fixture
def api(app):
    def make(user=None):
        return ApiClient(app, user)

    return make


def money(s):
    return Decimal(s)


ONE_DAY = timedelta(days=1)
