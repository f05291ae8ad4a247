"""The portal's stored answer (issue 12): computed once, then one primary-key read for every worker and
host on the same database, with its ETag; a workflow transition forgets it in the same transaction."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

import config
from grants import create_app
from grants.common import utcnow
from grants.reports.stored import StoredAnswer
from grants.web import edge
from grants.workflows import ALLIANCE
from tests.reports_support import world  # noqa: F401
from tests.statements import statements

pytestmark = pytest.mark.committing

PAGES = ("/portal", "/portal?region=La+Paz", "/api/v1/portal", "/api/v1/portal?per_page=10")


@pytest.fixture
def stored_on(app):
    app.config["PORTAL_CACHE_SECONDS"] = 300
    yield
    app.config["PORTAL_CACHE_SECONDS"] = 0


def _statements(db, client, path, **kw):
    with statements(db.engine) as seen:
        resp = client.get(path, **kw)
    return resp, len(seen)


@pytest.mark.parametrize("path", PAGES)
def test_a_hit_is_one_read_with_the_same_etag(db, world, client, stored_on, path):
    first, built = _statements(db, client, path)
    again, hit = _statements(db, client, path)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert hit == 1 < built, (built, hit)
    assert "public" in again.headers["Cache-Control"]
    not_modified, _n = _statements(db, client, path, headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not not_modified.data


def test_the_stored_answer_is_shared_by_another_app_on_the_same_database(db, app, world, client, stored_on):
    """No in-process cache: a second application (another worker or host) serves what the first stored."""
    first = client.get("/portal")

    class Other(config.TestConfig):
        DATABASE_URL = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_FOLDER = app.config["UPLOAD_FOLDER"]
        PORTAL_CACHE_SECONDS = 300

    other = create_app(Other)
    try:
        from grants.extensions import db as other_db

        with other.app_context():
            resp, sent = _statements(other_db, other.test_client(), "/portal")
    finally:
        with other.app_context():
            other_db.engine.dispose()
    assert resp.status_code == 200 and resp.headers["ETag"] == first.headers["ETag"] and sent == 1


def test_a_transition_forgets_the_stored_portal(db, world, client, admin, stored_on):
    a1 = world["a1"]
    before = client.get("/api/v1/portal").get_json()
    assert {i["code"]: i["state"] for i in before["items"]}[a1.code] == "in_execution"
    assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 1
    ALLIANCE.apply(a1, "suspend", admin, data={"reason": "Supervision pending"})
    db.session.commit()
    assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 0
    after = client.get("/api/v1/portal").get_json()
    assert {i["code"]: i["state"] for i in after["items"]}[a1.code] == "suspended"


def test_pages_far_past_the_end_are_not_stored(db, world, client, stored_on):
    assert client.get("/portal?page=999").status_code == 200
    assert client.get("/portal?page=2").status_code == 200
    keys = db.session.execute(sa.select(StoredAnswer.key)).scalars().all()
    assert len(keys) == 1 and ":2:" in keys[0]


def test_off_by_default_in_tests_and_nothing_stored(db, world, client):
    assert client.get("/portal").status_code == 200
    assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 0


def _expire(db, key=None):
    q = sa.update(StoredAnswer).values(expires_at=StoredAnswer.created_at)
    db.session.execute(q if key is None else q.where(StoredAnswer.key == key))
    db.session.commit()


def test_an_expired_answer_is_rebuilt_by_one_request_while_the_others_serve_it(db, app, world, client, stored_on):
    """No stampede: the first request to see an expired answer takes a lease and rebuilds it; a request that
    comes meanwhile (its build is held here by a lock on the alliances) is served the expired answer at once,
    in two statements, instead of rebuilding it too."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("holds the builder with PostgreSQL's LOCK TABLE (SQLite locks the whole file)")
    first = client.get("/portal")
    _expire(db)
    blocker = db.engine.connect()
    tx = blocker.begin()
    blocker.execute(sa.text("LOCK TABLE alliances IN ACCESS EXCLUSIVE MODE"))
    builder = {}

    def build():
        builder["resp"] = app.test_client().get("/portal")
        builder["resp"].close()  # as the WSGI server does after sending it: the rebuild starts then

    thread = threading.Thread(target=build)
    thread.start()
    try:
        for _ in range(100):  # until the builder holds the lease (committed before its build)
            lease = db.session.execute(sa.select(StoredAnswer.expires_at)).scalar()
            db.session.rollback()
            if lease > utcnow():
                break
            threading.Event().wait(0.05)
        waiting = {}

        def meanwhile():
            with app.app_context():
                waiting["resp"], waiting["n"] = _statements(db, app.test_client(), "/portal")

        other = threading.Thread(target=meanwhile)
        other.start()
        other.join(20)
        assert not other.is_alive(), "the second request waited for the rebuild (or rebuilt it too)"
        assert waiting["resp"].status_code == 200 and waiting["resp"].headers["ETag"] == first.headers["ETag"]
        assert waiting["n"] <= 2, waiting["n"]
    finally:
        tx.rollback()
        blocker.close()
        thread.join(60)
        edge.drain()  # the builder's rebuild, in its after-response thread
    assert builder["resp"].status_code == 200
    assert db.session.execute(sa.select(StoredAnswer.expires_at)).scalar() > utcnow() + timedelta(seconds=200)


@pytest.mark.parametrize("path", ("/portal", "/api/v1/portal"))
def test_the_request_holding_the_lease_is_answered_before_the_rebuild(db, app, world, stored_on, path):
    """No request pays the rebuild in its response time: the one that takes the lease of an expired answer
    is served that answer at once (a read and the lease), and rebuilds it after its response was sent."""
    client = app.test_client()
    fresh = client.get(path)
    db.session.execute(sa.update(StoredAnswer).values(body=b"the expired answer", etag="expired",
                                                      expires_at=StoredAnswer.created_at))
    db.session.commit()
    with statements(db.engine) as seen:
        resp = client.get(path)
        served = resp.get_data()
    assert resp.status_code == 200 and served == b"the expired answer" and len(seen) <= 2, (served[:80], len(seen))
    lease = db.session.execute(sa.select(StoredAnswer.expires_at)).scalar()
    db.session.rollback()
    assert utcnow() < lease <= utcnow() + timedelta(seconds=61)  # held while the answer went out
    resp.close()  # the WSGI server closes the response once sent: the rebuild starts then, in a thread
    edge.drain()
    body, expires_at = db.session.execute(sa.select(StoredAnswer.body, StoredAnswer.expires_at)).one()
    assert body == fresh.get_data() and expires_at > utcnow() + timedelta(seconds=200)


def test_a_change_during_a_rebuild_is_not_overwritten_by_the_answer_built_before_it(db, app, world, stored_on):
    """The lease is the rebuild's ticket: when a transition forgets the answer while it is being rebuilt, the
    rebuilt answer (counted before the change) is not stored."""
    from grants.reports import stored

    app.test_client().get("/portal")
    _expire(db)
    key, expired = db.session.execute(sa.select(StoredAnswer.key, StoredAnswer.expires_at)).one()
    with app.test_request_context():
        lease = stored.claim(key, expired)
        assert lease is not None and stored.claim(key, expired) is None  # one request only takes it
        db.session.commit()
        stored.forget()  # a transition, in its own transaction
        db.session.commit()
        stored.keep(key, b"built before the change", "text/html", lease)
        db.session.commit()
    assert db.session.execute(sa.select(sa.func.count()).select_from(StoredAnswer)).scalar() == 0
