"""A grievance and what the grievance office does with it.

Confidential columns: ``reporter_id`` (the signed-in user who filed it, unless anonymous) and ``contact``:
read only through ``permissions.can_see_reporter``; never in the audit data, an export or a public answer."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import Timestamped, Versioned, in_check, title_property
from ..extensions import db
from ..workflows.grievance import CLOSED, STATES

CATEGORIES = {
    "favoritism": _l("Favoritism or clientelism"),
    "misuse_of_funds": _l("Misuse of funds"),
    "exclusion": _l("Exclusion of members"),
    "technical_assistance": _l("Technical assistance"),
    "data_protection": _l("Data protection"),
    "other": _l("Other"),
}


class Grievance(Versioned, Timestamped, db.Model):
    __tablename__ = "grievances"
    __table_args__ = (
        sa.CheckConstraint(in_check("category", CATEGORIES), name="category_known"),
        sa.CheckConstraint(in_check("state", STATES), name="state_known"),
        sa.Index("ix_grievances_state_received", "state", "received_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    #: what the reporter keeps to follow the grievance without signing in (random, never sequential)
    tracking_code = sa.Column(sa.String(32), nullable=False, unique=True)
    category = sa.Column(sa.String(30), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    #: the alliance or association it is about (optional); never changed or blocked by the grievance
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="SET NULL"), index=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="SET NULL"), index=True)
    #: the association's region when filed (for the public counts)
    region = sa.Column(sa.String(100))
    anonymous = sa.Column(sa.Boolean, nullable=False, default=True)
    #: confidential: the signed-in user who filed it (None when anonymous or not signed in)
    reporter_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: confidential: how to reach the reporter (phone, e-mail), when given
    contact = sa.Column(sa.String(200))
    attachment_sha256 = sa.Column(sa.String(64))
    attachment_type = sa.Column(sa.String(50))
    attachment_name = sa.Column(sa.String(200))
    state = sa.Column(sa.String(30), nullable=False, default="received")
    received_at = sa.Column(sa.DateTime, nullable=False)
    acknowledged_at = sa.Column(sa.DateTime)
    investigation_at = sa.Column(sa.DateTime)
    closed_at = sa.Column(sa.DateTime)
    #: the deadlines from the program rules ``grievance_ack_days`` and ``grievance_resolve_days``
    ack_due_on = sa.Column(sa.Date, nullable=False)
    resolve_due_on = sa.Column(sa.Date, nullable=False)
    #: the public answer: the resolution, or the reason of a dismissal (shown to whoever holds the code)
    public_answer = sa.Column(sa.Text)
    escalated_at = sa.Column(sa.DateTime)
    escalated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: a grievance officer asked the alliance's regional officer to supervise it (no text, no reporter)
    supervision_flagged_at = sa.Column(sa.DateTime)
    supervision_flagged_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    alliance = db.relationship("Alliance", foreign_keys=[alliance_id])
    association = db.relationship("Association", foreign_keys=[association_id])
    reporter = db.relationship("User", foreign_keys=[reporter_id])

    state_title = title_property(STATES)

    category_title = title_property(CATEGORIES, "category")

    @property
    def is_open(self):
        return self.state not in CLOSED

    @property
    def escalated(self):
        return self.escalated_at is not None
