"""The association's revolving fund (fondo rotatorio): one fund row per association holding the running
balance (locked with ``SELECT ... FOR UPDATE`` before every movement), the movements that change it, and
the loans to members with their state. The balance can never go negative (checked in the services and by
CHECK constraints on the fund and on every movement's ``balance_after``)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import Timestamped, Versioned, in_check, non_negative, title_property, utcnow
from ..extensions import db
from ..money import Money, Ratio, ZERO
from ..workflows.loan import LOAN

#: kind -> label; deposits and repayments add to the fund, loans take from it
MOVEMENT_KINDS = {"deposit": _l("Unspent grant moved into the fund"), "repayment": _l("Member repayment"),
                  "loan": _l("Loan to a member")}
LOAN_STATES = LOAN.states


class RevolvingFund(Versioned, Timestamped, db.Model):
    """The fund of one association; it outlives its alliances."""

    __tablename__ = "revolving_funds"
    __table_args__ = (*non_negative("balance"),)

    id = sa.Column(sa.Integer, primary_key=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               unique=True)
    balance = sa.Column(Money(), nullable=False, default=0)

    association = db.relationship("Association")


class Loan(Versioned, Timestamped, db.Model):
    """A loan from the fund to a member. ``interest_rate`` is a flat rate on the whole term: the member
    owes ``amount + amount × interest_rate``."""

    __tablename__ = "revolving_loans"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", LOAN_STATES), name="state_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("due_on >= lent_on", name="due_after_lent"),
        *non_negative("repaid", "interest_rate"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("revolving_funds.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    member_id = sa.Column(sa.Integer, sa.ForeignKey("members.id"), nullable=False, index=True)
    amount = sa.Column(Money(), nullable=False)
    interest_rate = sa.Column(Ratio(), nullable=False, default=0)
    #: principal plus interest
    amount_due = sa.Column(Money(), nullable=False)
    repaid = sa.Column(Money(), nullable=False, default=0)
    lent_on = sa.Column(sa.Date, nullable=False)
    due_on = sa.Column(sa.Date, nullable=False)
    purpose = sa.Column(sa.String(300), nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="open", index=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    written_off_at = sa.Column(sa.DateTime)
    written_off_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    write_off_reason = sa.Column(sa.Text)

    member = db.relationship("Member", lazy="joined")

    @property
    def outstanding(self):
        """What the member still owes (0 once repaid or written off)."""
        return self.amount_due - self.repaid if self.state == "open" else ZERO

    state_title = title_property(LOAN_STATES)

    def is_overdue(self, today):
        return self.state == "open" and self.due_on < today


class Movement(db.Model):
    """One change of the fund's balance, with the balance after it (never negative)."""

    __tablename__ = "revolving_movements"
    __table_args__ = (
        sa.CheckConstraint(in_check("kind", MOVEMENT_KINDS), name="kind_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        *non_negative("balance_after"),
        sa.Index("ix_revolving_movements_fund_id_id", "fund_id", "id"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("revolving_funds.id", ondelete="CASCADE"), nullable=False)
    association_id = sa.Column(sa.Integer, sa.ForeignKey("associations.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    kind = sa.Column(sa.String(20), nullable=False)
    #: always positive; ``signed`` gives the direction
    amount = sa.Column(Money(), nullable=False)
    balance_after = sa.Column(Money(), nullable=False)
    occurred_on = sa.Column(sa.Date, nullable=False)
    #: the alliance whose grant was moved (deposit) or whose share a repayment pays back
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id"), index=True)
    member_id = sa.Column(sa.Integer, sa.ForeignKey("members.id"), index=True)
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("revolving_loans.id"), index=True)
    reference = sa.Column(sa.String(100))
    note = sa.Column(sa.String(300))
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    member = db.relationship("Member", lazy="joined")
    alliance = db.relationship("Alliance")
    loan = db.relationship("Loan")

    @property
    def signed(self):
        return -self.amount if self.kind == "loan" else self.amount

    kind_title = title_property(MOVEMENT_KINDS, "kind")
