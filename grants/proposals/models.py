"""The business intention (perfil) beside the alliance spine: profile, revisions, screening scores,
preselection minutes."""
import json

import sqlalchemy as sa

from ..common import AllianceOwned, OnePerAlliance, Timestamped, Versioned, non_negative, utcnow
from ..extensions import db
from ..money import Fixed, Money


class Profile(OnePerAlliance, Versioned, Timestamped, db.Model):
    """The business intention's own fields, one row per alliance. Title, product, buyer, families,
    requested grant and estimated counterpart stay on the alliance."""

    __tablename__ = "profiles"
    __table_args__ = (*non_negative("current_sales", "estimated_investment", "loi_volume", "loi_price"),)

    #: community, municipality: where the families produce
    location = sa.Column(sa.String(200), nullable=False, default="")
    business_idea = sa.Column(sa.Text, nullable=False, default="")
    market_opportunity = sa.Column(sa.Text, nullable=False, default="")
    #: what the families produce and sell today (volumes, to whom)
    current_production = sa.Column(sa.Text, nullable=False, default="")
    #: value of what the families sell today, per year
    current_sales = sa.Column(Money(), nullable=False, default=0)
    #: total investment the alliance needs (grant + counterpart + others)
    estimated_investment = sa.Column(Money(), nullable=False, default=0)
    # the buyer's letter of intent (the signed letter itself is an attachment of kind buyer_letter)
    loi_volume = sa.Column(Fixed(2), nullable=False, default=0)
    #: unit of the volume: kg, t, litres, boxes...
    loi_unit = sa.Column(sa.String(30), nullable=False, default="")
    #: price per unit, in the program's currency
    loi_price = sa.Column(Money(), nullable=False, default=0)
    loi_quality = sa.Column(sa.Text, nullable=False, default="")
    loi_delivery = sa.Column(sa.Text, nullable=False, default="")
    loi_signed_on = sa.Column(sa.Date)

    alliance = db.relationship("Alliance", backref=db.backref("profile", uselist=False, cascade="all, delete-orphan"))


class ProfileRevision(AllianceOwned, db.Model):
    """What the board submitted, numbered per alliance: a JSON snapshot taken at each ``submit``."""

    __tablename__ = "profile_revisions"
    __table_args__ = (sa.UniqueConstraint("alliance_id", "number", name="uq_profile_revisions_number"),)

    number = sa.Column(sa.Integer, nullable=False)
    submitted_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    submitted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    #: canonical JSON: alliance fields, profile fields, member ids, attachments with their SHA-256
    snapshot = sa.Column(sa.Text, nullable=False)

    submitted_by = db.relationship("User")

    def data(self):
        return json.loads(self.snapshot)


class ScreeningScore(AllianceOwned, db.Model):
    """The officer's score of one criterion of the call for one alliance (0 to the criterion's max)."""

    __tablename__ = "screening_scores"
    __table_args__ = (
        sa.UniqueConstraint("alliance_id", "criterion_code", name="uq_screening_scores_criterion"),
        sa.CheckConstraint("score >= 0", name="score_non_negative"),
    )

    criterion_code = sa.Column(sa.String(40), nullable=False)
    score = sa.Column(sa.Integer, nullable=False)
    comment = sa.Column(sa.Text)
    officer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    scored_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    officer = db.relationship("User")


class PreselectionMinutes(db.Model):
    """The minutes (acta) of one preselection decision of a call's committee. ``content`` keeps
    everything the PDF shows, so that the PDF can be regenerated identically."""

    __tablename__ = "preselection_minutes"
    __table_args__ = (sa.UniqueConstraint("call_id", "number", name="uq_preselection_minutes_number"),)

    id = sa.Column(sa.Integer, primary_key=True)
    call_id = sa.Column(sa.Integer, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False, index=True)
    number = sa.Column(sa.Integer, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    #: the alliances decided in this session, comma-separated ids (for lookups)
    alliance_ids = sa.Column(sa.Text, nullable=False, default="")
    comment = sa.Column(sa.Text)
    #: canonical JSON: call, envelope, ranking with scores and decisions, committee names, actor
    content = sa.Column(sa.Text, nullable=False)

    call = db.relationship("Call")
    created_by = db.relationship("User")

    def data(self):
        return json.loads(self.content)
