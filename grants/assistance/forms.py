"""Forms of the assistance pages: shells for rendering and CSRF; the input is validated by the operation's
schema (grants/assistance/schemas.py) and the rules by the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FileField, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..alliances import expenses as expense_interface
from ..web.forms import MoneyField, options
from ..accounts.models import User, UserRole
from ..extensions import db
from .models import Provider

ROWS = 5


class ProviderForm(FlaskForm):
    name = StringField(_l("Name (person or firm)"), validators=[Optional(), Length(max=200)])
    tax_id = StringField(_l("Tax id"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    user_id = SelectField(_l("The provider's own account"), validate_choice=False)

    def fill(self):
        users = db.session.execute(db.select(User).join(UserRole).where(UserRole.role == "ta_provider")
                                   .order_by(User.name)).scalars().all()
        self.user_id.choices = options([("", _l("No account"))] + [(str(u.id), f"{u.name} ({u.email})")
                                                                    for u in users])
        return self


class DeliverableRow(Form):
    description = StringField(_l("Deliverable"), validators=[Optional(), Length(max=300)])
    due_on = StringField(_l("Due on"), validators=[Optional(), Length(max=10)])
    amount = MoneyField(_l("Amount"), validators=[Optional(), Length(max=30)])


class ContractForm(FlaskForm):
    provider_id = SelectField(_l("Provider"), validate_choice=False)
    budget_line_id = SelectField(_l("Budget line (technical assistance)"), validate_choice=False)
    amount = MoneyField(_l("Contract amount"), validators=[Optional(), Length(max=30)])
    starts_on = StringField(_l("Starts on"), validators=[Optional(), Length(max=10)])
    ends_on = StringField(_l("Ends on"), validators=[Optional(), Length(max=10)])
    terms_id = HiddenField(validators=[Optional(), Length(max=12)])
    deliverables = FieldList(FormField(DeliverableRow), min_entries=ROWS, max_entries=ROWS)

    def fill(self, alliance):
        providers = db.session.execute(db.select(Provider).order_by(Provider.name)).scalars().all()
        self.provider_id.choices = options([("", _l("Choose a provider"))] + [(str(p.id), p.name) for p in providers])
        self.budget_line_id.choices = options(
            [(str(line.id), f"{line.position}. {line.description}") for line in alliance.budget_lines
             if line.category == "technical_assistance"])
        return self

    def values(self):
        data = {k: (getattr(self, k).data or "").strip() or None
                for k in ("provider_id", "budget_line_id", "amount", "starts_on", "ends_on", "terms_id")}
        rows = [{k: (row.form[k].data or "").strip() for k in ("description", "due_on", "amount")}
                for row in self.deliverables]
        # the rows typed in (a blank cell is "not given": the schema says it is required)
        data["deliverables"] = [{k: v for k, v in row.items() if v} for row in rows if any(row.values())]
        return data


class SubmitForm(FlaskForm):
    file = FileField(_l("The deliverable (PDF or photo)"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class DecisionForm(FlaskForm):
    action = SelectField(_l("Decision"), validate_choice=False,
                         choices=options([("accept", _l("Accept")), ("reject", _l("Reject"))]))
    comment = TextAreaField(_l("Comment (required to reject)"), validators=[Optional(), Length(max=5000)])


class PayForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[Optional(), Length(max=30)])
    spent_on = StringField(_l("Date paid"), validators=[Optional(), Length(max=10)])
    document_type = SelectField(_l("Document"), validate_choice=False)
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=60)])
    receipt = FileField(_l("Receipt (photo or PDF)"))

    def fill(self):
        self.document_type.choices = options(list(expense_interface.document_types().items()))
        return self


SCORES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class CloseForm(FlaskForm):
    quality = SelectField(_l("Quality (1–5)"), validate_choice=False, choices=options(SCORES))
    timeliness = SelectField(_l("Timeliness (1–5)"), validate_choice=False, choices=options(SCORES))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class TermsForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line (technical assistance)"), validate_choice=False)
    scope = TextAreaField(_l("Scope of the assistance"), validators=[Optional(), Length(max=5000)])
    deliverables = TextAreaField(_l("Expected deliverables"), validators=[Optional(), Length(max=5000)])
    budget = StringField(_l("Budget"), validators=[Optional(), Length(max=30)])
    duration_days = StringField(_l("Duration (days)"), validators=[Optional(), Length(max=6)])
    profile = TextAreaField(_l("Profile of the provider"), validators=[Optional(), Length(max=5000)])
    technical_weight = StringField(_l("Weight of the technical score, in percent"), default="70",
                                   validators=[Optional(), Length(max=3)])

    def fill(self, alliance):
        self.budget_line_id.choices = options(
            [(str(line.id), f"{line.position}. {line.description}") for line in alliance.budget_lines
             if line.category == "technical_assistance"])
        return self


class InviteForm(FlaskForm):
    reason = TextAreaField(_l("Why fewer than three providers (if so)"), validators=[Optional(), Length(max=5000)])


class ProposalForm(FlaskForm):
    provider_id = SelectField(_l("Provider"), validate_choice=False)
    price = MoneyField(_l("Price"), validators=[Optional(), Length(max=30)])
    file = FileField(_l("The proposal (PDF or photo)"))


class OwnProposalForm(FlaskForm):
    """A provider's own proposal to an invitation (its provider is the signed-in one)."""
    price = MoneyField(_l("Price"), validators=[Optional(), Length(max=30)])
    file = FileField(_l("The proposal (PDF or photo)"))


class ScoreForm(FlaskForm):
    technical_score = StringField(_l("Technical score (0–100)"), validators=[Optional(), Length(max=3)])


class SelectForm(FlaskForm):
    proposal_id = SelectField(_l("Proposal"), validate_choice=False)
    justification = TextAreaField(_l("Justification"), validators=[Optional(), Length(max=5000)])
