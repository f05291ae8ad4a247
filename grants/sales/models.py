"""The buyer as a party: the accounts linked to a buyer of the registry, and the deliveries with their state
(``grants/workflows/delivery.py``) and the buyer's payment."""
import sqlalchemy as sa

from ..common import AllianceRow, Timestamped, Versioned, in_check, non_negative, title_property, utcnow
from ..extensions import db
from ..money import Fixed, Money
from ..workflows.delivery import STATES


class BuyerAccount(db.Model):
    """A user account (global role ``buyer``) that acts for one buyer of the registry; linked by an officer."""

    __tablename__ = "buyer_accounts"

    #: a user acts for one buyer at most
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    buyer_id = sa.Column(sa.Integer, sa.ForeignKey("buyers.id", ondelete="CASCADE"), nullable=False, index=True)
    linked_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    linked_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")
    buyer = db.relationship("Buyer", lazy="joined")


class Delivery(AllianceRow, Versioned, Timestamped, db.Model):
    """One delivery of the association to the alliance's buyer, against the buyer's letter of intent.
    ``amount`` = ``quantity`` × ``unit_price`` (checked to the cent)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.CheckConstraint(in_check("state", STATES), name="state_known"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("paid_amount IS NULL OR paid_amount >= 0", name="paid_amount_non_negative"),
        *non_negative("unit_price", "amount"),
        sa.Index("ix_deliveries_alliance_state", "alliance_id", "state"),
    )

    #: the alliance's buyer when the delivery was recorded
    buyer_id = sa.Column(sa.Integer, sa.ForeignKey("buyers.id"), nullable=False, index=True)
    delivered_on = sa.Column(sa.Date, nullable=False)
    quantity = sa.Column(Fixed(2), nullable=False)
    #: kg, t, litres, boxes... as in the letter of intent
    unit = sa.Column(sa.String(30), nullable=False)
    #: the quality delivered (grade, humidity, ...) as the association states it
    quality = sa.Column(sa.String(300), nullable=False, default="")
    unit_price = sa.Column(Money(), nullable=False)
    amount = sa.Column(Money(), nullable=False)
    state = sa.Column(sa.String(20), nullable=False, default="recorded")
    #: the buyer's reason for the last dispute (kept when the delivery is corrected and sent again)
    dispute_reason = sa.Column(sa.Text)
    paid_on = sa.Column(sa.Date)
    paid_amount = sa.Column(Money())
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    confirmed_at = sa.Column(sa.DateTime)
    confirmed_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance", lazy="joined")
    buyer = db.relationship("Buyer")

    state_title = title_property(STATES)
