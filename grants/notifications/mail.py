"""Outgoing e-mail that leaves only after the transaction commits.

``queue(to, subject, body)`` keeps the message in ``db.session.info``; a SQLAlchemy ``after_commit``
session event sends what is queued with smtplib, and a rollback discards it, so a refused or failed
request never mails anybody. A mail server that is down is logged; it never breaks the request."""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, has_app_context

from ..extensions import db

OUTBOX = "grants.mail_outbox"
SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER")
log = logging.getLogger("grants.mail")


def enabled():
    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def queue(to, subject, body):
    """Queue one plain-text message for after the commit. Returns False when mail is not configured."""
    if not to or not enabled():
        return False
    settings = {k: current_app.config.get(k) for k in SETTINGS}
    msg = EmailMessage()
    msg["From"] = settings["MAIL_SENDER"] or "grants@localhost"
    msg["To"] = to
    msg["Subject"] = str(subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="grants")
    msg.set_content(str(body))
    db.session.info.setdefault(OUTBOX, []).append((settings, msg))
    return True


def send(settings, messages):
    """Send ``messages`` through the server in ``settings``; log failures, never raise."""
    try:
        with smtplib.SMTP(settings["MAIL_SERVER"], int(settings.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if settings.get("MAIL_USE_TLS"):
                smtp.starttls()
            if settings.get("MAIL_USERNAME"):
                smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
            for msg in messages:
                try:
                    smtp.send_message(msg)
                except smtplib.SMTPException:
                    log.exception("Could not send mail to %s", msg["To"])
    except (OSError, smtplib.SMTPException):
        log.exception("Mail server %s:%s unreachable; %d message(s) not sent", settings.get("MAIL_SERVER"),
                      settings.get("MAIL_PORT"), len(messages))


def _after_commit(session):
    queued = session.info.pop(OUTBOX, None)
    if not queued:
        return
    by_server = {}
    for settings, msg in queued:
        key = tuple(sorted((k, str(v)) for k, v in settings.items()))
        by_server.setdefault(key, (settings, []))[1].append(msg)
    for settings, messages in by_server.values():
        send(settings, messages)


def _after_soft_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction: nothing it queued may leave
        session.info.pop(OUTBOX, None)


sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
sa.event.listen(sa.orm.Session, "after_soft_rollback", _after_soft_rollback)
