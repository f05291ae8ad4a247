"""Stored answers: a public page computed once and served to every worker and host from the database.

The portal is the same for everyone, so its HTML and JSON are kept in ``stored_answers`` (body, ETag, time)
for ``PORTAL_CACHE_SECONDS``: a hit costs one primary-key read, whatever the size of the program, and the
cache is shared by every gunicorn worker and every app host on the same database (no in-process state).
A workflow transition of an alliance or a tranche (funding, disbursement, closing...) forgets the stored
portal in the same transaction, so a change is public at once; other changes show within the TTL."""
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


def answer(key, build):
    """The stored answer for ``key``, or ``build()`` -> ``(body bytes, content type)`` stored now (when the
    cache is on). Returns an ``Answer``. The caller commits."""
    seconds = ttl()
    now = utcnow()
    if seconds > 0:
        row = db.session.get(StoredAnswer, key)
        if row is not None and row.expires_at > now:
            return _plain(row)
    body, content_type = build()
    row = StoredAnswer(key=key, etag=hashlib.sha256(body).hexdigest()[:32], content_type=content_type, body=body,
                       created_at=now, expires_at=now + timedelta(seconds=max(seconds, 0)))
    if seconds > 0:
        try:
            with db.session.begin_nested():  # another worker may store the same key at the same moment
                db.session.execute(sa.delete(StoredAnswer).where(sa.or_(StoredAnswer.key == key,
                                                                        StoredAnswer.expires_at <= now)))
                db.session.add(row)
        except sa.exc.IntegrityError:
            pass  # it did: serve what we built, theirs is stored
    return _plain(row)


def _plain(row):
    return Answer(row.key, row.etag, row.content_type, row.body, row.created_at)


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
