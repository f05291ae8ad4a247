"""The audit trail cannot be rewritten (issue 13, part 5).

The hash covers every field a page shows (the actor's name included); the database itself refuses UPDATE
and DELETE on ``events`` (a trigger, on SQLite and on PostgreSQL, for schemas built by the migrations and
by create_all alike); and a head hash published earlier (portal, API, closeout report) catches a rewrite
that recomputed every later hash, which the plain chain check cannot."""
import hashlib
import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from grants import audit
from grants.audit.models import Event
from grants.audit.services import GENESIS, canonical, compute_hash
from grants.extensions import db
from tests.closeout_support import closing
from tests.funding_support import pdf_text

pytestmark = pytest.mark.committing


def _events(db):
    return db.session.execute(sa.select(Event).order_by(Event.id)).scalars().all()


def _chain(db, actor, n=4):
    for i in range(n):
        audit.record("expense", i + 1, "record", actor, data={"amount": f"{100 * (i + 1)}.00"})
    db.session.commit()
    return _events(db)


def _verify(app, *args):
    """``flask grants verify-audit ARGS`` in an app context of its own (as the command line has)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["grants", "verify-audit", *args])
        db.session.remove()
    return result


def _refused(db, statement, params=None):
    """Run ``statement`` in a transaction of its own and assert the database refuses it."""
    with pytest.raises(sa.exc.DBAPIError) as info:
        db.session.execute(sa.text(statement), params or {})
        db.session.flush()
    db.session.rollback()
    assert "append-only" in str(info.value)


def test_new_events_cover_the_actor_name(db, admin):
    ev = _chain(db, admin, 1)[0]
    assert ev.hash_version == 2
    before = compute_hash(ev)
    ev.actor_name = "Otra Persona"
    assert compute_hash(ev) != before
    db.session.rollback()


def test_changing_the_actor_name_breaks_the_chain(db, admin):
    events = _chain(db, admin)
    victim = events[-3]
    audit.allow_purge(db.session)  # an intruder with the database's owner rights, past the trigger
    db.session.execute(sa.text("UPDATE events SET actor_name = 'Alguien Inocente' WHERE id = :i"), {"i": victim.id})
    db.session.commit()
    assert audit.verify_chain() == (len(events) - 2, (victim.id, "content does not match its hash"))


@pytest.mark.parametrize("statement", [
    "UPDATE events SET data = '{\"amount\":\"1.00\"}' WHERE id = :i",
    "UPDATE events SET actor_name = 'Otra Persona' WHERE id = :i",
    "UPDATE events SET hash_version = 1 WHERE id = :i",
    "DELETE FROM events WHERE id = :i",
    "DELETE FROM events",
])
def test_the_database_refuses_to_change_or_delete_events(db, admin, statement):
    events = _chain(db, admin)
    before = [e.as_dict() for e in events]
    _refused(db, statement, {"i": events[-3].id} if ":i" in statement else None)
    db.session.expire_all()
    assert [e.as_dict() for e in _events(db)] == before
    assert audit.verify_chain() == (len(events), None)


def test_the_orm_cannot_change_an_event_either(db, admin):
    ev = _chain(db, admin, 2)[0]
    ev.comment = "retocado"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_events(db)[0])
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_truncate_is_refused_on_postgresql(db, admin):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    events = _chain(db, admin, 2)
    _refused(db, "TRUNCATE events")
    assert audit.verify_chain() == (len(events), None)


def test_the_purge_permission_ends_with_its_transaction(db, admin):
    events = _chain(db, admin, 3)
    audit.allow_purge(db.session)
    db.session.execute(sa.text("DELETE FROM events WHERE id = :i"), {"i": events[-1].id})
    db.session.commit()
    _refused(db, "DELETE FROM events WHERE id = :i", {"i": events[-2].id})
    audit.allow_purge(db.session)
    db.session.rollback()  # a permission given and rolled back is gone too
    _refused(db, "DELETE FROM events WHERE id = :i", {"i": events[-2].id})
    assert len(_events(db)) == len(events) - 1


def test_appends_still_work_next_to_the_trigger(db, admin):
    events = _chain(db, admin, 3)
    audit.record("expense", 9, "void", admin)
    db.session.commit()
    assert audit.verify_chain() == (len(events) + 1, None)


def _rewrite(db, victim_id, data):
    """What a careful intruder does: change one event and recompute every hash after it."""
    audit.allow_purge(db.session)
    events = _events(db)
    prev = GENESIS
    for ev in events:
        if ev.id == victim_id:
            ev.data = data
        ev.prev_hash = prev
        ev.hash = prev = compute_hash(ev)
        db.session.flush()
    db.session.commit()
    return prev


def test_a_full_recomputation_passes_the_plain_check_but_not_a_published_head(app, db, admin):
    events = _chain(db, admin, 5)
    published = audit.head()[0]
    assert published == events[-1].hash
    assert _verify(app, "--head", published).exit_code == 0
    audit.record("expense", 6, "record", admin, data={"amount": "600.00"})  # life goes on after publishing
    db.session.commit()
    ok = _verify(app, "--head", published)
    assert ok.exit_code == 0, ok.output
    n = len(events) + 1
    assert f"{n} events verified and 1 published head(s) found in it" in ok.output

    new_head = _rewrite(db, events[-4].id, json.dumps({"amount": "20000.00"}))
    assert audit.verify_chain() == (n, None)  # the plain check cannot see it
    assert audit.verify_chain(heads=[published]) == (n, (None, f"published head {published} is not in the chain"))
    caught = _verify(app, "--head", published)
    assert caught.exit_code == 1
    assert f"published head {published} is not in the chain" in caught.output
    assert _verify(app, "--head", new_head.upper()).exit_code == 0  # the current head is in, in any case


def test_a_rewritten_event_cannot_fall_back_to_the_old_hash(db, admin):
    """Version 1 (without the actor's name) exists for events written before version 2; after a version-2
    event, a version-1 one means someone rewrote it to hide a changed name."""
    events = _chain(db, admin, 3)
    audit.allow_purge(db.session)
    victim = events[-2]
    victim.actor_name, victim.hash_version = "Otra Persona", 1
    victim.hash = compute_hash(victim)
    db.session.flush()
    events[-1].prev_hash = victim.hash
    events[-1].hash = compute_hash(events[-1])
    db.session.commit()
    assert audit.verify_chain() == (len(events) - 1, (victim.id, "hash version is not valid here"))


def test_chains_written_before_version_2_still_verify(db):
    """Events of version 1 (as written before the upgrade: the migration gives them hash_version 1 and
    recomputes nothing) verify as they are; new events continue the same chain with version 2."""
    assert _events(db) == []
    prev = GENESIS
    start = datetime(2026, 3, 1, 12, 0, 0, 123456)
    for i in range(3):
        ev = Event(object_type="alliance", object_id=1, action="touch", actor_id=7, actor_name="Ana Admin",
                   created_at=start + timedelta(hours=i), data=canonical({"i": i}), prev_hash=prev, hash_version=1)
        payload = "|".join(str(x if x is not None else "") for x in (
            prev, "alliance", 1, "", "", "touch", "", "", 7, ev.created_at.isoformat(), ev.data, ""))
        ev.hash = prev = hashlib.sha256(payload.encode()).hexdigest()  # the formula of version 1, written out
        db.session.add(ev)
        db.session.flush()
    audit.record("alliance", 1, "touch", None)
    db.session.commit()
    events = _events(db)
    assert [e.hash_version for e in events] == [1, 1, 1, 2]
    assert audit.verify_chain(heads=[events[2].hash]) == (4, None)


def test_record_takes_a_time_for_backdated_history(db, admin):
    when = datetime(2025, 5, 4, 10, 30)
    ev = audit.record("alliance", 1, "create", admin, at=when)
    db.session.commit()
    assert ev.created_at == when
    assert audit.verify_chain()[1] is None


def test_the_portal_publishes_the_head(db, client, make_user):
    assert "audit-head-hash" not in client.get("/portal").get_data(as_text=True)  # nothing to publish yet
    assert client.get("/api/v1/portal").get_json()["audit_head"] is None
    events = _chain(db, make_user(roles=["admin"]), 2)
    html = client.get("/portal").get_data(as_text=True)
    assert f'<code class="hash" id="audit-head-hash">{events[-1].hash}</code>' in html
    assert "sella al anterior" in html
    body = client.get("/api/v1/portal").get_json()
    assert body["audit_head"] == {"hash": events[-1].hash, "at": events[-1].created_at.replace(microsecond=0).isoformat() + "Z"}


def test_the_closeout_report_publishes_the_head(db, login, alliance, officer, facilitator, board):
    a = closing(alliance, officer, facilitator, board)
    db.session.commit()
    head = audit.head()[0]
    text = pdf_text(login(officer).get(f"/alliances/{a.id}/documents/closeout").data)
    assert "Último sello del registro de auditoría" in text
    assert head in text.replace("\n", "").replace(" ", "")
