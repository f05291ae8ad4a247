"""Monitoring: indicator values by period, supervision visits, their photos and follow-up actions."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import AllianceOwned, Timestamped, Versioned, in_check, title_property, utcnow
from ..extensions import db
from ..money import Fixed

RATINGS = {"satisfactory": _l("Satisfactory"), "needs_attention": _l("Needs attention"),
           "critical": _l("Critical")}
ACTION_STATES = {"open": _l("Awaiting the answer"), "answered": _l("Answered, to review"), "closed": _l("Closed")}


class IndicatorValue(AllianceOwned, Versioned, db.Model):
    """The actual value of an indicator in one period ("YYYY-MM"); women/men for indicators by sex."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "period", name="uq_indicator_values_indicator_period"),
        sa.CheckConstraint("women IS NULL OR women >= 0", name="women_non_negative"),
        sa.CheckConstraint("men IS NULL OR men >= 0", name="men_non_negative"),
    )

    indicator_id = sa.Column(sa.Integer, sa.ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    period = sa.Column(sa.String(7), nullable=False)
    value = sa.Column(Fixed(2), nullable=False)
    women = sa.Column(sa.Integer)
    men = sa.Column(sa.Integer)
    note = sa.Column(sa.Text, nullable=False, default="")
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    alliance = db.relationship("Alliance")
    indicator = db.relationship("Indicator", backref=db.backref(
        "values", order_by="IndicatorValue.period", cascade="all, delete-orphan", passive_deletes=True))
    recorded_by = db.relationship("User")


class Visit(AllianceOwned, Versioned, Timestamped, db.Model):
    """A supervision visit of the officer of the region to the alliance."""

    __tablename__ = "supervision_visits"
    __table_args__ = (
        sa.CheckConstraint(in_check("rating", RATINGS), name="rating_known"),
        sa.CheckConstraint("participants >= 0", name="participants_non_negative"),
    )

    visited_on = sa.Column(sa.Date, nullable=False)
    place = sa.Column(sa.String(200), nullable=False)
    participants = sa.Column(sa.Integer, nullable=False, default=0)
    findings = sa.Column(sa.Text, nullable=False, default="")
    rating = sa.Column(sa.String(20), nullable=False)
    officer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance")
    officer = db.relationship("User")
    photos = db.relationship("VisitPhoto", back_populates="visit", order_by="VisitPhoto.id",
                             cascade="all, delete-orphan", passive_deletes=True)
    actions = db.relationship("FollowUpAction", back_populates="visit", order_by="FollowUpAction.id",
                              cascade="all, delete-orphan", passive_deletes=True)

    rating_title = title_property(RATINGS, "rating")


class VisitPhoto(db.Model):
    """A photo taken on a visit (JPEG or PNG, checked by content)."""

    __tablename__ = "visit_photos"

    id = sa.Column(sa.Integer, primary_key=True)
    visit_id = sa.Column(sa.Integer, sa.ForeignKey("supervision_visits.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    filename = sa.Column(sa.String(255), nullable=False)
    content_type = sa.Column(sa.String(100), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False)
    caption = sa.Column(sa.String(200), nullable=False, default="")
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    visit = db.relationship("Visit", back_populates="photos")


class FollowUpAction(Versioned, Timestamped, db.Model):
    """An action the association must take after a visit: open → answered → closed (or reopened)."""

    __tablename__ = "follow_up_actions"
    __table_args__ = (sa.CheckConstraint(in_check("state", ACTION_STATES), name="state_known"),)

    id = sa.Column(sa.Integer, primary_key=True)
    visit_id = sa.Column(sa.Integer, sa.ForeignKey("supervision_visits.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    description = sa.Column(sa.Text, nullable=False)
    due_on = sa.Column(sa.Date, nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="open")
    answer = sa.Column(sa.Text)
    answered_at = sa.Column(sa.DateTime)
    answered_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    evidence_filename = sa.Column(sa.String(255))
    evidence_content_type = sa.Column(sa.String(100))
    evidence_sha256 = sa.Column(sa.String(64))
    officer_comment = sa.Column(sa.Text)
    closed_at = sa.Column(sa.DateTime)

    visit = db.relationship("Visit", back_populates="actions")
    alliance = db.relationship("Alliance")
    answered_by = db.relationship("User", foreign_keys=[answered_by_id])

    state_title = title_property(ACTION_STATES)
