"""Forms of the monitoring pages: they render and carry the CSRF token; the input is read by the operation's schema
(grants/monitoring/schemas.py) and checked by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FileField, Form, FormField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import QueryForm, options
from .models import RATINGS

ACTION_ROWS = 3


def _clean(value):
    return (value or "").strip() if isinstance(value, str) else value


class ValueForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), validate_choice=False)
    period = StringField(_l("Period (YYYY-MM)"), validators=[Optional(), Length(max=7)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=30)])
    women = StringField(_l("Women"), validators=[Optional(), Length(max=12)])
    men = StringField(_l("Men"), validators=[Optional(), Length(max=12)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def fill(self, indicators):
        self.indicator_id.choices = options([(str(i.id), f"{i.title} ({i.unit_title})" if i.unit_title else
                                              str(i.title)) for i in indicators])
        return self

    def values(self):
        return {k: _clean(getattr(self, k).data) for k in ("period", "value", "women", "men", "note")}


class ActionRow(Form):
    description = StringField(_l("Follow-up action"), validators=[Optional(), Length(max=2000)])
    due_on = StringField(_l("Due on"), validators=[Optional(), Length(max=10)])


class VisitForm(FlaskForm):
    visited_on = StringField(_l("Date of the visit"), validators=[Optional(), Length(max=10)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    participants = StringField(_l("Participants"), validators=[Optional(), Length(max=12)])
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=10000)])
    rating = SelectField(_l("Progress"), validate_choice=False)
    photos = MultipleFileField(_l("Photos (JPEG or PNG)"))
    actions = FieldList(FormField(ActionRow), min_entries=ACTION_ROWS, max_entries=ACTION_ROWS)

    def fill(self):
        self.rating.choices = options([("", _l("Choose a rating"))] + list(RATINGS.items()))
        return self

    def values(self):
        data = {k: _clean(getattr(self, k).data) for k in ("visited_on", "place", "participants", "findings",
                                                           "rating")}
        data["actions"] = [{"description": _clean(r.form.description.data), "due_on": _clean(r.form.due_on.data)}
                           for r in self.actions]
        return data


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG or PNG)"))
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=200)])


class ActionForm(FlaskForm):
    answer = TextAreaField(_l("Answer: what was done"), validators=[Optional(), Length(max=5000)])
    evidence = FileField(_l("Evidence (PDF, JPEG or PNG, optional)"))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


class AlertFilterForm(QueryForm):
    code = SelectField(_l("Alert"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
