"""The closeout stage's tables: the final report (with the indicator actuals), the officer's evaluation and
the refunds of unspent grant money."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..common import AllianceOwned, OnePerAlliance, Timestamped, Versioned, in_check, title_property, utcnow
from ..extensions import db
from ..money import Fixed, Money

#: the officer's rating of the alliance, best first (the six-point scale of World Bank completion reports)
RATINGS = {
    "highly_satisfactory": _l("Highly satisfactory"),
    "satisfactory": _l("Satisfactory"),
    "moderately_satisfactory": _l("Moderately satisfactory"),
    "moderately_unsatisfactory": _l("Moderately unsatisfactory"),
    "unsatisfactory": _l("Unsatisfactory"),
    "highly_unsatisfactory": _l("Highly unsatisfactory"),
}


class FinalReport(OnePerAlliance, Versioned, Timestamped, db.Model):
    """The association board's final report: results, lessons, sales to the buyer, indicator actuals."""

    __tablename__ = "final_reports"
    __table_args__ = (
        sa.CheckConstraint("sales_volume IS NULL OR sales_volume >= 0", name="sales_volume_non_negative"),
        sa.CheckConstraint("sales_value IS NULL OR sales_value >= 0", name="sales_value_non_negative"),
    )

    #: narrative of the results
    narrative = sa.Column(sa.Text, nullable=False, default="")
    lessons = sa.Column(sa.Text, nullable=False, default="")
    #: sold to the buyer over the alliance (volume in the product's unit, value in the program's currency)
    sales_volume = sa.Column(Fixed(2))
    sales_unit = sa.Column(sa.String(60), nullable=False, default="")
    sales_value = sa.Column(Money())
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    #: set by ``submit_final_report``
    submitted_at = sa.Column(sa.DateTime)
    submitted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance", backref=db.backref("final_report", uselist=False, passive_deletes=True))
    actuals = db.relationship("IndicatorActual", cascade="all, delete-orphan", lazy="selectin",
                              back_populates="report", order_by="IndicatorActual.id")
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])

    def actual_of(self, indicator_id):
        return next((a for a in self.actuals if a.indicator_id == indicator_id), None)


class IndicatorActual(db.Model):
    """The value an indicator reached at closeout (women and men where it counts people)."""

    __tablename__ = "final_report_actuals"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "indicator_id", name="uq_final_report_actuals_indicator"),
        sa.CheckConstraint("women IS NULL OR women >= 0", name="women_non_negative"),
        sa.CheckConstraint("men IS NULL OR men >= 0", name="men_non_negative"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    report_id = sa.Column(sa.Integer, sa.ForeignKey("final_reports.id", ondelete="CASCADE"), nullable=False)
    indicator_id = sa.Column(sa.Integer, sa.ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    actual = sa.Column(Fixed(2))
    women = sa.Column(sa.Integer)
    men = sa.Column(sa.Integer)

    report = db.relationship("FinalReport", back_populates="actuals")
    indicator = db.relationship("Indicator")


class Evaluation(OnePerAlliance, Versioned, Timestamped, db.Model):
    """The officer's evaluation of the alliance during closing."""

    __tablename__ = "evaluations"
    __table_args__ = (sa.CheckConstraint(in_check("rating", RATINGS), name="rating_known"),)

    rating = sa.Column(sa.String(30), nullable=False)
    findings = sa.Column(sa.Text, nullable=False, default="")
    recommendations = sa.Column(sa.Text, nullable=False, default="")
    officer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

    alliance = db.relationship("Alliance", backref=db.backref("evaluation", uselist=False, passive_deletes=True))
    officer = db.relationship("User")

    rating_title = title_property(RATINGS, "rating")


class Refund(AllianceOwned, db.Model):
    """Unspent grant money returned to the program at closeout (recorded by finance or the officer)."""

    __tablename__ = "refunds"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    amount = sa.Column(Money(), nullable=False)
    #: the bank's reference of the transfer back to the program
    reference = sa.Column(sa.String(120), nullable=False)
    refunded_on = sa.Column(sa.Date, nullable=False)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    #: optional proof of the transfer (PDF, JPEG or PNG, checked by grants/uploads.py), stored by SHA-256
    proof_sha256 = sa.Column(sa.String(64))
    proof_content_type = sa.Column(sa.String(60))
    proof_filename = sa.Column(sa.String(200))

    alliance = db.relationship("Alliance", backref=db.backref("refunds", order_by="Refund.id",
                                                              passive_deletes=True))
    recorded_by = db.relationship("User")

from .followups_models import FollowUp  # noqa: E402,F401  (life after the grant: follow-ups of a closed alliance)
