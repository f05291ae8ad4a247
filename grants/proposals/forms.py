from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FileField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..schemas.fields import html_attrs
from ..web.forms import MoneyField, ReadableAmount
from .schemas import ProfileEdit

AMOUNT = ReadableAmount()


def _attrs(name):
    return html_attrs(ProfileEdit, name)


class ProfileForm(FlaskForm):
    """Renders the profile and carries the CSRF token; ``schemas.ProfileEdit`` validates it (an amount the
    page cannot read is refused here, with how to write it in the reader's language)."""

    version = HiddenField()
    location = StringField(_l("Location (community, municipality)"), render_kw=_attrs("location"))
    business_idea = TextAreaField(_l("Business idea"), render_kw=_attrs("business_idea"))
    market_opportunity = TextAreaField(_l("Market opportunity"), render_kw=_attrs("market_opportunity"))
    current_production = TextAreaField(_l("Current production and sales"), render_kw=_attrs("current_production"))
    current_sales = MoneyField(_l("Current sales per year"), validators=[Optional(), AMOUNT])
    estimated_investment = MoneyField(_l("Estimated investment"), validators=[Optional(), AMOUNT])
    loi_volume = MoneyField(_l("Volume the buyer will buy"), validators=[Optional(), AMOUNT])  # a number read the same way
    loi_unit = StringField(_l("Unit"), render_kw=_attrs("loi_unit"))
    loi_price = MoneyField(_l("Price per unit"), validators=[Optional(), AMOUNT])
    loi_quality = TextAreaField(_l("Quality required"), render_kw=_attrs("loi_quality"))
    loi_delivery = TextAreaField(_l("Delivery schedule"), render_kw=_attrs("loi_delivery"))
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
