"""Forms of the closeout pages: shells for rendering and CSRF. Each input is validated by its operation's schema
(grants/closeout/schemas.py); the final report's form is read with it by the service, its indicator actuals
taken from the request by their ids."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import MoneyField, options
from .models import RATINGS


class FinalReportForm(FlaskForm):
    version = HiddenField()
    narrative = TextAreaField(_l("Results achieved"), validators=[Optional(), Length(max=20000)],
                              description=_l("What the alliance achieved with the buyer, the families and the "
                                             "association."))
    lessons = TextAreaField(_l("Lessons learned"), validators=[Optional(), Length(max=20000)])
    sales_volume = StringField(_l("Volume sold to the buyer"), validators=[Optional(), Length(max=30)])
    sales_unit = StringField(_l("Unit of the volume"), validators=[Optional(), Length(max=60)],
                             description=_l("For example: tonnes, litres."))
    sales_value = MoneyField(_l("Value of the sales to the buyer"), validators=[Optional(), Length(max=30)])

    def data_for_service(self, indicators, formdata):
        data = {k: getattr(self, k).data or "" for k in ("narrative", "lessons", "sales_volume", "sales_unit",
                                                         "sales_value", "version")}
        data["actuals"] = [{"indicator_id": ind.id, "actual": formdata.get(f"actual-{ind.id}", ""),
                            "women": formdata.get(f"women-{ind.id}", ""), "men": formdata.get(f"men-{ind.id}", "")}
                           for ind in indicators]
        return data


class EvaluationForm(FlaskForm):
    version = HiddenField()
    rating = SelectField(_l("Rating"), choices=options([("", _l("— choose —"))] + list(RATINGS.items())),
                         validators=[Optional()])
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=20000)])
    recommendations = TextAreaField(_l("Recommendations"), validators=[Optional(), Length(max=20000)])


class RefundForm(FlaskForm):
    amount = MoneyField(_l("Amount refunded"), validators=[Optional(), Length(max=30)])
    reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=120)])
    refunded_on = StringField(_l("Date of the refund"), validators=[Optional(), Length(max=10)],
                              description=_l("For example: 2027-03-01."))
    proof = FileField(_l("Proof of the transfer (PDF, JPEG or PNG, optional)"))


class MoveToFundForm(FlaskForm):
    amount = MoneyField(_l("Amount moved to the revolving fund"), validators=[Optional(), Length(max=30)])
    moved_on = StringField(_l("Date of the move"), validators=[Optional(), Length(max=10)],
                           description=_l("For example: 2027-03-01."))


class ActionForm(FlaskForm):
    """The closeout's transitions (``submit_final_report``, ``close``) taken from the closeout page."""

    action = HiddenField()
    version = HiddenField()
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
