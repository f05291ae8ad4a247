"""Forms of the plan pages. Amounts are text fields: the services parse them exactly and name the errors."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FileField, HiddenField, SelectField, StringField, TextAreaField)
from wtforms.validators import Length, Optional

from ..alliances.budget import BUDGET_CATEGORIES
from ..schemas.fields import html_attrs as attrs
from ..web.forms import MoneyField, options
from .catalog import (CHECKLIST, CHECKLIST_ANSWERS, ENVIRONMENTAL_CATEGORIES, RECOMMENDATIONS, SCORE_LEVELS, SECTIONS,
                      items_of)
from .schemas import BudgetLineIn, IndicatorIn, PlanSections, TrancheIn

SECTION_HINTS = {
    "executive_summary": _l("Region, parties, association, number of members, what the alliance will do."),
    "business_agreement": _l("The opportunity and what the buyer commits to, in words."),
    "agreement_volume": _l("For example: 188.9 t in the first year, 220 t in the second."),
    "agreement_price": _l("For example: Bs 2,041 per tonne, adjusted each year."),
    "environmental_measures": _l("The mitigation and monitoring measures for the category chosen."),
}


def sections_form(plan=None):
    """The sections form; ``plan`` fills it (on GET only: a POST keeps what was typed)."""
    class SectionsForm(FlaskForm):
        version = HiddenField()
        environmental_category = SelectField(
            _l("Environmental category"),
            choices=options([("", _l("— not classified yet —"))] +
                            [(str(k), v) for k, v in ENVIRONMENTAL_CATEGORIES.items()]),
            validators=[Optional()])

    for name, (title, _required) in SECTIONS.items():
        field = StringField if name.startswith("agreement_") else TextAreaField
        setattr(SectionsForm, name, field(title, render_kw=attrs(PlanSections, name),
                                          description=SECTION_HINTS.get(name, "")))
    form = SectionsForm(obj=plan) if plan is not None else SectionsForm()
    if plan is not None:
        form.environmental_category.data = str(plan.environmental_category or "")
        form.version.data = plan.version
    return form


class BudgetLineForm(FlaskForm):
    """Renders the line and carries the CSRF token; ``schemas.BudgetLineIn`` validates it."""

    version = HiddenField()
    category = SelectField(_l("Category"), choices=options(list(BUDGET_CATEGORIES.items())))
    description = StringField(_l("Description"), render_kw=attrs(BudgetLineIn, "description"))
    unit = StringField(_l("Unit"), render_kw=attrs(BudgetLineIn, "unit"))
    quantity = StringField(_l("Quantity"), render_kw=attrs(BudgetLineIn, "quantity"))
    unit_cost = MoneyField(_l("Unit cost"), render_kw=attrs(BudgetLineIn, "unit_cost"))
    grant = MoneyField(_l("Grant"), default="0.00")
    counterpart_cash = MoneyField(_l("Counterpart in cash"), default="0.00")
    counterpart_in_kind = MoneyField(_l("Counterpart in kind"), default="0.00")
    other = MoneyField(_l("Other sources"), default="0.00")


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (XLSX) with the budget lines"))


class TrancheForm(FlaskForm):
    """Renders the tranche and carries the CSRF token; ``schemas.TrancheIn`` validates it."""

    version = HiddenField()
    number = StringField(_l("Number"))
    amount = MoneyField(_l("Amount"), render_kw=attrs(TrancheIn, "amount"))
    planned_on = DateField(_l("Planned date"), validators=[Optional()], render_kw=attrs(TrancheIn, "planned_on"))
    conditions = TextAreaField(_l("Conditions"), render_kw=attrs(TrancheIn, "conditions"))


class IndicatorForm(FlaskForm):
    """Renders a new indicator and carries the CSRF token; ``schemas.IndicatorIn`` validates it."""

    code = StringField(_l("Code"), render_kw=attrs(IndicatorIn, "code"))
    name = StringField(_l("Name"), render_kw=attrs(IndicatorIn, "name"))
    unit = StringField(_l("Unit"), render_kw=attrs(IndicatorIn, "unit"))
    baseline = StringField(_l("Baseline"))
    target = StringField(_l("Target"))
    by_sex = BooleanField(_l("Counts people: report women and men"))


class EmptyForm(FlaskForm):
    """Only the CSRF token (for the buttons that post)."""


def assessment_form(kind, assessment=None):
    class AssessmentForm(FlaskForm):
        pass

    levels = options([("", _l("— score —"))] + [(str(k), v) for k, v in SCORE_LEVELS.items()])
    for _n, code, _group, title, evidence in items_of(kind):
        setattr(AssessmentForm, f"score_{code}", SelectField(title, choices=levels, validators=[Optional()]))
        setattr(AssessmentForm, f"evidence_{code}", StringField(_l("Evidence"), validators=[Optional()],
                                                                description=evidence))
    form = AssessmentForm()
    if assessment is not None:
        for item in assessment.items:
            if hasattr(form, f"score_{item.code}"):
                getattr(form, f"score_{item.code}").data = str(item.score)
                getattr(form, f"evidence_{item.code}").data = item.evidence
    return form


def assessment_items(form, kind):
    return [{"code": code, "score": getattr(form, f"score_{code}").data or None,
             "evidence": getattr(form, f"evidence_{code}").data or ""} for _n, code, _g, _t, _e in items_of(kind)]


def appraisal_form(appraisal=None):
    class AppraisalForm(FlaskForm):
        version = HiddenField()
        opinion = TextAreaField(_l("Technical opinion"), validators=[Optional(), Length(max=20000)])

    answers = options([("", _l("— not checked yet —"))] + list(CHECKLIST_ANSWERS.items()))
    for code, question in CHECKLIST.items():
        setattr(AppraisalForm, f"answer_{code}", SelectField(question, choices=answers, validators=[Optional()]))
        setattr(AppraisalForm, f"note_{code}", StringField(_l("Note"), validators=[Optional(), Length(max=2000)]))
    form = AppraisalForm()
    if appraisal is not None:
        form.version.data = appraisal.version
        form.opinion.data = appraisal.opinion
        for code, item in appraisal.answers.items():
            getattr(form, f"answer_{code}").data = item["answer"]
            getattr(form, f"note_{code}").data = item.get("note", "")
    return form


def appraisal_data(form):
    return {"opinion": form.opinion.data or "",
            "checklist": {code: {"answer": getattr(form, f"answer_{code}").data or "",
                                 "note": getattr(form, f"note_{code}").data or ""} for code in CHECKLIST}}


def review_form(criteria):
    class ReviewForm(FlaskForm):
        declares_no_conflict = BooleanField(_l("I declare that I have no conflict of interest with this alliance, its "
                                               "association or its buyer."))
        recommendation = SelectField(_l("Recommendation"),
                                     choices=options([("", _l("— choose —"))] + list(RECOMMENDATIONS.items())),
                                     validators=[Optional()])
        comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])

    for cr in criteria:
        setattr(ReviewForm, f"score_{cr.code}", SelectField(
            f"{cr.name} ({cr.weight} %)", choices=options([("", "—")] + [(str(n), str(n)) for n in range(cr.max + 1)]),
            validators=[Optional()]))
    return ReviewForm()


def review_data(form, criteria):
    return {"declares_no_conflict": bool(form.declares_no_conflict.data),
            "scores": {cr.code: getattr(form, f"score_{cr.code}").data for cr in criteria
                       if getattr(form, f"score_{cr.code}").data not in (None, "")},
            "recommendation": form.recommendation.data or "", "comment": form.comment.data or ""}
