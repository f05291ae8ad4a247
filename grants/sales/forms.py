"""Forms of the delivery pages: they render and carry the CSRF token; the input is read by the operation's schema
(grants/sales/schemas.py) and checked by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import MoneyField


class DeliveryForm(FlaskForm):
    delivered_on = StringField(_l("Date delivered"), validators=[Optional(), Length(max=10)])
    quantity = MoneyField(_l("Quantity"), validators=[Optional(), Length(max=30)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=30)])
    quality = StringField(_l("Quality delivered"), validators=[Optional(), Length(max=300)])
    unit_price = MoneyField(_l("Unit price"), validators=[Optional(), Length(max=30)])
    amount = MoneyField(_l("Amount (quantity × unit price; empty: computed)"), validators=[Optional(), Length(max=30)])

    def values(self):
        return {k: (getattr(self, k).data or "").strip() for k in
                ("delivered_on", "quantity", "unit", "quality", "unit_price", "amount")}

    def fill_from(self, delivery):
        self.delivered_on.data = delivery.delivered_on.isoformat()
        for k in ("quantity", "unit_price", "amount"):
            getattr(self, k).data = str(getattr(delivery, k))
        self.unit.data, self.quality.data = delivery.unit, delivery.quality
        return self


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Why do you dispute it? (what differs: quantity, quality, price...)"),
                           validators=[Optional(), Length(max=2000)])
    paid_on = StringField(_l("Date paid (optional)"), validators=[Optional(), Length(max=10)])
    paid_amount = MoneyField(_l("Amount paid (optional)"), validators=[Optional(), Length(max=30)])


class PaymentForm(FlaskForm):
    paid_on = StringField(_l("Date paid"), validators=[Optional(), Length(max=10)])
    paid_amount = MoneyField(_l("Amount paid"), validators=[Optional(), Length(max=30)])


class LinkForm(FlaskForm):
    user_id = SelectField(_l("Account with the buyer role"), validate_choice=False)
