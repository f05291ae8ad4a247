import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from grants import audit
from grants.audit.models import Event
from grants.audit.services import GENESIS, compute_hash


def _events(db):
    return db.session.execute(sa.select(Event).order_by(Event.id)).scalars().all()


def test_chain_links_every_event_to_the_previous_one(db, admin):
    for i in range(3):
        audit.record("thing", i, "touch", admin, data={"n": i})
    db.session.commit()
    events = _events(db)
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash
    for ev in events:
        assert compute_hash(ev) == ev.hash
    assert audit.verify_chain() == (len(events), None)


def test_verify_names_the_first_tampered_event(db, admin):
    for i in range(4):
        audit.record("thing", i, "touch", admin, data={"amount": "100.00"})
    db.session.commit()
    target = _events(db)[-2]
    audit.allow_purge(db.session)  # an intruder who disables the guard (tests/audit/test_audit_tamper.py: it holds)
    db.session.execute(sa.update(Event).where(Event.id == target.id).values(data='{"amount":"999.00"}'))
    db.session.commit()
    count, broken = audit.verify_chain()
    assert broken == (target.id, "content does not match its hash")


def test_verify_detects_a_deleted_event(db, admin):
    for i in range(4):
        audit.record("thing", i, "touch", admin)
    db.session.commit()
    events = _events(db)
    audit.allow_purge(db.session)
    db.session.execute(sa.delete(Event).where(Event.id == events[1].id))
    db.session.commit()
    _count, broken = audit.verify_chain()
    assert broken == (events[2].id, "prev_hash does not match the previous event")


def test_the_chain_cannot_fork(db, admin):
    first = audit.record("thing", 1, "touch", admin)
    db.session.commit()
    twin = Event(object_type="thing", object_id=2, action="touch", data="{}", prev_hash=first.prev_hash,
                 hash="f" * 64, created_at=first.created_at)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_events_carry_actor_and_context(db, admin, alliance):
    ev = _events(db)[-1]
    assert ev.action == "create" and ev.alliance_id == alliance.id
    assert ev.association_id == alliance.association_id
    assert ev.actor_name and ev.to_state == "draft"
    assert ev.data_dict()["code"] == alliance.code


def test_auditors_see_personal_data_masked_in_the_trail(db, login, admin, auditor, association):
    from grants.associations import services

    services.add_member(association, {"full_name": "Juana Mamani Quispe", "national_id": "7788991",
                                      "sex": "F"}, admin)
    db.session.commit()
    html = login(auditor).get("/audit?object_type=member").get_data(as_text=True)
    assert 'class="sentence"' in html and "7788991" not in html and "Juana Mamani" not in html
    html = login(auditor).get("/audit?object_type=member&raw=1").get_data(as_text=True)  # the raw data too
    assert "add_member" in html and "7788991" not in html and "Juana Mamani" not in html
    html = login(admin).get("/audit?object_type=member").get_data(as_text=True)
    assert "7788991" in html
