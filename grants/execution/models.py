"""Execution: what the association spends, what its members contribute, and its accountability reports."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import (AllianceOwned, AllianceRow, Timestamped, Versioned, file_columns, in_check, non_negative,
                      title_property)
from ..extensions import db
from ..money import Fixed, Money
from ..workflows.reallocation import REALLOCATION

#: where the money of an expense comes from
EXPENSE_SOURCES = {"grant": _l("Grant"), "counterpart_cash": _l("Counterpart (cash)")}
DOCUMENT_TYPES = {"invoice": _l("Invoice"), "receipt": _l("Receipt"), "payroll": _l("Payroll / wage sheet"),
                  "contract": _l("Contract"), "other": _l("Other")}
CONTRIBUTION_KINDS = {"cash": _l("Cash"), "in_kind": _l("In kind")}
IN_KIND_TYPES = {"labour": _l("Labour (days)"), "materials": _l("Materials"), "land": _l("Use of land"),
                 "equipment": _l("Use of equipment"), "other": _l("Other")}
REPORT_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved"),
                 "observed": _l("Observed")}
PROCUREMENT_STATES = {"open": _l("Open for quotations"), "awarded": _l("Awarded"), "closed": _l("Closed"),
                      "cancelled": _l("Cancelled")}
PROCUREMENT_METHODS = {"minor": _l("Minor purchase (one quotation)"), "comparison": _l("Price comparison"),
                       "direct": _l("Direct contracting")}
DIRECT_REASONS = {"single_supplier": _l("Single supplier"), "emergency": _l("Emergency"),
                  "repeat_order": _l("Repeat order")}
#: report states in which its expenses can no longer change
LOCKED_STATES = ("submitted", "approved")


class AccountabilityReport(AllianceOwned, Versioned, Timestamped, db.Model):
    """A rendición de cuentas for a period: approved by the assembly, submitted, reviewed by the officer."""

    __tablename__ = "accountability_reports"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", REPORT_STATES), name="state_known"),
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    period_start = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="draft")
    #: the general assembly's approval of the report (date and minutes)
    assembly_approved_on = sa.Column(sa.Date)
    assembly_sha256, assembly_filename, assembly_content_type = file_columns()
    #: or the registered assembly decision that approved it (grants/associations/assemblies_models.py)
    assembly_decision_id = sa.Column(sa.Integer, sa.ForeignKey("assembly_decisions.id", ondelete="SET NULL"))
    #: the officer's latest observations
    observations = sa.Column(sa.Text)
    #: observed and not yet submitted again (read by the tranche rules)
    observation_open = sa.Column(sa.Boolean, nullable=False, default=False)
    #: totals by line and source frozen at submission (JSON)
    totals = sa.Column(sa.JSON)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    submitted_at = sa.Column(sa.DateTime)
    decided_at = sa.Column(sa.DateTime)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    state_title = title_property(REPORT_STATES)

    @property
    def locked(self):
        return self.state in LOCKED_STATES


class Procurement(AllianceOwned, Versioned, Timestamped, db.Model):
    """A purchase process of the association (compras): minor, price comparison or direct."""

    __tablename__ = "procurements"
    __table_args__ = (
        sa.CheckConstraint(in_check("method", PROCUREMENT_METHODS), name="method_known"),
        sa.CheckConstraint(in_check("state", PROCUREMENT_STATES), name="state_known"),
        *non_negative("estimated_amount"),
    )

    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    description = sa.Column(sa.String(300), nullable=False)
    method = sa.Column(sa.String(20), nullable=False)
    estimated_amount = sa.Column(Money(), nullable=False, default=0)
    state = sa.Column(sa.String(20), nullable=False, default="open")
    #: direct contracting: single_supplier, emergency or repeat_order
    direct_reason = sa.Column(sa.String(20))
    #: direct contracting: the general assembly's approval (minutes)
    assembly_sha256, assembly_filename, assembly_content_type = file_columns()
    #: or the registered assembly decision that approved it (grants/associations/assemblies_models.py)
    assembly_decision_id = sa.Column(sa.Integer, sa.ForeignKey("assembly_decisions.id", ondelete="SET NULL"))
    awarded_quotation_id = sa.Column(sa.Integer)
    #: why the award is not the lowest quotation (or why direct)
    justification = sa.Column(sa.Text)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance")
    budget_line = db.relationship("BudgetLine")
    quotations = db.relationship("Quotation", order_by="Quotation.id", cascade="all, delete-orphan",
                                 back_populates="procurement")

    state_title = title_property(PROCUREMENT_STATES)

    @property
    def awarded(self):
        return next((q for q in self.quotations if q.id == self.awarded_quotation_id), None)


class Quotation(Timestamped, db.Model):
    """A supplier's quotation in a procurement, with its file."""

    __tablename__ = "quotations"
    __table_args__ = non_negative("amount")

    id = sa.Column(sa.Integer, primary_key=True)
    procurement_id = sa.Column(sa.Integer, sa.ForeignKey("procurements.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    supplier = sa.Column(sa.String(200), nullable=False)
    amount = sa.Column(Money(), nullable=False)
    file_sha256, file_filename, file_content_type = file_columns()
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    procurement = db.relationship("Procurement", back_populates="quotations")


def _reported_columns():
    """The columns an expense and a contribution share: the accountability report that includes it (set when
    the report is submitted), when and why it was voided, who recorded it."""
    return (sa.Column(sa.Integer, sa.ForeignKey("accountability_reports.id", ondelete="SET NULL"), index=True),
            sa.Column(sa.DateTime), sa.Column(sa.Text), sa.Column(sa.Integer, sa.ForeignKey("users.id")))


class Reported:
    """A movement that an accountability report takes in (an expense, a contribution)."""

    @property
    def locked(self):
        """In a submitted or approved accountability report: it can no longer change."""
        return self.report is not None and self.report.locked


class Expense(AllianceRow, Reported, Versioned, Timestamped, db.Model):
    """One payment of the association against a budget line, with its supporting document and receipt."""

    __tablename__ = "expenses"
    __table_args__ = (
        sa.CheckConstraint(in_check("source", EXPENSE_SOURCES), name="source_known"),
        sa.CheckConstraint(in_check("document_type", DOCUMENT_TYPES), name="document_type_known"),
        *non_negative("amount"),
        sa.Index("ix_expenses_line_source", "budget_line_id", "source"),
        sa.Index("ix_expenses_alliance_spent_on", "alliance_id", "spent_on"),
    )

    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    spent_on = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(Money(), nullable=False)
    source = sa.Column(sa.String(20), nullable=False)
    supplier = sa.Column(sa.String(200), nullable=False)
    document_type = sa.Column(sa.String(20), nullable=False)
    document_number = sa.Column(sa.String(60), nullable=False)
    description = sa.Column(sa.String(300), nullable=False, default="")
    procurement_id = sa.Column(sa.Integer, sa.ForeignKey("procurements.id", ondelete="SET NULL"))
    #: the TA deliverable this expense pays (checked by the checks registered in ``expenses.deliverable_check``)
    deliverable_id = sa.Column(sa.Integer, sa.ForeignKey("ta_deliverables.id", ondelete="SET NULL"), index=True)
    receipt_sha256, receipt_filename, receipt_content_type = file_columns()
    report_id, voided_at, void_reason, created_by_id = _reported_columns()

    alliance = db.relationship("Alliance")
    budget_line = db.relationship("BudgetLine", lazy="joined")
    report = db.relationship("AccountabilityReport", backref="expenses")
    procurement = db.relationship("Procurement")

    source_title = title_property(EXPENSE_SOURCES, "source")

    document_type_title = title_property(DOCUMENT_TYPES, "document_type")


class Contribution(AllianceRow, Reported, Versioned, Timestamped, db.Model):
    """Counterpart brought by the association and its members: cash, or in kind (labour, materials, land...)."""

    __tablename__ = "contributions"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", CONTRIBUTION_KINDS), name="kind_known"),
        *non_negative("amount", "quantity", "unit_value"),
        sa.Index("ix_contributions_alliance_on", "alliance_id", "contributed_on"),
    )

    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="SET NULL"))
    kind = sa.Column(sa.String(20), nullable=False)
    #: in kind: labour, materials, land, equipment, other
    in_kind_type = sa.Column(sa.String(20))
    description = sa.Column(sa.String(300), nullable=False)
    #: labour days (or units) × value of each: the amount when both are given
    quantity = sa.Column(Fixed(3))
    unit_value = sa.Column(Money())
    amount = sa.Column(Money(), nullable=False)
    contributed_on = sa.Column(sa.Date, nullable=False)
    evidence_sha256, evidence_filename, evidence_content_type = file_columns()
    report_id, voided_at, void_reason, created_by_id = _reported_columns()

    alliance = db.relationship("Alliance")
    budget_line = db.relationship("BudgetLine")
    report = db.relationship("AccountabilityReport", backref="contributions")

    kind_title = title_property(CONTRIBUTION_KINDS, "kind")


REALLOCATION_STATES = REALLOCATION.states
#: the sources that may move between lines
REALLOCATION_SOURCES = ("grant", "counterpart_cash", "counterpart_in_kind")


class Reallocation(AllianceOwned, Versioned, Timestamped, db.Model):
    """Money moved from one budget line to another: applied at once within the program's free share of the
    line, otherwise after the officer's approval."""

    __tablename__ = "reallocations"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", REALLOCATION_STATES), name="state_known"),
        sa.CheckConstraint(in_check("source", REALLOCATION_SOURCES), name="source_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    from_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    to_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    source = sa.Column(sa.String(20), nullable=False, default="grant")
    amount = sa.Column(Money(), nullable=False)
    justification = sa.Column(sa.Text, nullable=False)
    state = sa.Column(sa.String(20), nullable=False)
    requested_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    decided_at = sa.Column(sa.DateTime)

    alliance = db.relationship("Alliance")
    from_line = db.relationship("BudgetLine", foreign_keys=[from_line_id])
    to_line = db.relationship("BudgetLine", foreign_keys=[to_line_id])

    state_title = title_property(REALLOCATION_STATES)
