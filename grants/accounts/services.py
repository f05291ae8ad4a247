"""Users, roles, sign-in, server-side sessions, API tokens. Services flush; the caller commits."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

from .. import audit
from ..common import utcnow
from ..errors import Collector, ValidationFailed, Violation
from ..extensions import db
from . import hooks
from .models import (ASSOCIATION_ROLES, GLOBAL_ROLES, ApiToken, Membership, OfficerRegion, User, UserRole,
                     UserSession)
from .passwords import is_valid_email, normalize_email, password_problems


def _key(email):
    return normalize_email(email)


def authenticate(email, password):
    """Return the active user with this e-mail and password, or None. (Repeated failures are throttled
    per client address by ``accounts.throttling``, never per account: the owner is not locked out.)"""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def find_by_email(email):
    return db.session.execute(sa.select(User).where(sa.func.lower(User.email) == _key(email))).scalar()


def _validate_user(data, creating, user=None):
    c = Collector()
    email = _key(data.get("email")) if "email" in data or creating else None
    if creating or "email" in data:
        if not is_valid_email(email):
            c.add("invalid", _l("Enter a valid e-mail address."), "email")
        else:
            other = find_by_email(email)
            if other is not None and other is not user:
                c.add("duplicate", _l("Another account already uses this e-mail address."), "email")
    if creating or "name" in data:
        if not (data.get("name") or "").strip():
            c.add("required", _l("Enter the person's name."), "name")
    if creating or data.get("password"):
        c.violations.extend(password_problems(data.get("password"), "password"))
    for role in data.get("roles") or []:
        if role not in GLOBAL_ROLES:
            c.add("invalid", _l("Unknown role: %(role)s", role=role), "roles")
    for m in data.get("memberships") or []:
        if m.get("role") not in ASSOCIATION_ROLES:
            c.add("invalid", _l("Unknown association role: %(role)s", role=m.get("role")), "memberships")
        if not hooks.association_exists(int(m.get("association_id") or 0)):
            c.add("invalid", _l("Unknown association."), "memberships")
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)
    return email


def _apply_lists(user, data):
    if "roles" in data:
        user.role_rows = [UserRole(role=r) for r in sorted(set(data["roles"] or []))]
    if "regions" in data:
        regions = sorted({(r or "").strip() for r in data["regions"] or [] if (r or "").strip()})
        user.region_rows = [OfficerRegion(region=r) for r in regions]
    if "memberships" in data:
        seen, rows = set(), []
        for m in data["memberships"] or []:
            key = (int(m["association_id"]), m["role"])
            if key not in seen:
                seen.add(key)
                rows.append(Membership(association_id=key[0], role=key[1], title=m.get("title")))
        user.memberships = rows


def _snapshot(user):
    return {
        "email": user.email,
        "name": user.name,
        "active": user.active,
        "locale": user.locale,
        "roles": user.roles,
        "regions": user.regions,
        "memberships": sorted(f"{m.association_id}:{m.role}" for m in user.memberships),
    }


def create_user(data, actor=None):
    """Create an account. ``data``: email, name, password, roles, regions, memberships, locale.

    Raises ``ValidationFailed`` with every field error."""
    email = _validate_user(data, creating=True)
    user = User(email=email, name=data["name"].strip(), locale=data.get("locale") or "es",
                active=data.get("active", True), phone=data.get("phone"))
    user.set_password(data["password"])
    _apply_lists(user, data)
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "create_user", actor, data=_snapshot(user))
    return user


def update_user(user, data, actor=None):
    """Change name, e-mail, roles, regions, memberships, active flag or password (admin).

    A new password, a deactivation or a change of roles (global or in an association) ends every
    session and API token of the user. Raises ``ValidationFailed``."""
    email = _validate_user(data, creating=False, user=user)
    before = _snapshot(user)
    if email:
        user.email = email
    if (data.get("name") or "").strip():
        user.name = data["name"].strip()
    for key in ("active", "locale", "phone"):
        if key in data and data[key] is not None:
            setattr(user, key, data[key])
    if data.get("password"):
        user.set_password(data["password"])
    _apply_lists(user, data)
    db.session.flush()
    after = _snapshot(user)
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if data.get("password"):
        changed["password"] = "changed"
    if data.get("password") or (before["active"] and not after["active"]) or any(
            k in changed for k in ("roles", "memberships")):
        changed["sessions_ended"] = end_all_sessions(user)
    audit.record("user", user.id, "update_user", actor, data=changed)
    return user


def change_password(user, current, new):
    """The user's own password change; it ends every session and token of the user (the caller starts
    a new session for the browser that made the change). Raises ``ValidationFailed``."""
    errors = []
    if not user.check_password(current or ""):
        errors.append(Violation("invalid", _l("The current password is not right."), "current_password"))
    errors.extend(password_problems(new, "new_password"))
    if errors:
        raise ValidationFailed(_l("Some fields need attention."), errors)
    user.set_password(new)
    db.session.flush()
    ended = end_all_sessions(user)
    audit.record("user", user.id, "change_password", user, data={"sessions_ended": ended})


def set_locale(user, locale):
    if locale in current_app.config["LANGUAGES"] and user.locale != locale:
        user.locale = locale
        db.session.flush()


def _hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user):
    """A new API token: returns ``(token, ApiToken)``; only the hash is stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_hash_token(token),
                   expires_at=utcnow() + timedelta(hours=current_app.config["API_TOKEN_HOURS"]))
    db.session.add(row)
    db.session.flush()
    audit.record("user", user.id, "issue_token", user, data={"token_id": row.id})
    return token, row


def token_lookup(token):
    """The live ``ApiToken`` for a bearer token, or None."""
    if not token or len(token) > 200:
        return None
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(token))).scalar()
    if row is None or row.revoked_at is not None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def revoke_token(row):
    row.revoked_at = utcnow()
    db.session.flush()
    audit.record("user", row.user_id, "revoke_token", row.user, data={"token_id": row.id})


def _live_tokens(user):
    return (sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
            .order_by(ApiToken.id.desc()))


def list_tokens(user):
    """The user's tokens that still work, newest first (a select, for pagination)."""
    return _live_tokens(user)


def find_live_token(user, token_id):
    """The user's token ``token_id`` if it still works, else None (another user's token is None too)."""
    if not isinstance(token_id, int) or not 1 <= token_id <= 2**31 - 1:
        return None
    return db.session.execute(_live_tokens(user).where(ApiToken.id == token_id)).scalar()


# ---- server-side sessions -------------------------------------------------------------------------------------

def start_session(user):
    """Record a new signed-in browser of ``user``; returns the session id for the cookie (only its hash
    is stored). The user's sessions that have run out are dropped on the way."""
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    sid = secrets.token_urlsafe(32)
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.add(UserSession(user_id=user.id, sid_hash=_hash_token(sid), created_at=now, expires_at=now + lifetime))
    db.session.flush()
    return sid


def with_access():
    """Loader options: a request's user with the rows every permission check reads (roles, regions,
    memberships) in the user's own statement, one statement per request instead of four."""
    return (sa.orm.joinedload(User.role_rows), sa.orm.joinedload(User.region_rows),
            sa.orm.joinedload(User.memberships))


#: the statement of ``session_user`` for each tuple of ``extra`` names, built once (statements and loader options
#: are immutable; the user, the session and the time are bound parameters): no statement nor option is built per
#: request
_SESSION_USER = {}


def _session_user_statement(extra, names):
    key = (tuple(names), tuple(id(extra[n]) for n in names))
    found = _SESSION_USER.get(key)
    if found is None:
        found = (sa.select(User, *(extra[n].label(n) for n in names))
                 .join(UserSession, UserSession.user_id == User.id)
                 .where(User.id == sa.bindparam("user_id"), User.active.is_(True),
                        UserSession.sid_hash == sa.bindparam("sid_hash"),
                        UserSession.expires_at > sa.bindparam("now"))
                 .options(*with_access()))
        if len(_SESSION_USER) < 16:  # one per caller's set of figures (the web's user loader: one)
            _SESSION_USER[key] = found
    return found


def session_user(user_id, sid, extra=None):
    """The active user ``user_id`` if ``sid`` is one of their live sessions, else None (one query).

    ``extra``: ``{name: scalar SQL expression}`` (correlated on ``User.id``, e.g. the unread notifications of
    the menu) read in the same statement; their values are kept in the request's ``grants.session_figures``.
    Pass the same expression objects on every call (the statement is built once for them)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not sid or not isinstance(sid, str) or len(sid) > 200:
        return None
    extra = extra or {}
    names = list(extra)
    row = db.session.execute(_session_user_statement(extra, names),
                             {"user_id": user_id, "sid_hash": _hash_token(sid), "now": utcnow()}).unique().first()
    if row is None:
        return None
    if names and has_request_context():
        request.environ["grants.session_figures"] = dict(zip(names, row[1:]))
    return row[0]


def count_sessions(user):
    """How many browsers are signed in as ``user`` now."""
    return db.session.execute(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.expires_at > utcnow())).scalar()


def end_session(sid):
    """Sign-out: the session ``sid`` stops working, also in any copy of its cookie."""
    if sid and isinstance(sid, str):
        db.session.execute(sa.delete(UserSession).where(UserSession.sid_hash == _hash_token(sid)))
        db.session.flush()


def end_all_sessions(user):
    """End every session and revoke every live API token of ``user``.

    Returns ``{"sessions": n, "tokens": m}`` (for the audit event of the change that caused it)."""
    sessions = db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id)).rowcount
    tokens = db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session="fetch")).rowcount
    db.session.flush()
    return {"sessions": sessions or 0, "tokens": tokens or 0}


def sign_out_everywhere(user):
    """The user's own "sign out everywhere": every session and token ends (the caller starts a new
    session for the browser that asked) and the audit trail says so."""
    ended = end_all_sessions(user)
    audit.record("user", user.id, "end_sessions", user, data=ended)
    return ended
