"""Forms of the revolving fund pages: they render and carry the CSRF token; the input is read by the operation's
schema (grants/revolving/schemas.py) and checked by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..money import shown
from ..web.forms import MoneyField, options


def member_options(members):
    return options([("", _l("Choose a member"))] + [(str(m.id), f"{m.full_name} · {m.national_id}")
                                                     for m in members])


class RepaymentForm(FlaskForm):
    member_id = SelectField(_l("Member"), validate_choice=False)
    amount = MoneyField(_l("Amount"), validators=[Optional(), Length(max=30)])
    paid_on = StringField(_l("Date paid"), validators=[Optional(), Length(max=10)])
    reference = StringField(_l("Receipt reference"), validators=[Optional(), Length(max=100)])
    alliance_id = SelectField(_l("Repays the share of alliance"), validate_choice=False)
    loan_id = SelectField(_l("Repays loan"), validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])

    def fill(self, members, alliances, loans, names):
        self.member_id.choices = member_options(members)
        self.alliance_id.choices = options([("", "—")] + [(str(a.id), f"{a.code} · {a.title}") for a in alliances])
        self.loan_id.choices = options([("", "—")] + [(str(ln.id), f"#{ln.id} · {names(ln.member)} · {shown(ln.amount)}")
                                                      for ln in loans])
        return self

    def values(self):
        keys = ("member_id", "amount", "paid_on", "reference", "alliance_id", "loan_id", "note")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class LoanForm(FlaskForm):
    member_id = SelectField(_l("Member"), validate_choice=False)
    amount = MoneyField(_l("Amount"), validators=[Optional(), Length(max=30)])
    lent_on = StringField(_l("Date lent"), validators=[Optional(), Length(max=10)])
    due_on = StringField(_l("Due date"), validators=[Optional(), Length(max=10)])
    interest_rate = StringField(_l("Interest for the whole term (share, e.g. 0.05; empty: none)"),
                                validators=[Optional(), Length(max=10)])
    purpose = StringField(_l("Purpose"), validators=[Optional(), Length(max=300)])

    def fill(self, members):
        self.member_id.choices = member_options(members)
        return self

    def values(self):
        keys = ("member_id", "amount", "lent_on", "due_on", "interest_rate", "purpose")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class LoanRepaymentForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[Optional(), Length(max=30)])
    paid_on = StringField(_l("Date paid"), validators=[Optional(), Length(max=10)])
    reference = StringField(_l("Receipt reference"), validators=[Optional(), Length(max=100)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])

    def values(self):
        keys = ("amount", "paid_on", "reference", "note")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class WriteOffForm(FlaskForm):
    reason = TextAreaField(_l("Why is the loan written off?"), validators=[Optional(), Length(max=1000)])
