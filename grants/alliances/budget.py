"""The alliance's money plan, read by every stage: budget lines and the tranche schedule.

The plan stage edits them; funding disburses tranches; execution spends against the lines.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import AllianceOwned, AllianceRow, Timestamped, Versioned, in_check, non_negative, title_property
from ..extensions import db
from ..money import Fixed, Money
from ..workflows.tranche import STATES as TRANCHE_WORKFLOW_STATES

#: budget categories (API.md), with their titles
BUDGET_CATEGORIES = {
    "infrastructure": _l("Infrastructure"),
    "equipment": _l("Equipment"),
    "inputs": _l("Inputs"),
    "technical_assistance": _l("Technical assistance"),
    "training": _l("Training"),
    "working_capital": _l("Working capital"),
    "administration": _l("Administration"),
    "land": _l("Land"),
}
#: categories the grant never pays (World Bank practice: land purchase)
INELIGIBLE_FOR_GRANT = ("land",)
#: the sources that finance a line, in the order they are shown
SOURCES = ("grant", "counterpart_cash", "counterpart_in_kind", "other")

TRANCHE_STATES = TRANCHE_WORKFLOW_STATES  # declared with the workflow, as the alliance states are


class BudgetLine(AllianceRow, Versioned, Timestamped, db.Model):
    """One line of the alliance's budget: quantity × unit cost, split across the sources of money.

    ``total`` is ``quantity × unit_cost`` rounded half up to cents, and the split
    (``grant + counterpart_cash + counterpart_in_kind + other``) sums exactly to it."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.CheckConstraint(in_check("category", BUDGET_CATEGORIES), name="category_known"),
        *non_negative("quantity", "unit_cost", "total", "grant", "counterpart_cash", "counterpart_in_kind", "other"),
        sa.Index("ix_budget_lines_alliance_position", "alliance_id", "position"),
    )

    #: order of the line in the budget (1, 2, ...)
    position = sa.Column(sa.Integer, nullable=False, default=1)
    category = sa.Column(sa.String(30), nullable=False)
    description = sa.Column(sa.String(300), nullable=False)
    #: unit of measure ("head", "m²", "day", "global")
    unit = sa.Column(sa.String(40), nullable=False, default="")
    quantity = sa.Column(Fixed(3), nullable=False, default=0)
    unit_cost = sa.Column(Money(), nullable=False, default=0)
    total = sa.Column(Money(), nullable=False, default=0)
    grant = sa.Column(Money(), nullable=False, default=0)
    counterpart_cash = sa.Column(Money(), nullable=False, default=0)
    counterpart_in_kind = sa.Column(Money(), nullable=False, default=0)
    other = sa.Column(Money(), nullable=False, default=0)

    alliance = db.relationship("Alliance", backref=db.backref(
        "budget_lines", order_by="(BudgetLine.position, BudgetLine.id)", cascade="all, delete-orphan",
        passive_deletes=True))

    @property
    def split_sum(self):
        return sum((getattr(self, s) or 0 for s in SOURCES), start=0)

    @property
    def counterpart(self):
        return (self.counterpart_cash or 0) + (self.counterpart_in_kind or 0)

    category_title = title_property(BUDGET_CATEGORIES, "category")


class Tranche(AllianceOwned, Versioned, Timestamped, db.Model):
    """A planned transfer of grant money (tramo). The funding stage adds its workflow."""

    __tablename__ = "tranches"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", TRANCHE_STATES), name="state_known"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.UniqueConstraint("alliance_id", "number", name="uq_tranches_alliance_number"),
        *non_negative("amount", "disbursed_amount"),
    )

    number = sa.Column(sa.Integer, nullable=False)
    amount = sa.Column(Money(), nullable=False, default=0)
    planned_on = sa.Column(sa.Date, nullable=False)
    #: what must hold before this tranche is requested (e.g. "70 % of the first tranche justified")
    conditions = sa.Column(sa.Text, nullable=False, default="")
    state = sa.Column(sa.String(20), nullable=False, default="planned")
    #: the transfer as recorded by the finance officer (funding stage); read by execution and closeout
    disbursed_amount = sa.Column(Money())
    disbursed_on = sa.Column(sa.Date)
    #: the bank's reference of the transfer
    disbursement_reference = sa.Column(sa.String(120))

    alliance = db.relationship("Alliance", backref=db.backref(
        "tranches", order_by="Tranche.number", cascade="all, delete-orphan", passive_deletes=True))

    state_title = title_property(TRANCHE_STATES)
