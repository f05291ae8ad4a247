"""Forms of the funding pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, StringField, TextAreaField

from ..schemas.fields import html_attrs
from ..web.forms import MoneyField
from .schemas import TrancheActionIn


class SignedAgreementForm(FlaskForm):
    file = FileField(_l("Signed agreement (PDF)"))


class TrancheActionForm(FlaskForm):
    """One form for every tranche action: renders it and carries the CSRF token; ``schemas.TrancheActionIn``
    validates it and the service checks what each action needs."""

    action = HiddenField()
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), render_kw=html_attrs(TrancheActionIn, "reason"))
    amount = MoneyField(_l("Amount transferred"))
    disbursed_on = StringField(_l("Date of the transfer"))
    reference = StringField(_l("Bank reference"), render_kw=html_attrs(TrancheActionIn, "reference"))
