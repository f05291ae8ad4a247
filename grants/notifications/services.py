"""Notify users in the app and by e-mail (after commit), list and mark their notifications read."""
import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..common import utcnow
from ..extensions import db
from . import mail
from .models import Notification


def _text(value):
    return str(value() if callable(value) else value)


def notify(users, subject, body, link=None):
    """Add an in-app notification for each active user in ``users`` and queue an e-mail to each.

    ``subject`` and ``body`` may be lazy strings (or callables): they are rendered in each
    recipient's language. Nothing is committed; mail leaves only after the commit. Returns the
    notifications added."""
    seen, out = set(), []
    _forget_unread()
    base = request.host_url.rstrip("/") if has_request_context() else ""
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.locale or "es"):
            subj, text = _text(subject)[:200], _text(body)
            footer = _text(_l("Open it here: %(url)s", url=base + link)) if link else ""
            signature = _text(_l("Rural alliances: this message was sent automatically."))
        note = Notification(user_id=user.id, subject=subj, body=text, link=link, created_at=utcnow())
        db.session.add(note)
        out.append(note)
        mail.queue(user.email, subj, "\n\n".join(p for p in (text, footer, "-- \n" + signature) if p))
    db.session.flush()
    return out


def unread_column():
    """The unread count as a scalar subquery correlated on ``User.id``: the web's user loader reads it with
    the signed-in user (``grants.session_figures``), so the menu sends no statement of its own."""
    return (sa.select(sa.func.count()).select_from(Notification)
            .where(Notification.user_id == User.id, Notification.read_at.is_(None)).scalar_subquery())


def _forget_unread():
    """What the user loader read is stale once this request writes notifications."""
    if has_request_context():
        request.environ.get("grants.session_figures", {}).pop("unread_notifications", None)


def unread_count(user):
    return db.session.execute(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar() or 0


def for_user(user, unread_only=False):
    """A select of ``user``'s notifications, newest first."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.id.desc())


def mark_read(user, ids=None):
    """Mark ``user``'s notifications read (all unread, or those in ``ids``). Returns how many."""
    _forget_unread()
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0
