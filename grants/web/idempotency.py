"""Idempotency keys: a write sent twice (a phone that lost its connection before the answer came back and
sends again) is recorded once, and the repeat answers as the first did.

The client names each submission with a key: the hidden form field ``idempotency_key`` (added by
``static/js/offline.js``) or the ``Idempotency-Key`` header (API clients). The key is stored per user with the
answer of the first request that succeeded (status, redirect, resource id, JSON body). ``@idempotent`` wraps a
form view or an API handler; without a key the request goes through unchanged.

The key's row is written in the same transaction as the change it guards (the request's edge commits both:
``edge.py`` for pages, ``grants.api.core.endpoint`` for the API),
so a key is never stored for a change that was rolled back, and a refused request (4xx) stores nothing: the
user corrects it and sends again with the same key.
"""
import functools
import json
import re

import sqlalchemy as sa
from flask import flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from ..common import utcnow
from ..errors import DomainError, Violation
from ..extensions import db
from ..workflows import rules

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")


class IdempotencyKey(db.Model):
    """The first successful answer to a write sent with a key, per user."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    key = sa.Column(sa.String(100), nullable=False)
    #: "POST /alliances/1/execution/expenses": a key sent again to another address is refused
    request_path = sa.Column(sa.String(300), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    #: the first answer: None while that request is still running
    status = sa.Column(sa.Integer)
    #: where a form's answer redirected
    location = sa.Column(sa.String(500))
    #: the id of what was created (API answers)
    resource_id = sa.Column(sa.Integer)
    #: the API answer's JSON body, replayed as it was
    body = sa.Column(sa.Text)


class BadKey(DomainError, status=400, code="bad_request"):
    """The Idempotency-Key header is malformed."""


class InProgress(DomainError, status=409, code="idempotency_in_progress"):
    """A request with the same key is still being answered."""


def _user_id():
    # an API token's user is ``current_user`` for its request (``grants.api.core.authenticate`` sets it), as the
    # session's user is for a page or a cookie-signed API call: one answer for both, without the API module
    return current_user.id if current_user and current_user.is_authenticated else None


def _key():
    raw = request.headers.get(HEADER)
    if raw is None and request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raw = request.form.get(FIELD)
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if not KEY_PATTERN.match(raw):
        msg = _l("The idempotency key must be 8 to 100 letters, digits, dots, colons, dashes or underscores.")
        raise BadKey(msg, [Violation(rules.INVALID, msg, FIELD)])
    return raw


def _find(user_id, key):
    return db.session.execute(sa.select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                              IdempotencyKey.key == key)).scalar_one_or_none()


def _replay(row, path):
    if row.request_path != path:
        msg = _l("This idempotency key was already used for another request. Send a new key.")
        raise DomainError(msg, [Violation(rules.IDEMPOTENCY_KEY_REUSED, msg, FIELD)])
    if row.status is None:
        raise InProgress(_l("This request is still being processed. Try again in a moment."))
    if row.body is not None:
        resp = Response(row.body, status=row.status, mimetype="application/json")
    else:
        flash(_l("This had already been sent and was recorded once."), "info")
        resp = redirect(row.location or "/", code=303 if row.status in (301, 302, 303) else row.status)
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


def idempotent(view):
    """Run a POST once per (user, key); a repeat answers as the first did (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        key = _key()
        user_id = _user_id() if key else None
        if key is None or user_id is None:
            return view(*args, **kwargs)
        path = f"POST {request.path}"[:300]
        row = _find(user_id, key)
        if row is not None:
            return _replay(row, path)
        row = IdempotencyKey(user_id=user_id, key=key, request_path=path)
        db.session.add(row)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            # the same key arrived twice at once: the other request holds it
            db.session.rollback()
            row = _find(user_id, key)
            if row is None:  # pragma: no cover (the other request was rolled back meanwhile)
                raise InProgress(_l("This request is still being processed. Try again in a moment.")) from None
            return _replay(row, path)
        row_id = row.id
        result = view(*args, **kwargs)
        _remember(row_id, result)
        return result

    return wrapper


def _remember(row_id, result):
    """Store the first answer with the view's write (one transaction, committed by the request's edge); a
    refused or failed request leaves no key behind."""
    if isinstance(result, (dict, list)):  # an API handler: its endpoint answers with the write's status
        status, body = 201, json.dumps(result, default=str)
        location = None
        resource_id = result.get("id") if isinstance(result, dict) else None
    else:
        resp = result if isinstance(result, Response) else None
        if resp is None and isinstance(result, tuple):
            status = result[1] if len(result) > 1 and isinstance(result[1], int) else 200
        else:
            status = resp.status_code if resp is not None else 200
        location = resp.headers.get("Location") if resp is not None else None
        body, resource_id = None, None
    if status >= 400:
        db.session.rollback()
        return
    row = db.session.get(IdempotencyKey, row_id)
    if row is None:  # the view rolled back: nothing was recorded, so nothing to remember
        db.session.rollback()
        return
    row.status, row.location, row.resource_id = status, (location or "")[:500] or None, resource_id
    row.body = body


def purge(older_than_days=30):
    """Forget keys older than ``older_than_days`` (no client resends that late); returns how many."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount
