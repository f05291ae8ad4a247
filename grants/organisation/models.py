"""Tables of the organisation's own plans. Each belongs to one association (never to an alliance: the
organisation outlives every alliance)."""
import sqlalchemy as sa

from ..common import Timestamped, Versioned, in_check, non_negative
from ..extensions import db
from ..money import Money

ACTION_STATES = ("pending", "in_progress", "done", "dropped")
CAPACITY_KINDS = ("training", "coaching", "exchange_visit")
CAPACITY_PLAN_STATES = ("draft", "adopted")
FUND_STATES = ("applied", "obtained", "refused")


class StrategicPlan(Versioned, Timestamped, db.Model):
    """The association's strategic plan: objectives with actions; reviewed in assembly."""

    __tablename__ = "strategic_plans"

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               unique=True)
    #: years the plan covers, as written (e.g. "2026–2030")
    period = sa.Column(sa.String(40), nullable=False, default="")
    #: the assembly that last reviewed the plan: its date and a reference (minutes number, book and page)
    reviewed_on = sa.Column(sa.Date)
    review_reference = sa.Column(sa.String(200), nullable=False, default="")
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    objectives = db.relationship("StrategicObjective", cascade="all, delete-orphan", lazy="selectin",
                                 order_by="(StrategicObjective.position, StrategicObjective.id)",
                                 back_populates="plan")


class StrategicObjective(db.Model):
    __tablename__ = "strategic_objectives"

    id = sa.Column(sa.Integer, primary_key=True)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("strategic_plans.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    position = sa.Column(sa.Integer, nullable=False, default=1)
    title = sa.Column(sa.String(300), nullable=False)

    plan = db.relationship("StrategicPlan", back_populates="objectives")
    actions = db.relationship("StrategicAction", cascade="all, delete-orphan", lazy="selectin",
                              order_by="(StrategicAction.position, StrategicAction.id)", back_populates="objective")


class StrategicAction(db.Model):
    __tablename__ = "strategic_actions"
    __table_args__ = (sa.CheckConstraint(in_check("state", ACTION_STATES), name="state_known"),)

    id = sa.Column(sa.Integer, primary_key=True)
    objective_id = sa.Column(sa.Integer, sa.ForeignKey("strategic_objectives.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=1)
    description = sa.Column(sa.String(500), nullable=False)
    #: the person (or post) responsible, as written by the board
    responsible = sa.Column(sa.String(200), nullable=False, default="")
    due_on = sa.Column(sa.Date)
    state = sa.Column(sa.String(20), nullable=False, default="pending")

    objective = db.relationship("StrategicObjective", back_populates="actions")


class CapacityPlan(Versioned, Timestamped, db.Model):
    """The capacity-strengthening plan: proposed from the items of the assessment scored 0–1, edited and
    adopted by the board."""

    __tablename__ = "capacity_plans"
    __table_args__ = (sa.CheckConstraint(in_check("state", CAPACITY_PLAN_STATES), name="state_known"),)

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               unique=True)
    state = sa.Column(sa.String(20), nullable=False, default="draft")
    #: the alliance whose assessment the proposal read (null when written by hand)
    source_alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="SET NULL"))
    adopted_on = sa.Column(sa.Date)
    adopted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    actions = db.relationship("CapacityAction", cascade="all, delete-orphan", lazy="selectin",
                              order_by="(CapacityAction.position, CapacityAction.id)", back_populates="plan")


class CapacityAction(db.Model):
    __tablename__ = "capacity_actions"
    __table_args__ = (sa.CheckConstraint(in_check("kind", CAPACITY_KINDS), name="kind_known"),
                      sa.CheckConstraint(in_check("state", ACTION_STATES), name="state_known"),
                      sa.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 4", name="score_range"))

    id = sa.Column(sa.Integer, primary_key=True)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("capacity_plans.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    position = sa.Column(sa.Integer, nullable=False, default=1)
    #: the scorecard item it strengthens (alliances/catalog.py ITEMS) and its score when proposed
    item_code = sa.Column(sa.String(60), nullable=False, default="")
    score = sa.Column(sa.Integer)
    kind = sa.Column(sa.String(20), nullable=False)
    description = sa.Column(sa.String(500), nullable=False)
    responsible = sa.Column(sa.String(200), nullable=False, default="")
    due_on = sa.Column(sa.Date)
    state = sa.Column(sa.String(20), nullable=False, default="pending")

    plan = db.relationship("CapacityPlan", back_populates="actions")


class Training(Timestamped, db.Model):
    """A training (or coaching session, exchange visit) held: who took part, and leadership roles taken."""

    __tablename__ = "org_trainings"
    __table_args__ = tuple(sa.CheckConstraint(f"{c} >= 0", name=f"{c}_non_negative")
                           for c in ("women", "men", "women_leaders", "youth_leaders"))

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    capacity_action_id = sa.Column(sa.Integer, sa.ForeignKey("capacity_actions.id", ondelete="SET NULL"))
    topic = sa.Column(sa.String(300), nullable=False)
    held_on = sa.Column(sa.Date, nullable=False)
    women = sa.Column(sa.Integer, nullable=False, default=0)
    men = sa.Column(sa.Integer, nullable=False, default=0)
    #: leadership roles (board posts, committee heads, trainers) taken afterwards by women, and by youth
    women_leaders = sa.Column(sa.Integer, nullable=False, default=0)
    youth_leaders = sa.Column(sa.Integer, nullable=False, default=0)
    notes = sa.Column(sa.String(500), nullable=False, default="")
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))


class FundApplication(Versioned, Timestamped, db.Model):
    """Other funds the association applied for (municipality, NGO, bank, ministry) and what came of it."""

    __tablename__ = "org_fund_applications"
    __table_args__ = (sa.CheckConstraint(in_check("state", FUND_STATES), name="state_known"),
                      *non_negative("amount_requested", "amount_obtained"))

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    source = sa.Column(sa.String(200), nullable=False)
    purpose = sa.Column(sa.String(300), nullable=False, default="")
    applied_on = sa.Column(sa.Date, nullable=False)
    amount_requested = sa.Column(Money(), nullable=False, default=0)
    amount_obtained = sa.Column(Money())
    state = sa.Column(sa.String(20), nullable=False, default="applied")
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
