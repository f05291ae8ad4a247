from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FileField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..web.forms import MoneyField, ReadableAmount

AMOUNT = ReadableAmount()


class ProfileForm(FlaskForm):
    version = HiddenField()
    location = StringField(_l("Location (community, municipality)"), validators=[Optional(), Length(max=200)])
    business_idea = TextAreaField(_l("Business idea"), validators=[Optional(), Length(max=5000)])
    market_opportunity = TextAreaField(_l("Market opportunity"), validators=[Optional(), Length(max=5000)])
    current_production = TextAreaField(_l("Current production and sales"), validators=[Optional(), Length(max=5000)])
    current_sales = MoneyField(_l("Current sales per year"), validators=[Optional(), AMOUNT])
    estimated_investment = MoneyField(_l("Estimated investment"), validators=[Optional(), AMOUNT])
    loi_volume = MoneyField(_l("Volume the buyer will buy"), validators=[Optional(), AMOUNT])  # a number read the same way
    loi_unit = StringField(_l("Unit"), validators=[Optional(), Length(max=30)])
    loi_price = MoneyField(_l("Price per unit"), validators=[Optional(), AMOUNT])
    loi_quality = TextAreaField(_l("Quality required"), validators=[Optional(), Length(max=2000)])
    loi_delivery = TextAreaField(_l("Delivery schedule"), validators=[Optional(), Length(max=2000)])
    loi_signed_on = DateField(_l("Letter signed on"), validators=[Optional()])
    buyer_letter = FileField(_l("Buyer's signed letter of intent (PDF, JPEG or PNG)"))
    legal_status = FileField(_l("Legal status certificate (PDF, JPEG or PNG)"))

    TEXT = ("location", "business_idea", "market_opportunity", "current_production", "loi_unit", "loi_quality",
            "loi_delivery")
    AMOUNTS = ("current_sales", "estimated_investment", "loi_volume", "loi_price")

    def fill(self, profile):
        if profile is None:
            return
        self.version.data = profile.version
        for key in self.TEXT:
            getattr(self, key).data = getattr(profile, key)
        for key in self.AMOUNTS:
            value = getattr(profile, key)
            getattr(self, key).data = str(value) if value else ""
        self.loi_signed_on.data = profile.loi_signed_on

    def data_for_service(self):
        data = {key: getattr(self, key).data or "" for key in self.TEXT}
        for key in self.AMOUNTS:
            data[key] = (getattr(self, key).data or "").strip().replace(",", ".") or "0"
        data["loi_signed_on"] = self.loi_signed_on.data
        return data


def screening_form(criteria, formdata=None, sheet=None):
    """A form with one score field (0..max) and one comment per criterion of the call."""

    class ScreeningForm(FlaskForm):
        pass

    for c in criteria:
        setattr(ScreeningForm, f"score_{c.code}", IntegerField(
            _l("Score from 0 to %(max)s", max=c.max), validators=[InputRequired(message=_l("Give a score.")),
                                NumberRange(0, c.max, message=_l("From 0 to %(max)s.", max=c.max))]))
        setattr(ScreeningForm, f"comment_{c.code}", TextAreaField(_l("Why this score"),
                                                                  validators=[Optional(), Length(max=2000)]))
    form = ScreeningForm(formdata=formdata)
    if formdata is None and sheet:
        for item in sheet["criteria"]:
            getattr(form, f"score_{item['code']}").data = item["score"]
            getattr(form, f"comment_{item['code']}").data = item["comment"]
    return form


class PreselectionForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the minutes"), validators=[Optional(), Length(max=2000)])
