"""Technical assistance: providers, their contracts with an association, and the contracts' deliverables."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import AllianceOwned, Timestamped, Versioned, file_columns, in_check, non_negative, title_property
from ..extensions import db
from ..money import Money
from ..workflows.ta_contract import TA_CONTRACT
from ..workflows.ta_terms import TA_TERMS

CONTRACT_STATES = TA_CONTRACT.states
DELIVERABLE_STATES = {"pending": _l("Pending"), "submitted": _l("Submitted"), "accepted": _l("Accepted"),
                      "rejected": _l("Rejected")}


class Provider(Timestamped, db.Model):
    """A person or firm that gives technical assistance; ``user_id``: its own account (role ta_provider)."""

    __tablename__ = "ta_providers"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    tax_id = sa.Column(sa.String(40), nullable=False, default="")
    email = sa.Column(sa.String(200), nullable=False, default="")
    phone = sa.Column(sa.String(40), nullable=False, default="")
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    user = db.relationship("User", foreign_keys=[user_id])
    contracts = db.relationship("Contract", back_populates="provider", order_by="Contract.id")

    @property
    def ratings(self):
        return [c for c in self.contracts if c.quality is not None]

    def average(self, attr):
        rated = [getattr(c, attr) for c in self.ratings]
        return round(sum(rated) / len(rated), 1) if rated else None


class Contract(AllianceOwned, Versioned, Timestamped, db.Model):
    """The association's contract with a TA provider, paid from a technical_assistance budget line."""

    __tablename__ = "ta_contracts"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", CONTRACT_STATES), name="state_known"),
        sa.CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        sa.CheckConstraint("quality IS NULL OR (quality BETWEEN 1 AND 5)", name="quality_range"),
        sa.CheckConstraint("timeliness IS NULL OR (timeliness BETWEEN 1 AND 5)", name="timeliness_range"),
        *non_negative("amount"),
    )

    provider_id = sa.Column(sa.Integer, sa.ForeignKey("ta_providers.id"), nullable=False, index=True)
    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    #: the terms of reference whose selection this contract carries out (one contract per selection)
    terms_id = sa.Column(sa.Integer, sa.ForeignKey("ta_terms.id", ondelete="SET NULL"), unique=True)
    amount = sa.Column(Money(), nullable=False)
    starts_on = sa.Column(sa.Date, nullable=False)
    ends_on = sa.Column(sa.Date, nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="active")
    quality = sa.Column(sa.Integer)
    timeliness = sa.Column(sa.Integer)
    rating_comment = sa.Column(sa.Text)
    closed_at = sa.Column(sa.DateTime)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance")
    provider = db.relationship("Provider", back_populates="contracts")
    terms = db.relationship("TermsOfReference")
    budget_line = db.relationship("BudgetLine")
    deliverables = db.relationship("Deliverable", back_populates="contract", order_by="Deliverable.position",
                                   cascade="all, delete-orphan")

    state_title = title_property(CONTRACT_STATES)

    @property
    def overdue(self):
        return [d for d in self.deliverables if d.overdue]


class Deliverable(Versioned, Timestamped, db.Model):
    """A product the provider owes under a contract, with its due date and the part of the price it earns."""

    __tablename__ = "ta_deliverables"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", DELIVERABLE_STATES), name="state_known"),
        *non_negative("amount"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    contract_id = sa.Column(sa.Integer, sa.ForeignKey("ta_contracts.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    position = sa.Column(sa.Integer, nullable=False, default=1)
    description = sa.Column(sa.String(300), nullable=False)
    due_on = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(Money(), nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="pending")
    note = sa.Column(sa.Text)
    file_sha256, file_filename, file_content_type = file_columns()
    submitted_at = sa.Column(sa.DateTime)
    decided_at = sa.Column(sa.DateTime)
    comment = sa.Column(sa.Text)

    contract = db.relationship("Contract", back_populates="deliverables")

    state_title = title_property(DELIVERABLE_STATES)

    @property
    def overdue(self):
        return self.state != "accepted" and self.due_on < date.today()


TOR_STATES = TA_TERMS.states


class TermsOfReference(AllianceOwned, Versioned, Timestamped, db.Model):
    """What the association asks of its technical assistance, before it chooses the provider."""

    __tablename__ = "ta_terms"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", TOR_STATES), name="state_known"),
        sa.CheckConstraint("technical_weight BETWEEN 0 AND 100", name="weight_range"),
        *non_negative("budget"),
    )

    budget_line_id = sa.Column(sa.Integer, sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), nullable=False)
    scope = sa.Column(sa.Text, nullable=False)
    deliverables = sa.Column(sa.Text, nullable=False)
    budget = sa.Column(Money(), nullable=False)
    duration_days = sa.Column(sa.Integer, nullable=False)
    profile = sa.Column(sa.Text, nullable=False)
    #: the weight of the technical score in the evaluation (the rest is the price), in percent
    technical_weight = sa.Column(sa.Integer, nullable=False, default=70)
    state = sa.Column(sa.String(20), nullable=False, default="draft")
    #: why fewer than three providers were invited
    invitation_reason = sa.Column(sa.Text)
    selected_proposal_id = sa.Column(sa.Integer)
    justification = sa.Column(sa.Text)
    #: the selection minutes (text, frozen at selection)
    minutes = sa.Column(sa.Text)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance")
    budget_line = db.relationship("BudgetLine")
    invitations = db.relationship("Invitation", order_by="Invitation.id", cascade="all, delete-orphan")
    proposals = db.relationship("Proposal", order_by="Proposal.id", cascade="all, delete-orphan")

    state_title = title_property(TOR_STATES)


class Invitation(Timestamped, db.Model):
    __tablename__ = "ta_invitations"
    __table_args__ = (sa.UniqueConstraint("terms_id", "provider_id", name="uq_ta_invitation"),)

    id = sa.Column(sa.Integer, primary_key=True)
    terms_id = sa.Column(sa.Integer, sa.ForeignKey("ta_terms.id", ondelete="CASCADE"), nullable=False, index=True)
    provider_id = sa.Column(sa.Integer, sa.ForeignKey("ta_providers.id"), nullable=False, index=True)

    provider = db.relationship("Provider")


class Proposal(Timestamped, db.Model):
    """An invited provider's offer: its price, its file, and the technical score the association gives it."""

    __tablename__ = "ta_proposals"
    __table_args__ = (
        sa.UniqueConstraint("terms_id", "provider_id", name="uq_ta_proposal"),
        sa.CheckConstraint("technical_score IS NULL OR (technical_score BETWEEN 0 AND 100)", name="score_range"),
        *non_negative("price"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    terms_id = sa.Column(sa.Integer, sa.ForeignKey("ta_terms.id", ondelete="CASCADE"), nullable=False, index=True)
    provider_id = sa.Column(sa.Integer, sa.ForeignKey("ta_providers.id"), nullable=False)
    price = sa.Column(Money(), nullable=False)
    technical_score = sa.Column(sa.Integer)
    file_sha256, file_filename, file_content_type = file_columns()

    provider = db.relationship("Provider")
