"""The form of the assembly register. Decisions are rows of plain fields (``decisions-N-kind`` ...), so
that the page works without JavaScript: empty rows are left out."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import options
from .assemblies import DECISION_LABELS, KIND_LABELS

#: decision rows shown on the page
DECISION_ROWS = 6
VOTE_KEYS = ("votes_for", "votes_against", "votes_abstain")


class AssemblyForm(FlaskForm):
    held_on = StringField(_l("Date of the assembly"), validators=[Optional(), Length(max=10)])
    kind = SelectField(_l("Kind of assembly"), validate_choice=False)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    women = StringField(_l("Women present"), validators=[Optional(), Length(max=7)])
    men = StringField(_l("Men present"), validators=[Optional(), Length(max=7)])
    families_present = StringField(_l("Member families represented (if the minutes say)"),
                                   validators=[Optional(), Length(max=7)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def fill(self):
        self.kind.choices = options([("", "—")] + list(KIND_LABELS.items()))
        return self


def decision_kind_options():
    return [("", "—")] + [(k, str(v)) for k, v in DECISION_LABELS.items()]


def decision_rows(form_data):
    """The decision rows as typed (``[{kind, text, votes_*}]`` for every row), and those with content."""
    rows = []
    for i in range(DECISION_ROWS):
        row = {"kind": (form_data.get(f"decisions-{i}-kind") or "").strip(),
               "text": (form_data.get(f"decisions-{i}-text") or "").strip()[:1000]}
        for key in VOTE_KEYS:
            row[key] = (form_data.get(f"decisions-{i}-{key}") or "").strip()[:7]
        rows.append(row)
    filled = [r for r in rows if any(r.values())]
    return rows, filled
