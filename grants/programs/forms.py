"""Forms of the program and call pages, and the program rules in plain words."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, Form, FormField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web import i18n
from ..web.forms import MoneyField, options
from ..accounts.forms import split_list
from .models import RULES

#: label and hint of each program rule, in the order of RULES
RULE_LABELS = {
    "max_grant_share": (_l("Maximum grant share of the total cost"), _l("0.70 means 70 %")),
    "min_counterpart_share": (_l("Minimum counterpart share (cash and in kind)"), _l("0.30 means 30 %")),
    "min_counterpart_cash_share": (_l("Minimum counterpart in cash, share of the total cost"),
                                   _l("0.10 means 10 %")),
    "grant_cap_per_family": (_l("Maximum grant per family"), _l("An amount such as 14000.00")),
    "min_families": (_l("Minimum families per alliance"), _l("A whole number")),
    "max_families": (_l("Maximum families per alliance"), _l("A whole number")),
    "minor_purchase_limit": (_l("Minor purchase limit"),
                             _l("From this amount on, purchases need a price comparison; e.g. 10000.00")),
    "min_quotations": (_l("Quotations needed for a price comparison"), _l("A whole number")),
    "tranche_justified_share": (_l("Share of the money disbursed that must be justified before the next tranche"),
                                _l("0.70 means 70 %")),
    "free_reallocation_share": (_l("Share of a budget line that may be moved without approval"),
                                _l("0.10 means 10 %")),
    "discount_rate": (_l("Discount rate for the net present value"), _l("0.12 means 12 %")),
    "committee_quorum": (_l("Committee quorum (members who must review)"), _l("A whole number")),
    "one_open_alliance_per_call": (_l("Only one open alliance per association in each call"), None),
    "revolving_fund_share": (_l("Share of the grant repaid into the revolving fund"), _l("0.00 means none")),
    "report_period_months": (_l("Months between accountability reports"),
                             _l("An alert is raised when no report covers this period")),
    "tranche_response_days": (_l("Days to answer a tranche request"),
                              _l("An alert is raised when a request waits longer")),
    "low_execution_share": (_l("Low execution: share of the grant received that should be spent"),
                            _l("0.50 means an alert when less than half is spent one report period after a "
                               "transfer")),
    "buyer_noncompliance_share": (_l("Buyer behind the letter of intent: share of the agreed volume or payments"),
                                  _l("0.20 means an alert when confirmed deliveries or payments fall more than 20 % "
                                     "behind")),
    "grievance_ack_days": (_l("Days to acknowledge a grievance"),
                           _l("An overdue grievance raises an alert")),
    "grievance_resolve_days": (_l("Days to resolve a grievance"), _l("Counted from the day it was received")),
}
assert set(RULE_LABELS) == set(RULES)


def rule_input(kind, value):
    """The text shown in a rule's input: ``0.70``, ``0.125``, ``10000.00``, ``3``."""
    if value is None:
        return ""
    if kind == "ratio":
        d = Decimal(value).normalize()
        return str(d.quantize(Decimal("0.01"))) if -d.as_tuple().exponent <= 2 else format(d, "f")
    if kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    return str(value)


def rule_sentences(program):
    """Each rule of ``program`` as a sentence, e.g. "Grant at most 70.00 % of the total cost"."""
    cur = program.currency
    pct, cash, n = i18n.percent, (lambda v: i18n.money(v, cur)), (lambda v: i18n.number(v))
    p = program
    lines = [
        ("max_grant_share", _("Grant at most %(value)s of the total cost", value=pct(p.max_grant_share))),
        ("min_counterpart_share", _("Counterpart (cash and in kind) at least %(value)s of the total cost",
                                    value=pct(p.min_counterpart_share))),
        ("min_counterpart_cash_share", _("Counterpart in cash at least %(value)s of the total cost",
                                         value=pct(p.min_counterpart_cash_share))),
        ("grant_cap_per_family", _("Grant at most %(value)s per family", value=cash(p.grant_cap_per_family))),
        ("min_families", _("At least %(value)s families per alliance", value=n(p.min_families))),
        ("max_families", _("At most %(value)s families per alliance", value=n(p.max_families))),
        ("minor_purchase_limit", _("Purchases below %(value)s need one quotation; from that amount on, a price "
                                   "comparison", value=cash(p.minor_purchase_limit))),
        ("min_quotations", _("A price comparison needs at least %(value)s quotations", value=n(p.min_quotations))),
        ("tranche_justified_share", _("A next tranche only when at least %(value)s of the money disbursed so far "
                                      "is justified", value=pct(p.tranche_justified_share))),
        ("free_reallocation_share", _("Up to %(value)s of a budget line may be moved without the officer's "
                                      "approval", value=pct(p.free_reallocation_share))),
        ("discount_rate", _("Net present value discounted at %(value)s a year", value=pct(p.discount_rate))),
        ("committee_quorum", _("The committee decides once at least %(value)s members have reviewed",
                               value=n(p.committee_quorum))),
        ("one_open_alliance_per_call",
         _("An association may have only one open alliance in each call") if p.one_open_alliance_per_call
         else _("An association may have several open alliances in the same call")),
        ("revolving_fund_share",
         _("%(value)s of the grant is repaid into the association's revolving fund",
           value=pct(p.revolving_fund_share)) if p.revolving_fund_share
         else _("No part of the grant goes to a revolving fund")),
        ("report_period_months", _("An accountability report is expected at least every %(value)s months",
                                   value=n(p.report_period_months))),
        ("tranche_response_days", _("A tranche request is answered within %(value)s days",
                                    value=n(p.tranche_response_days))),
        ("low_execution_share", _("Execution is low when less than %(value)s of the grant received is spent one "
                                  "report period after a transfer", value=pct(p.low_execution_share))),
        ("buyer_noncompliance_share", _("The buyer is behind when confirmed deliveries or payments fall more than "
                                        "%(value)s short of the letter of intent",
                                        value=pct(p.buyer_noncompliance_share))),
        ("grievance_ack_days", _("A grievance is acknowledged within %(value)s days", value=n(p.grievance_ack_days))),
        ("grievance_resolve_days", _("A grievance is resolved within %(value)s days",
                                     value=n(p.grievance_resolve_days))),
    ]
    return lines


def _decimal_text(text):
    """Accept ``0,70`` as well as ``0.70`` (a comma alone is the decimal separator)."""
    text = (text or "").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


class ProgramForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Length(max=30)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    currency = StringField(_l("Currency"), validators=[Length(max=3)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])

    def rule_fields(self):
        return [(self[name], RULES[name][0], RULE_LABELS[name][1]) for name in RULES]

    def fill_from(self, program=None):
        """Show a program's rules (or the defaults) in the inputs."""
        for name, (kind, default) in RULES.items():
            value = getattr(program, name) if program is not None else default
            self[name].data = bool(value) if kind == "bool" else rule_input(kind, value)

    def data_for_service(self):
        rules = {}
        for name, (kind, _default) in RULES.items():
            raw = self[name].data
            rules[name] = bool(raw) if kind == "bool" else (
                _decimal_text(raw) if kind in ("ratio", "money") else (raw or "").strip())
        return {"code": (self.code.data or "").strip(), "name": self.name.data or "",
                "currency": self.currency.data or "", "description": self.description.data or None, "rules": rules}


for _name, (_kind, _default) in RULES.items():
    _label = RULE_LABELS[_name][0]
    setattr(ProgramForm, _name, BooleanField(_label) if _kind == "bool" else
            (MoneyField if _kind == "money" else StringField)(_label, validators=[Length(max=30)]))
del _name, _kind, _default, _label


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CriterionForm(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    weight = StringField(_l("Weight"), validators=[Optional(), Length(max=6)])
    max = StringField(_l("Highest score"), validators=[Optional(), Length(max=6)])

    def is_blank(self):
        return not any((f.data or "").strip() for f in (self.code, self.name, self.weight))


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class CallForm(FlaskForm):
    program_id = SelectField(_l("Program"), validators=[DataRequired(message=_l("Choose a program."))])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    opens_at = DateTimeLocalField(_l("Opens at"), format=DATETIME_FORMATS,
                                  validators=[InputRequired(message=_l("Enter a date and time."))])
    closes_at = DateTimeLocalField(_l("Closes at"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(message=_l("Enter a date and time."))])
    envelope = MoneyField(_l("Envelope (total grant money of the call)"), validators=[Length(max=30)])
    regions = StringField(_l("Regions, separated by commas"), validators=[Optional(), Length(max=800)])
    committee_ids = MultiCheckboxField(_l("Committee members"), validators=[Optional()])
    criteria = FieldList(FormField(CriterionForm), label=_l("Scoring criteria"))

    def fill_from(self, call):
        """Show a stored call; times in the app's time zone."""
        self.program_id.data = str(call.program_id)
        self.title.data, self.description.data = call.title, call.description
        self.opens_at.data = to_user_timezone(call.opens_at).replace(tzinfo=None)
        self.closes_at.data = to_user_timezone(call.closes_at).replace(tzinfo=None)
        self.envelope.data = rule_input("money", call.envelope)
        self.regions.data = ", ".join(call.regions)
        self.committee_ids.data = [str(i) for i in call.committee_ids]

    def data_for_service(self):
        return {
            "program_id": self.program_id.data,
            "title": self.title.data or "",
            "description": self.description.data or None,
            # the inputs are local times in the app's time zone; the database keeps naive UTC
            "opens_at": to_utc(self.opens_at.data),
            "closes_at": to_utc(self.closes_at.data),
            "envelope": _decimal_text(self.envelope.data),
            "regions": split_list(self.regions.data),
            "committee_ids": list(self.committee_ids.data or []),
            "criteria": [self.criterion_data(e.form) for e in self.filled_criteria()],
        }

    def filled_criteria(self):
        return [e for e in self.criteria if not e.form.is_blank()]

    @staticmethod
    def criterion_data(row):
        return {"code": (row.code.data or "").strip(), "name": (row.name.data or "").strip(),
                "weight": (row.weight.data or "").strip(), "max": (row.max.data or "").strip() or "5"}
