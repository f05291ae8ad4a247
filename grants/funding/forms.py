"""Forms of the funding pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import MoneyField


class SignedAgreementForm(FlaskForm):
    file = FileField(_l("Signed agreement (PDF)"))


class TrancheActionForm(FlaskForm):
    """One form for every tranche action; the service checks what each action needs."""

    action = HiddenField()
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    amount = MoneyField(_l("Amount transferred"), validators=[Optional(), Length(max=30)])
    disbursed_on = StringField(_l("Date of the transfer"), validators=[Optional(), Length(max=10)])
    reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=120)])

    def data_for_service(self):
        return {"reason": self.reason.data or None, "comment": self.reason.data or None,
                "amount": (self.amount.data or "").strip() or None,
                "disbursed_on": (self.disbursed_on.data or "").strip() or None,
                "reference": (self.reference.data or "").strip() or None}
