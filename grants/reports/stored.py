"""Stored answers: a public page computed once and served to every worker and host from the database.

The portal is the same for everyone, so its HTML and JSON are kept in ``stored_answers`` (body, ETag, time)
for ``PORTAL_CACHE_SECONDS``: a hit costs one primary-key read, whatever the size of the program, and the
cache is shared by every gunicorn worker and every app host on the same database (no in-process state).
A workflow transition of an alliance or a tranche (funding, disbursement, closing...) forgets the stored
portal in the same transaction, so a change is public at once; other changes show within the TTL.

No stampede: when an answer expires, the first request to see it takes a lease on it (one conditional
UPDATE, committed) and rebuilds it; every other request, on every worker and host, keeps serving the
expired answer until the new one is stored. With ``defer`` (the pages and the API), the request holding the
lease is served the expired answer too and rebuilds it after its response was sent (``web.edge.after_response``):
no request waits for a rebuild of an answer that expired. An answer forgotten by a change is deleted (nobody is served
what the change made untrue); the next requests build it again."""
import hashlib
from collections import namedtuple
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..closeout import followups
from ..common import utcnow
from ..extensions import db
from ..grievances.services import grievance_changed
from ..workflows.engine import transition_applied

#: the portal's keys start with this; a transition forgets them all
PORTAL = "portal:"
#: transitions of these workflows change what the portal publishes
PORTAL_WORKFLOWS = ("alliance", "tranche")


class StoredAnswer(db.Model):
    """A computed public answer (HTML or JSON) kept for every worker until ``expires_at``."""

    __tablename__ = "stored_answers"

    #: what was asked: kind, language and the parsed filters (never the raw query string)
    key = sa.Column(sa.String(255), primary_key=True)
    etag = sa.Column(sa.String(64), nullable=False)
    content_type = sa.Column(sa.String(100), nullable=False)
    body = sa.Column(sa.LargeBinary, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
    expires_at = sa.Column(sa.DateTime, nullable=False, index=True)


#: what a caller gets: plain values, still readable after the commit expires the row
Answer = namedtuple("Answer", "key etag content_type body created_at")


def ttl():
    return int(current_app.config.get("PORTAL_CACHE_SECONDS") or 0)


#: how long one request may take to rebuild an expired answer before another may try (the others serve the
#: previous answer meanwhile)
LEASE_SECONDS = 60
#: expired answers are kept this long for the next rebuild to serve meanwhile, then deleted
KEEP_EXPIRED = timedelta(days=1)


def lookup(key):
    """The stored answer of ``key`` as ``(Answer, expires_at)``, fresh or expired, or ``None`` (1 statement).

    Read on a connection of its own in autocommit (the session's is not opened): a hit costs the pool's
    check-out and this one statement, without the session's BEGIN and ROLLBACK round trips. When the session
    is bound to one connection (a test's outer transaction), read through it."""
    t = StoredAnswer.__table__
    q = sa.select(t.c.key, t.c.etag, t.c.content_type, t.c.body, t.c.created_at, t.c.expires_at).where(
        t.c.key == key)
    bind = db.session.get_bind()
    if isinstance(bind, sa.engine.Engine) and not db.session().in_transaction():
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(q).first()
    else:
        row = db.session.execute(q).first()
    return None if row is None else (Answer(*row[:5]), row.expires_at)


def claim(key, expired_at):
    """Take the rebuild of the expired answer ``key`` (its ``expires_at`` was ``expired_at``): one conditional
    UPDATE moves ``expires_at`` to a lease, so that every other request keeps serving the expired answer while
    this one rebuilds it. Returns the lease (pass it to ``keep``), or ``None`` when another request took it
    first. The caller commits at once (the lease must be seen by the others before the build)."""
    lease = utcnow() + timedelta(seconds=LEASE_SECONDS)
    t = StoredAnswer.__table__
    done = db.session.execute(sa.update(t).where(t.c.key == key, t.c.expires_at == expired_at)
                              .values(expires_at=lease))
    return lease if done.rowcount == 1 else None


def keep(key, body, content_type, lease=None):
    """Store ``body`` as the answer of ``key`` for ``PORTAL_CACHE_SECONDS``; returns the ``Answer``. With a
    ``lease`` (from ``claim``), the row is rewritten only while it still holds that lease: a change that
    forgot the answer meanwhile (``forget`` deletes it) is not overwritten by an answer built before it.
    Without one (no row was there), inserted unless another request stored it first. The caller commits."""
    now = utcnow()
    found = Answer(key, hashlib.sha256(body).hexdigest()[:32], content_type, body, now)
    values = {"etag": found.etag, "content_type": content_type, "body": body, "created_at": now,
              "expires_at": now + timedelta(seconds=max(ttl(), 0))}
    t = StoredAnswer.__table__
    if lease is not None:
        db.session.execute(sa.update(t).where(t.c.key == key, t.c.expires_at == lease).values(**values))
        return found
    try:
        with db.session.begin_nested():  # another worker may store the same key at the same moment
            db.session.execute(sa.delete(t).where(t.c.expires_at <= now - KEEP_EXPIRED))
            db.session.execute(sa.insert(t).values(key=key, **values))
    except sa.exc.IntegrityError:
        pass  # it did: serve what we built, theirs is stored
    return found


def answer(key, build, commit, defer=None):
    """The answer of ``key``: the stored one while fresh (1 statement); when it expired, rebuilt by ONE
    request (``claim``) while every other keeps serving the expired one (no stampede); when there is none
    (never built, or forgotten by a change), built by ``build()`` -> ``(body bytes, content type)`` and stored.
    ``commit`` is the caller's (the lease is committed before the build, the new answer after it). With
    ``defer`` (a callable taking a callable), the rebuild of an expired answer is handed to it, to run after the
    response, and the expired answer is served at once. Returns an ``Answer``; with the cache off
    (``PORTAL_CACHE_SECONDS`` 0), ``build()`` and nothing stored."""
    if ttl() <= 0:
        body, content_type = build()
        return Answer(key, hashlib.sha256(body).hexdigest()[:32], content_type, body, utcnow())
    found = lookup(key)
    lease = None
    if found is not None:
        stored, expires_at = found
        if expires_at > utcnow():
            return stored
        lease = claim(key, expires_at)
        commit()
        if lease is None:
            return stored  # another request rebuilds it: serve the previous answer meanwhile
        if defer is not None:
            defer(lambda: rebuild(key, build, commit, lease))
            return stored  # and this request rebuilds it after its answer was sent
    return rebuild(key, build, commit, lease)


def rebuild(key, build, commit, lease=None):
    """Build the answer of ``key``, store it (under ``lease`` when one was claimed) and commit; the ``Answer``."""
    body, content_type = build()
    fresh = keep(key, body, content_type, lease)
    commit()
    return fresh


def forget(prefix=PORTAL):
    """Forget every stored answer whose key starts with ``prefix`` (in the current transaction)."""
    db.session.execute(sa.delete(StoredAnswer).where(StoredAnswer.key.startswith(prefix, autoescape=True)))


def _on_transition(workflow, obj=None, **_kw):
    if getattr(workflow, "name", None) in PORTAL_WORKFLOWS:
        forget(PORTAL)


transition_applied.connect(_on_transition)


def _on_follow_up(_follow_up, **_kw):
    forget(PORTAL)  # the portal's survival of the business after the closing changed


followups.recorded.connect(_on_follow_up)


grievance_changed.connect(lambda *_a, **_k: forget(PORTAL), weak=False)  # the portal's grievance counts (issue 15)
