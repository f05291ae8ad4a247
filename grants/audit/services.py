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
#: the hash version new events get (see ``compute_hash``)
HASH_VERSION = 2
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
    """The SHA-256 of ``event`` as its ``hash_version`` says (the current one when it has none yet).

    Version 2 (every event written since 2026-12) covers every field a page shows: the previous hash, the
    object (type, id, alliance, association), the action, both states, the actor's id AND name, the time,
    the data and the comment, as a JSON array (no separator a field could contain can shift a value into
    its neighbour). Version 1, kept so that chains written before still verify unchanged, joined the same
    fields with "|" but left out the actor's name. ``verify_chain`` refuses a version-1 event after a
    version-2 one, so a rewritten event cannot fall back to the weaker hash."""
    version = getattr(event, "hash_version", None) or HASH_VERSION
    if version == 1:
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
    else:
        payload = json.dumps([
            version, event.prev_hash, event.object_type, event.object_id, event.alliance_id, event.association_id,
            event.action, event.from_state, event.to_state, event.actor_id, event.actor_name,
            event.created_at.isoformat(), event.data, event.comment,
        ], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(object_type, object_id, action, actor=None, *, from_state=None, to_state=None, data=None,
           comment=None, alliance_id=None, association_id=None, at=None):
    """Append one event to the chain in the current transaction and return it. ``at``: the event's time
    (naive UTC; default now), for data loaded after the fact such as the demo's backdated history.

    Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the database's
    write lock, which the chain head's ``SELECT ... FOR UPDATE`` takes (``BEGIN IMMEDIATE``, see
    grants/extensions.py) before the head is read. So two appends never read the same head, and an audited
    read (viewing members, an export) waits its turn instead of failing."""
    session = db.session
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    session.flush()  # the object's id must exist before the event names it
    head_query = sa.select(Event.hash).order_by(Event.id.desc()).limit(1)
    if dialect == "sqlite":
        head_query = head_query.with_for_update()
    last = session.execute(head_query).scalar()
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
        created_at=at or _CLOCK.get() or utcnow(),
        data=canonical(data),
        comment=comment,
        prev_hash=last or GENESIS,
        hash_version=HASH_VERSION,
    )
    ev.hash = compute_hash(ev)
    session.add(ev)
    session.flush()
    return ev


def verify_chain(batch=5000, heads=()):
    """Check every event in order. Returns ``(count, None)`` or ``(count, (event_id, reason))``
    naming the first broken link.

    ``heads``: hashes published earlier (on the portal, in a closeout report). Each must be the hash of an
    event of the verified chain; one that is not proves the trail was rewritten after it was published,
    even if every hash was recomputed. It is reported as ``(None, reason)``."""
    wanted = {h.strip().lower() for h in heads if h and h.strip()}
    prev = GENESIS
    count = 0
    last_id = 0
    version = 1
    while True:
        rows = db.session.execute(
            sa.select(Event).where(Event.id > last_id).order_by(Event.id).limit(batch)
        ).scalars().all()
        if not rows:
            missing = sorted(wanted)
            if missing:
                return count, (None, f"published head {missing[0]} is not in the chain")
            return count, None
        for ev in rows:
            count += 1
            if ev.prev_hash != prev:
                return count, (ev.id, "prev_hash does not match the previous event")
            if ev.hash_version not in (1, HASH_VERSION) or ev.hash_version < version:
                return count, (ev.id, "hash version is not valid here")
            if compute_hash(ev) != ev.hash:
                return count, (ev.id, "content does not match its hash")
            version = ev.hash_version
            wanted.discard(ev.hash)
            prev = ev.hash
            last_id = ev.id
        db.session.expunge_all()


def head():
    """The chain's head to publish: ``(hash, created_at)`` of the latest event, or None when empty."""
    row = db.session.execute(sa.select(Event.hash, Event.created_at).order_by(Event.id.desc()).limit(1)).first()
    return (row.hash, row.created_at) if row else None


def allow_purge(target=None):
    """Let the current transaction of ``target`` (a Session or a Connection; default ``db.session``) delete
    or update events, which the database otherwise refuses. Only for emptying the whole database (the test
    suite's cleanup) and for loading a backup into it (restore); never for the application's own work. The
    permission ends with the transaction (``SET LOCAL`` on PostgreSQL, a per-connection flag reset at
    commit, rollback and check-in on SQLite)."""
    target = db.session if target is None else target
    conn = target.connection() if hasattr(target, "connection") and callable(target.connection) else target
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL grants.allow_audit_purge = 'on'")
    elif conn.dialect.name == "sqlite":
        permit = conn.connection.info.get("grants_audit_purge")
        if permit is not None:
            permit[0] = True
