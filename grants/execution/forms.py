"""Forms of the execution pages (every check of substance is in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..web.forms import MoneyField, options
from ..associations.assemblies import decision_label, usable_decisions
from ..extensions import db
from .models import CONTRIBUTION_KINDS, DIRECT_REASONS, DOCUMENT_TYPES, EXPENSE_SOURCES, IN_KIND_TYPES, PROCUREMENT_METHODS, Procurement


def line_options(alliance):
    return options([("", _l("Choose a line"))] + [(str(line.id), f"{line.position}. {line.description}")
                                                  for line in alliance.budget_lines])


def procurement_options(alliance):
    rows = db.session.execute(db.select(Procurement).where(Procurement.alliance_id == alliance.id,
                                                           Procurement.state.in_(("awarded", "closed")))
                              .order_by(Procurement.id)).scalars().all()
    return options([("", "—")] + [(str(p.id), f"#{p.id} {p.description}") for p in rows])


class ExpenseForm(FlaskForm):
    """Renders the expense form and checks its CSRF token; the fields are checked by ``ExpenseIn`` /
    ``ExpensePatch`` (grants/execution/schemas.py)."""

    budget_line_id = SelectField(_l("Budget line"), validate_choice=False)
    spent_on = StringField(_l("Date paid"))
    amount = MoneyField(_l("Amount"))
    source = SelectField(_l("Paid with"), validate_choice=False,
                         choices=options([(k, v) for k, v in EXPENSE_SOURCES.items()]))
    supplier = StringField(_l("Supplier"))
    document_type = SelectField(_l("Document"), validate_choice=False,
                                choices=options([(k, v) for k, v in DOCUMENT_TYPES.items()]))
    document_number = StringField(_l("Document number"))
    description = StringField(_l("What was bought"))
    procurement_id = SelectField(_l("Procurement (above the minor purchase limit)"), validate_choice=False)
    receipt = FileField(_l("Receipt (photo or PDF)"))
    version = HiddenField()

    def fill(self, alliance):
        self.budget_line_id.choices = line_options(alliance)
        self.procurement_id.choices = procurement_options(alliance)
        return self

    def values(self):
        keys = ("budget_line_id", "spent_on", "amount", "source", "supplier", "document_type", "document_number",
                "description", "procurement_id")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class VoidForm(FlaskForm):
    """The reason is checked by ``VoidIn``."""

    reason = TextAreaField(_l("Why is it voided?"))
    version = HiddenField()


class ContributionForm(FlaskForm):
    """Renders the contribution form (CSRF); the fields are checked by ``ContributionIn``."""

    kind = SelectField(_l("Kind"), validate_choice=False,
                       choices=options([(k, v) for k, v in CONTRIBUTION_KINDS.items()]))
    in_kind_type = SelectField(_l("What, if in kind"), validate_choice=False,
                               choices=options([("", "—")] + [(k, v) for k, v in IN_KIND_TYPES.items()]))
    description = StringField(_l("Description"))
    budget_line_id = SelectField(_l("Budget line"), validate_choice=False)
    contributed_on = StringField(_l("Date"))
    quantity = StringField(_l("Days or units (in kind)"))
    unit_value = MoneyField(_l("Value of each"))
    amount = MoneyField(_l("Amount"))
    evidence = FileField(_l("Evidence (photo or PDF)"))

    def fill(self, alliance):
        self.budget_line_id.choices = line_options(alliance)
        return self

    def values(self):
        keys = ("kind", "in_kind_type", "description", "budget_line_id", "contributed_on", "quantity",
                "unit_value", "amount")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class ReportForm(FlaskForm):
    """The period is checked by ``ReportIn``."""

    period_start = StringField(_l("Period from"))
    period_end = StringField(_l("Period to"))


class AssemblyForm(FlaskForm):
    """Checked by ``AssemblyApprovalIn`` (and the service: the minutes' file or a decision)."""

    assembly_approved_on = StringField(_l("Date of the assembly"))
    assembly_minutes = FileField(_l("Minutes of the assembly (photo or PDF)"))
    assembly_decision_id = SelectField(_l("Or the assembly's decision, from the register"), validate_choice=False)


class ReportActionForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    observations = TextAreaField(_l("Observations"), validators=[Optional(), Length(max=5000)])


class ProcurementForm(FlaskForm):
    """Renders the procurement form (CSRF); the fields are checked by ``ProcurementIn``."""

    description = StringField(_l("What is bought"))
    budget_line_id = SelectField(_l("Budget line"), validate_choice=False)
    method = SelectField(_l("Method"), validate_choice=False)
    estimated_amount = MoneyField(_l("Estimated amount"))
    direct_reason = SelectField(_l("Reason for direct contracting"), validate_choice=False)
    file = FileField(_l("Assembly approval (direct contracting)"))
    assembly_decision_id = SelectField(_l("Or the assembly's decision, from the register"), validate_choice=False)

    def fill(self, alliance):
        self.assembly_decision_id.choices = decision_options(alliance)

        self.budget_line_id.choices = line_options(alliance)
        self.method.choices = options(list(PROCUREMENT_METHODS.items()))
        self.direct_reason.choices = options([("", "—")] + list(DIRECT_REASONS.items()))
        return self

    def values(self):
        keys = ("description", "budget_line_id", "method", "estimated_amount", "direct_reason", "assembly_decision_id")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class QuotationForm(FlaskForm):
    """Checked by ``QuotationIn`` (the file by the service)."""

    supplier = StringField(_l("Supplier"))
    amount = MoneyField(_l("Amount quoted"))
    file = FileField(_l("Quotation (photo or PDF)"))


class ProcurementActionForm(FlaskForm):
    action = HiddenField()
    quotation_id = SelectField(_l("Quotation awarded"), validate_choice=False)
    justification = TextAreaField(_l("Justification (if not the lowest)"), validators=[Optional(), Length(max=5000)])
    comment = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("Assembly approval (direct contracting)"))
    assembly_decision_id = SelectField(_l("Or the assembly's decision, from the register"), validate_choice=False)


def decision_options(alliance, kind="direct_contracting"):
    """The registered assembly decisions of ``kind`` a stage may point to (grants/associations/assemblies.py)."""
    return options([("", "—")] + [(str(d.id), decision_label(d)) for d in usable_decisions(alliance.association_id,
                                                                                            kind)])


class ReallocationForm(FlaskForm):
    """Renders the reallocation form (CSRF); the fields are checked by ``ReallocationIn``."""

    from_line_id = SelectField(_l("From line"), validate_choice=False)
    to_line_id = SelectField(_l("To line"), validate_choice=False)
    source = SelectField(_l("Source"), validate_choice=False)
    amount = MoneyField(_l("Amount"))
    justification = TextAreaField(_l("Justification"))

    def fill(self, alliance):
        self.from_line_id.choices = line_options(alliance)
        self.to_line_id.choices = line_options(alliance)
        self.source.choices = options([("grant", _l("Grant")), ("counterpart_cash", _l("Counterpart (cash)")),
                                       ("counterpart_in_kind", _l("Counterpart (in kind)"))])
        return self

    def values(self):
        keys = ("from_line_id", "to_line_id", "source", "amount", "justification")
        return {k: (getattr(self, k).data or "").strip() or None for k in keys}


class DecisionForm(FlaskForm):
    action = HiddenField()
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
