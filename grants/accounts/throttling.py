"""Throttling with Flask-Limiter: failed sign-ins per client address and per address + account, requests
per API token; the counters live in the database, which every gunicorn worker shares.

Failures slow the attacker without locking the owner out: the counters are keyed by the client's
address (alone, and with the account tried), never by the account alone, so a person who signs in
from another address is never held up by someone else's wrong passwords. Spraying many accounts from
one address meets the per-address limit.
"""
import hashlib
import ipaddress
import math
import threading
import time

import sqlalchemy as sa
from flask import current_app, flash, render_template, request, session
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from limits.storage import Storage

from ..errors import error_response
from ..extensions import db, limiter
from .forms import LoginForm
from .models import RateLimitCounter
from .passwords import normalize_email

#: the endpoints that take a password: their 429 speaks of failed sign-ins
SIGN_IN_ENDPOINTS = ("auth.login", "api.issue_token")


# --- what a limit counts ------------------------------------------------------------------------------


def client_address():
    """The client's address (``request.remote_addr``, which the proxy setup makes the real one). An
    IPv6 client counts by its /64 network, which one subscriber usually holds whole."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _email_sent():
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return normalize_email(email if isinstance(email, str) else "")


def address_and_account():
    """The client's address with the account being tried (the e-mail sent)."""
    return f"{client_address()}|{_email_sent() or '-'}"


def api_client():
    """Whom an API request counts against: its bearer token (hashed), else the signed-in user of a
    cookie session, else the client's address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode("utf-8", "replace")).hexdigest()[:32]
    user_id = session.get("_user_id")
    if user_id:
        return f"user:{user_id}"
    return "address:" + client_address()


def _failed(response):
    """A sign-in that failed: wrong e-mail or password (401)."""
    return response.status_code == 401


def _config(name):
    return lambda: current_app.config[name]


#: failed sign-ins from one address, whatever the accounts (web form and API token alike)
per_address = limiter.shared_limit(_config("THROTTLE_LOGIN_ADDRESS"), scope="sign-in-address",
                                   key_func=client_address, deduct_when=_failed, methods=["POST"],
                                   override_defaults=False)
#: failed sign-ins from one address on one account
per_address_and_account = limiter.shared_limit(_config("THROTTLE_LOGIN_ACCOUNT"), scope="sign-in-account",
                                               key_func=address_and_account, deduct_when=_failed,
                                               methods=["POST"], override_defaults=False)


def sign_in_limits(view):
    """Both sign-in limits on ``view`` (the login form and the token endpoint share the counters)."""
    return per_address(per_address_and_account(view))


def limit_api(blueprint):
    """Requests per token (or user, or address) on every endpoint of the API blueprint."""
    limiter.limit(_config("THROTTLE_API"), key_func=api_client, scope="api", override_defaults=False)(blueprint)


@limiter.request_filter
def _switched_off():
    return not current_app.config.get("THROTTLING", True)


# --- the answer -------------------------------------------------------------------------------------------


def _wait_seconds():
    """Seconds until the breached limit's window ends (never more than the window itself)."""
    current = limiter.current_limit
    if current is None:
        return 60
    try:
        left = current.window.reset_time - time.time()
    except Exception:  # noqa: BLE001  (the storage failed: the answer must still go out)
        left = current.limit.get_expiry()
    return max(1, min(int(math.ceil(left)), current.limit.get_expiry()))


def _message(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return ngettext("Too many failed sign-ins from this connection. Wait %(num)s minute and try again.",
                        "Too many failed sign-ins from this connection. Wait %(num)s minutes and try again.",
                        minutes)
    return ngettext("Too many requests. Wait %(num)s minute and try again.",
                    "Too many requests. Wait %(num)s minutes and try again.", minutes)


def too_many(exc):
    """429: the API's error shape (code ``throttled``) under ``/api``, else a readable page (the login
    form, with what was typed, for a sign-in); ``Retry-After`` in both."""
    db.session.rollback()
    seconds = _wait_seconds()
    message = _message(seconds)
    if request.path.startswith("/api/"):
        resp = error_response(429, "throttled", message)
    elif request.endpoint == "auth.login":
        flash(message, "error")
        resp = current_app.make_response((render_template("auth/login.html", form=LoginForm()), 429))
    else:
        resp = current_app.make_response(
            (render_template("errors/error.html", status=429, message=message), 429))
    resp.headers["Retry-After"] = str(seconds)
    return resp


def init_app(app):
    """Bind the limiter (storage from ``RATELIMIT_STORAGE_URI``) and the 429 answer."""
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many)


# --- the storage: counters in the database ----------------------------------------------------------------


class DatabaseStorage(Storage):
    """A ``limits`` storage (``RATELIMIT_STORAGE_URI = "database://"``) on the application's own database,
    the one thing every gunicorn worker already shares. One row per counter, changed by one atomic
    upsert in a short transaction of its own (kept when the request rolls back). Fixed-window strategy
    only. SQLite and PostgreSQL."""

    STORAGE_SCHEME = ["database"]
    #: every this many increments, the counters whose window has passed are deleted
    SWEEP_EVERY = 200

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._increments = 0
        self._lock = threading.Lock()

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _table():
        return RateLimitCounter.__table__

    @staticmethod
    def _key(key):
        return key if len(key) <= 250 else "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()

    def incr(self, key, expiry, amount=1):
        t, key, now = self._table(), self._key(key), time.time()
        with db.engine.begin() as conn:
            dialect = conn.dialect.name
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            elif dialect == "sqlite":
                from sqlalchemy.dialects.sqlite import insert
            else:  # pragma: no cover - the app runs on SQLite or PostgreSQL
                raise NotImplementedError(f"no rate-limit counters on {dialect}")
            passed = t.c.expires_at <= now
            stmt = insert(t).values(key=key, hits=amount, expires_at=now + expiry)
            stmt = stmt.on_conflict_do_update(index_elements=[t.c.key], set_={
                "hits": sa.case((passed, amount), else_=t.c.hits + amount),
                "expires_at": sa.case((passed, now + expiry), else_=t.c.expires_at),
            }).returning(t.c.hits)
            hits = conn.execute(stmt).scalar_one()
            if self._sweep_due():
                conn.execute(t.delete().where(t.c.expires_at <= now))
        return hits

    def _sweep_due(self):
        with self._lock:
            self._increments += 1
            return self._increments % self.SWEEP_EVERY == 0

    def get(self, key):
        t = self._table()
        with db.engine.connect() as conn:
            hits = conn.execute(sa.select(t.c.hits).where(t.c.key == self._key(key), t.c.expires_at > time.time())
                                ).scalar()
        return hits or 0

    def get_expiry(self, key):
        t, now = self._table(), time.time()
        with db.engine.connect() as conn:
            expires_at = conn.execute(sa.select(t.c.expires_at).where(t.c.key == self._key(key))).scalar()
        return expires_at if expires_at is not None and expires_at > now else now

    def check(self):
        try:
            with db.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self):
        with db.engine.begin() as conn:
            return conn.execute(self._table().delete()).rowcount

    def clear(self, key):
        with db.engine.begin() as conn:
            conn.execute(self._table().delete().where(self._table().c.key == self._key(key)))
