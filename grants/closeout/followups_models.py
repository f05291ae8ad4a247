"""Life after the grant: the follow-ups of a closed alliance at one, two and three years after its closing (a
visit or a call by the officer of the region or by the association's board). One per year; never changed
once recorded (a correction is a note in the next follow-up). Imported by ``closeout/models.py``."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import AllianceOwned, in_check, title_property, utcnow
from ..extensions import db
from ..money import Fixed, Money

#: how the follow-up was made
KINDS = {"visit": _l("Visit"), "call": _l("Phone call")}
#: the years after the closing at which a follow-up is made
YEARS = (1, 2, 3)


class FollowUp(AllianceOwned, db.Model):
    """What the association's business looks like one, two or three years after the alliance closed."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.UniqueConstraint("alliance_id", "year", name="uq_follow_ups_alliance_year"),
        sa.CheckConstraint("year IN (1, 2, 3)", name="year_known"),
        sa.CheckConstraint(in_check("kind", KINDS), name="kind_known"),
        sa.CheckConstraint("sales_volume IS NULL OR sales_volume >= 0", name="sales_volume_non_negative"),
        sa.CheckConstraint("sales_value IS NULL OR sales_value >= 0", name="sales_value_non_negative"),
        sa.CheckConstraint("families_active >= 0", name="families_active_non_negative"),
        sa.CheckConstraint("women_active >= 0 AND women_active <= families_active", name="women_active_in_range"),
        sa.CheckConstraint("revolving_fund_balance IS NULL OR revolving_fund_balance >= 0",
                           name="revolving_fund_balance_non_negative"),
        sa.CheckConstraint("loans_open IS NULL OR loans_open >= 0", name="loans_open_non_negative"),
        sa.CheckConstraint("loans_outstanding IS NULL OR loans_outstanding >= 0",
                           name="loans_outstanding_non_negative"),
    )

    #: 1, 2 or 3: the years after the closing this follow-up is about
    year = sa.Column(sa.SmallInteger, nullable=False)
    #: ``visit`` or ``call``
    kind = sa.Column(sa.String(10), nullable=False)
    #: the day of the visit or the call
    held_on = sa.Column(sa.Date, nullable=False)
    #: the association still sells the product (to the alliance's buyer or to others)
    still_selling = sa.Column(sa.Boolean, nullable=False)
    #: it still sells to the alliance's buyer
    buyer_kept = sa.Column(sa.Boolean, nullable=False, default=False)
    #: to whom else it sells (free text)
    other_buyers = sa.Column(sa.String(300), nullable=False, default="")
    #: sold over the last twelve months (volume in ``sales_unit``, value in the program's currency)
    sales_volume = sa.Column(Fixed(2))
    sales_unit = sa.Column(sa.String(60), nullable=False, default="")
    sales_value = sa.Column(Money())
    #: member families still active in the business, and the women among them
    families_active = sa.Column(sa.Integer, nullable=False)
    women_active = sa.Column(sa.Integer, nullable=False)
    #: the association's revolving fund: balance, loans still open and what they still owe
    revolving_fund_balance = sa.Column(Money())
    loans_open = sa.Column(sa.Integer)
    loans_outstanding = sa.Column(Money())
    notes = sa.Column(sa.Text, nullable=False, default="")
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    alliance = db.relationship("Alliance", backref=db.backref("follow_ups", order_by="FollowUp.year",
                                                              passive_deletes=True))
    recorded_by = db.relationship("User")

    kind_title = title_property(KINDS, "kind")
