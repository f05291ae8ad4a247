"""Audited reads and writes at once (issue 13, part 6): under gunicorn with two worker processes on SQLite (and
in-process threads on PostgreSQL), reads that write an audit event (viewing members, exporting a call's
intentions) and writes that append theirs all answer, none with 409 (two appends reading the same chain
head) or 500, every one of them leaves its event, and the chain verifies."""
import time

import pytest
import sqlalchemy as sa

from grants import audit
from grants.audit.models import Event
from tests.multiprocess import gunicorn_sqlite, race, race_api  # noqa: F401

pytestmark = pytest.mark.committing


def _count(db, action):
    return db.session.execute(sa.select(sa.func.count()).select_from(Event).where(Event.action == action)).scalar()


def test_audited_reads_and_writes_at_once_all_answer_and_all_are_recorded(db, association, board, officer, admin,
                                                                          call, race_api):
    clients = {"board": race_api(board), "officer": race_api(officer), "admin": race_api(admin)}
    members = f"/associations/{association.id}/members"
    calls = ([(clients[who], "GET", members, None) for who in ("board", "officer", "admin") * 4]
             + [(clients[who], "GET", f"/calls/{call.id}/intentions.csv", None) for who in ("admin",) * 6]
             + [(clients["board"], "POST", members, {"full_name": f"Socia Nueva {i}", "national_id": f"99000{i}",
                                                     "sex": "F"}) for i in range(6)])
    before = {a: _count(db, a) for a in ("view_members", "export_intentions", "add_member")}
    results = race(calls)
    statuses = [r.status_code for r in results]
    assert statuses == [200] * 18 + [201] * 6, [(s, r.get_json() if s >= 400 else None)
                                                for s, r in zip(statuses, results)]
    db.session.expire_all()
    assert _count(db, "view_members") == before["view_members"] + 12
    assert _count(db, "export_intentions") == before["export_intentions"] + 6
    assert _count(db, "add_member") == before["add_member"] + 6
    count, broken = audit.verify_chain()
    assert broken is None and count == db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar()


def test_on_sqlite_readers_do_not_wait_for_a_writer_and_writers_take_the_lock_first(db, client, admin):
    """Reads run in autocommit (the write-ahead log serves them while another connection writes); the first
    write or ``SELECT ... FOR UPDATE`` of a transaction takes the write lock before anything else."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking only")
    holder = db.engine.connect()
    try:
        holder.exec_driver_sql("BEGIN IMMEDIATE")  # another worker in the middle of a write
        started = time.monotonic()
        assert client.get("/portal").status_code == 200
        assert time.monotonic() - started < 10  # not the 30 s busy timeout
    finally:
        holder.rollback()
        holder.close()
    with db.engine.connect() as conn:
        conn.execute(sa.select(Event.id).with_for_update().limit(1)).all()
        assert conn.connection.dbapi_connection.in_transaction  # BEGIN IMMEDIATE ran before the read
        conn.rollback()
        conn.execute(sa.select(Event.id).limit(1)).all()
        assert not conn.connection.dbapi_connection.in_transaction  # a plain read takes no lock
        conn.rollback()
