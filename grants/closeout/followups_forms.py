"""The form of a follow-up after the closing (a shell for rendering and CSRF): the service reads it with the
operation's schema, FollowUpIn, and names every error beside its rules at once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import MoneyField, options
from .followups_models import KINDS, YEARS

YES_NO = [("", _l("— choose —")), ("yes", _l("Yes")), ("no", _l("No"))]

#: the fields the service reads, in the order of the form
FIELDS = ("year", "kind", "held_on", "still_selling", "buyer_kept", "other_buyers", "sales_volume", "sales_unit",
          "sales_value", "families_active", "women_active", "revolving_fund_balance", "loans_open",
          "loans_outstanding", "notes")


class FollowUpForm(FlaskForm):
    year = SelectField(_l("Year after the closing"), validators=[Optional()],
                       choices=options([(str(y), str(y)) for y in YEARS]))
    kind = SelectField(_l("How it was made"), validators=[Optional()],
                       choices=options([("", _l("— choose —"))] + list(KINDS.items())))
    held_on = StringField(_l("Date of the visit or call"), validators=[Optional(), Length(max=10)],
                          description=_l("For example: 2027-03-01."))
    still_selling = SelectField(_l("Does the association still sell the product?"), validators=[Optional()],
                                choices=options(YES_NO))
    buyer_kept = SelectField(_l("Does it still sell to the alliance's buyer?"), validators=[Optional()],
                             choices=options(YES_NO))
    other_buyers = StringField(_l("Other buyers"), validators=[Optional(), Length(max=300)],
                               description=_l("To whom else it sells, if anyone."))
    sales_volume = StringField(_l("Volume sold in the last twelve months"), validators=[Optional(), Length(max=30)])
    sales_unit = StringField(_l("Unit of the volume"), validators=[Optional(), Length(max=60)],
                             description=_l("For example: tonnes, litres."))
    sales_value = MoneyField(_l("Value of the sales in the last twelve months"),
                             validators=[Optional(), Length(max=30)])
    families_active = StringField(_l("Member families still active"), validators=[Optional(), Length(max=12)])
    women_active = StringField(_l("Women among them"), validators=[Optional(), Length(max=12)])
    revolving_fund_balance = MoneyField(_l("Balance of the revolving fund"), validators=[Optional(), Length(max=30)])
    loans_open = StringField(_l("Loans of the fund still open"), validators=[Optional(), Length(max=12)])
    loans_outstanding = MoneyField(_l("Still owed on those loans"), validators=[Optional(), Length(max=30)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])

    def data_for_service(self):
        return {k: getattr(self, k).data or "" for k in FIELDS}
