"""Forms of the grievance pages (every check of substance is in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import QueryForm, options
from ..workflows.grievance import STATES
from .models import CATEGORIES


class GrievanceForm(FlaskForm):
    category = SelectField(_l("What is it about?"), validate_choice=False)
    description = TextAreaField(_l("What happened?"), validators=[Optional(), Length(max=5000)])
    alliance_code = StringField(_l("Code of the alliance (optional)"), validators=[Optional(), Length(max=40)])
    association_id = HiddenField()
    anonymous = BooleanField(_l("Keep my name secret (anonymous)"), default=True)
    contact = StringField(_l("Phone or e-mail to reach you (optional)"), validators=[Optional(), Length(max=200)])
    attachment = FileField(_l("Photo or document (optional): PDF, JPEG or PNG"))

    def fill(self):
        self.category.choices = options([("", _l("Choose one"))] + list(CATEGORIES.items()))
        return self

    def values(self):
        return {"category": self.category.data or "", "description": self.description.data or "",
                "alliance_code": (self.alliance_code.data or "").strip() or None,
                "association_id": (self.association_id.data or "").strip() or None,
                "anonymous": bool(self.anonymous.data), "contact": (self.contact.data or "").strip() or None}


class TrackForm(QueryForm):
    code = StringField(_l("Tracking code"), validators=[Optional(), Length(max=40)])


class FilterForm(QueryForm):
    state = SelectField(_l("State"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)

    def fill(self, regions):
        self.state.choices = options([("", _l("Every state"))] + list(STATES.items()))
        self.category.choices = options([("", _l("Every category"))] + list(CATEGORIES.items()))
        self.region.choices = options([("", _l("Every region"))] + [(r, r) for r in regions])
        return self
