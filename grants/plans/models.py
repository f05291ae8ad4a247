"""The plan stage's tables. Budget lines and tranches live in the spine (``alliances/budget.py``)."""
import json

import sqlalchemy as sa

from ..common import AllianceOwned, OnePerAlliance, Timestamped, Versioned, in_check, non_negative, utcnow
from ..extensions import db
from ..money import Fixed, Money
from .catalog import CHECKLIST_ANSWERS, DECISIONS, KINDS, MOMENTS, RECOMMENDATIONS, SECTIONS, STANDARD_INDICATORS


def _json_load(text, default):
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def _section_columns(cls):
    for name in SECTIONS:
        setattr(cls, name, sa.Column(sa.Text, nullable=False, default=""))
    return cls


@_section_columns
class Plan(OnePerAlliance, Versioned, Timestamped, db.Model):
    """The alliance plan (plan de alianza): one per alliance, its text sections and environmental category.
    The text columns are those of ``catalog.SECTIONS``."""

    __tablename__ = "plans"
    __table_args__ = (
        sa.CheckConstraint("environmental_category IS NULL OR environmental_category BETWEEN 1 AND 4",
                           name="environmental_category_known"),
        sa.CheckConstraint("round >= 0", name="round_non_negative"),
    )

    #: Ley 1333 environmental card: 1 (full study) .. 4 (none required)
    environmental_category = sa.Column(sa.Integer)
    #: how many times the plan was submitted; appraisal and reviews belong to the current round
    round = sa.Column(sa.Integer, nullable=False, default=0)
    submitted_at = sa.Column(sa.DateTime)

    alliance = db.relationship("Alliance", backref=db.backref("plan", uselist=False, passive_deletes=True))


class Indicator(AllianceOwned, Versioned, db.Model):
    """An indicator of the alliance with baseline and target (standard or custom). Later stages add values."""

    __tablename__ = "indicators"
    __table_args__ = (sa.UniqueConstraint("alliance_id", "code", name="uq_indicators_alliance_code"),)

    code = sa.Column(sa.String(60), nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    unit = sa.Column(sa.String(60), nullable=False, default="")
    baseline = sa.Column(Fixed(2))
    target = sa.Column(Fixed(2))
    #: counts people: values are reported for women and men
    by_sex = sa.Column(sa.Boolean, nullable=False, default=False)
    #: one of the standard set (cannot be deleted)
    standard = sa.Column(sa.Boolean, nullable=False, default=False)
    position = sa.Column(sa.Integer, nullable=False, default=0)

    @property
    def title(self):
        """The standard indicators' names in the reader's language; custom ones as written."""

        if self.standard and self.code in STANDARD_INDICATORS:
            return STANDARD_INDICATORS[self.code][0]
        return self.name

    @property
    def unit_title(self):
        if self.standard and self.code in STANDARD_INDICATORS:
            return STANDARD_INDICATORS[self.code][1]
        return self.unit

    alliance = db.relationship("Alliance", backref=db.backref(
        "indicators", order_by="(Indicator.position, Indicator.id)", cascade="all, delete-orphan",
        passive_deletes=True))


class Assessment(AllianceOwned, Versioned, Timestamped, db.Model):
    """An empowerment or capacity assessment of the association at the plan (baseline) or at closeout."""

    __tablename__ = "assessments"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", KINDS), name="kind_known"),
        sa.CheckConstraint(in_check("moment", MOMENTS), name="moment_known"),
        sa.UniqueConstraint("alliance_id", "kind", "moment", name="uq_assessments_alliance_kind_moment"),
    )

    kind = sa.Column(sa.String(20), nullable=False)
    moment = sa.Column(sa.String(20), nullable=False)
    assessed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    items = db.relationship("AssessmentItem", cascade="all, delete-orphan", lazy="selectin",
                            order_by="AssessmentItem.id", back_populates="assessment")
    assessed_by = db.relationship("User")

    def scores(self):
        return {i.code: i.score for i in self.items}


class AssessmentItem(db.Model):
    """One scorecard item: score 0–4 with its evidence."""

    __tablename__ = "assessment_items"
    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 0 AND 4", name="score_range"),
        sa.UniqueConstraint("assessment_id", "code", name="uq_assessment_items_code"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    assessment_id = sa.Column(sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False)
    code = sa.Column(sa.String(60), nullable=False)
    score = sa.Column(sa.Integer, nullable=False)
    evidence = sa.Column(sa.Text, nullable=False, default="")

    assessment = db.relationship("Assessment", back_populates="items")


class CashFlowYear(AllianceOwned, db.Model):
    """One year of the cash flow without and with the project (year 0 is the investment year)."""

    __tablename__ = "cash_flow_years"
    __table_args__ = (
        sa.UniqueConstraint("alliance_id", "year", name="uq_cash_flow_years_alliance_year"),
        sa.CheckConstraint("year BETWEEN 0 AND 50", name="year_range"),
        *non_negative("without_revenue", "without_cost", "with_revenue", "with_cost", "with_investment"),
    )

    year = sa.Column(sa.Integer, nullable=False)
    without_revenue = sa.Column(Money(), nullable=False, default=0)
    without_cost = sa.Column(Money(), nullable=False, default=0)
    with_revenue = sa.Column(Money(), nullable=False, default=0)
    with_cost = sa.Column(Money(), nullable=False, default=0)
    #: investment of the project in that year (the budget, usually in year 0)
    with_investment = sa.Column(Money(), nullable=False, default=0)

    alliance = db.relationship("Alliance", backref=db.backref(
        "cash_flow", order_by="CashFlowYear.year", cascade="all, delete-orphan", passive_deletes=True))


class Appraisal(AllianceOwned, Versioned, Timestamped, db.Model):
    """The officer's appraisal of one submission: checklist answers and a written technical opinion."""

    __tablename__ = "appraisals"
    __table_args__ = (sa.UniqueConstraint("alliance_id", "round", name="uq_appraisals_alliance_round"),)

    round = sa.Column(sa.Integer, nullable=False)
    officer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    #: JSON object: checklist code -> {"answer": yes/observed/na, "note": text}
    checklist = sa.Column(sa.Text, nullable=False, default="{}")
    opinion = sa.Column(sa.Text, nullable=False, default="")

    officer = db.relationship("User")

    @property
    def answers(self):
        raw = _json_load(self.checklist, {})
        return {k: v for k, v in raw.items() if isinstance(v, dict) and v.get("answer") in CHECKLIST_ANSWERS}


class Review(AllianceOwned, db.Model):
    """A committee member's review of one submission: no conflict declared, scores per criterion,
    a recommendation. Final once submitted."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("alliance_id", "round", "member_id", name="uq_reviews_alliance_round_member"),
        sa.CheckConstraint(in_check("recommendation", RECOMMENDATIONS), name="recommendation_known"),
        sa.CheckConstraint("declares_no_conflict", name="no_conflict_declared"),
    )

    round = sa.Column(sa.Integer, nullable=False)
    member_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    declares_no_conflict = sa.Column(sa.Boolean, nullable=False)
    #: JSON object: criterion code -> whole score 0..max
    scores = sa.Column(sa.Text, nullable=False, default="{}")
    #: weighted score out of 100 (sum of weight × score / max)
    total_score = sa.Column(Fixed(2), nullable=False, default=0)
    recommendation = sa.Column(sa.String(20), nullable=False)
    comment = sa.Column(sa.Text, nullable=False, default="")
    submitted_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    member = db.relationship("User")

    @property
    def score_map(self):
        return _json_load(self.scores, {})


class PlanRevision(AllianceOwned, db.Model):
    """A snapshot of the plan as submitted, with what changed since the previous submission."""

    __tablename__ = "plan_revisions"
    __table_args__ = (sa.UniqueConstraint("alliance_id", "number", name="uq_plan_revisions_alliance_number"),)

    number = sa.Column(sa.Integer, nullable=False)
    submitted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    submitted_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    #: JSON: sections, budget lines, financing, tranches, indicators, cash flow
    snapshot = sa.Column(sa.Text, nullable=False)
    #: JSON list of {"what", "item", "from", "to"}
    changes = sa.Column(sa.Text, nullable=False, default="[]")

    submitted_by = db.relationship("User")

    @property
    def change_list(self):
        return _json_load(self.changes, [])

    @property
    def data(self):
        return _json_load(self.snapshot, {})


class CommitteeMinutes(AllianceOwned, db.Model):
    """The minutes (acta) of the committee's decision on one submission."""

    __tablename__ = "committee_minutes"
    __table_args__ = (
        sa.UniqueConstraint("alliance_id", "round", name="uq_committee_minutes_alliance_round"),
        sa.CheckConstraint(in_check("decision", DECISIONS), name="decision_known"),
    )

    round = sa.Column(sa.Integer, nullable=False)
    decision = sa.Column(sa.String(20), nullable=False)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    decided_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    comment = sa.Column(sa.Text, nullable=False, default="")
    #: JSON: the members, their scores and recommendations, the average score, the quorum
    content = sa.Column(sa.Text, nullable=False, default="{}")

    decided_by = db.relationship("User")

    @property
    def data(self):
        return _json_load(self.content, {})
