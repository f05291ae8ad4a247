"""Writing and verifying the audit trail. ``record`` never commits: the event joins the change."""
import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from ..common import utcnow
from ..extensions import db
from .models import Event

GENESIS = "0" * 64
_LOCK_KEY = 724_771  # pg_advisory_xact_lock key that serialises appends on PostgreSQL
#: the time ``record`` gives events while ``audit_clock`` is set (None: now)
_CLOCK = ContextVar("audit_clock", default=None)


@contextmanager
def audit_clock(at):
    """Date the events recorded inside the block ``at`` (a naive UTC datetime) instead of now: the demo
    writes its story in time order with the days it happened. Never used by requests."""
    token = _CLOCK.set(at)
    try:
        yield at
    finally:
        _CLOCK.reset(token)


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return sorted(value) if isinstance(value, set) else list(value)
    return str(value)


def canonical(data):
    return json.dumps(data or {}, default=_default, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(event):
    payload = "|".join(
        str(x if x is not None else "")
        for x in (
            event.prev_hash,
            event.object_type,
            event.object_id,
            event.alliance_id,
            event.association_id,
            event.action,
            event.from_state,
            event.to_state,
            event.actor_id,
            event.created_at.isoformat(),
            event.data,
            event.comment,
        )
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(object_type, object_id, action, actor=None, *, from_state=None, to_state=None, data=None,
           comment=None, alliance_id=None, association_id=None):
    """Append one event to the chain in the current transaction and return it."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    session.flush()  # the object's id must exist before the event names it
    last = session.execute(sa.select(Event.hash).order_by(Event.id.desc()).limit(1)).scalar()
    ev = Event(
        object_type=object_type,
        object_id=object_id,
        alliance_id=alliance_id,
        association_id=association_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "name", None),
        created_at=_CLOCK.get() or utcnow(),
        data=canonical(data),
        comment=comment,
        prev_hash=last or GENESIS,
    )
    ev.hash = compute_hash(ev)
    session.add(ev)
    session.flush()
    return ev


def verify_chain(batch=5000):
    """Check every event in order. Returns ``(count, None)`` or ``(count, (event_id, reason))``
    naming the first broken link."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(Event).where(Event.id > last_id).order_by(Event.id).limit(batch)
        ).scalars().all()
        if not rows:
            return count, None
        for ev in rows:
            count += 1
            if ev.prev_hash != prev:
                return count, (ev.id, "prev_hash does not match the previous event")
            if compute_hash(ev) != ev.hash:
                return count, (ev.id, "content does not match its hash")
            prev = ev.hash
            last_id = ev.id
        db.session.expunge_all()
