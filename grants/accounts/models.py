import sqlalchemy as sa
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..common import Timestamped, Versioned, in_check, utcnow
from ..extensions import db

GLOBAL_ROLES = ("admin", "officer", "finance", "committee", "facilitator", "ta_provider", "auditor", "buyer",
                "grievance_officer")
ASSOCIATION_ROLES = ("board", "treasurer", "member")


class User(UserMixin, Versioned, Timestamped, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(in_check("locale", ("es", "en")), name="locale_known"),)

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(200), nullable=False, unique=True)
    name = sa.Column(sa.String(200), nullable=False)
    password_hash = sa.Column(sa.String(300), nullable=False)
    locale = sa.Column(sa.String(5), nullable=False, default="es")
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    phone = sa.Column(sa.String(40))

    role_rows = db.relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")
    region_rows = db.relationship("OfficerRegion", cascade="all, delete-orphan", lazy="selectin")
    memberships = db.relationship("Membership", back_populates="user", cascade="all, delete-orphan",
                                  lazy="selectin")

    def set_password(self, password):
        from flask import current_app

        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self):
        return sorted(r.role for r in self.role_rows)

    @property
    def regions(self):
        return sorted(r.region for r in self.region_rows)

    def has_role(self, *roles):
        mine = {r.role for r in self.role_rows}
        return any(r in mine for r in roles)

    @property
    def is_admin(self):
        return self.has_role("admin")

    def association_roles(self, association_id):
        return {m.role for m in self.memberships if m.association_id == association_id}

    def association_ids(self, *roles):
        """Associations where the user holds any of ``roles`` (any role when none given)."""
        return {m.association_id for m in self.memberships if not roles or m.role in roles}

    def covers_region(self, region):
        return region in {r.region for r in self.region_rows}

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (sa.CheckConstraint(in_check("role", GLOBAL_ROLES), name="role_known"),)

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role = sa.Column(sa.String(20), primary_key=True)


class OfficerRegion(db.Model):
    __tablename__ = "officer_regions"

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    region = sa.Column(sa.String(80), primary_key=True)


class Membership(db.Model):
    """A user's role in one association (board, treasurer or member)."""

    __tablename__ = "memberships"
    __table_args__ = (sa.CheckConstraint(in_check("role", ASSOCIATION_ROLES), name="role_known"),)

    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"),
                               primary_key=True)
    role = sa.Column(sa.String(20), primary_key=True)
    #: e.g. "Presidente", "Secretaria" for board members
    title = sa.Column(sa.String(80))

    user = db.relationship("User", back_populates="memberships")
    association = db.relationship("Association", lazy="joined")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(sa.DateTime, nullable=False)
    revoked_at = sa.Column(sa.DateTime)
    last_used_at = sa.Column(sa.DateTime)

    user = db.relationship("User")


class UserSession(db.Model):
    """A signed-in browser. Its cookie carries a random id of which only the SHA-256 is stored here;
    signing out deletes the row, so a copy of the cookie taken before opens nothing afterwards. A
    password change, a deactivation or a change of roles deletes every row of the user."""

    __tablename__ = "user_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    #: SHA-256 of the session id kept in the signed cookie
    sid_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    #: the server's end of the session, whatever the cookie says (PERMANENT_SESSION_LIFETIME)
    expires_at = sa.Column(sa.DateTime, nullable=False)

    user = db.relationship("User")


class RateLimitCounter(db.Model):
    """One throttling counter of Flask-Limiter (fixed window), kept in the database that every worker
    shares: see ``accounts.throttling.DatabaseStorage``."""

    __tablename__ = "rate_limits"

    #: Flask-Limiter's key: the limit, its scope and whom it counts (an address, an address + account, a token)
    key = sa.Column(sa.String(255), primary_key=True)
    hits = sa.Column(sa.Integer, nullable=False)
    #: end of the counter's window, in seconds since the epoch
    expires_at = sa.Column(sa.Float, nullable=False, index=True)
