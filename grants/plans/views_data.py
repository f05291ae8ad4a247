"""Plan pages: indicators (baseline and target), the empowerment and capacity scorecards, the cash flow
with its financial analysis."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..schemas.fields import form_values as typed
from ..errors import ValidationFailed, Violation
from ..extensions import db
from ..schemas import from_form
from ..web.forms import button_action, form_action, success
from . import services
from .catalog import GROUPS, KINDS, MOMENTS, items_of
from ..associations.assemblies import participation
from .forms import EmptyForm, IndicatorForm, assessment_form, assessment_items
from .models import Indicator
from .permissions import can_edit_closeout_assessment
from .schemas import AssessmentIn, AssessmentItemIn, CashFlowIn, CashFlowYearIn, IndicatorIn, IndicatorValues
from .services import MONEY_FIELDS
from .views import bad_request, bp, editable, load, not_found, renamed, require_edit, write


def _each(model, rows, prefix):
    """Validate each row of a grid page with the operation's item schema (``from_form``); every row's errors
    at once, each at ``<prefix(i, row)>.<field>``. Raises ``ValidationFailed``."""
    out, found = [], []
    for i, row in enumerate(rows):
        try:
            out.append(from_form(model, row))
        except ValidationFailed as exc:
            found.extend(Violation(v.rule, v.message, f"{prefix(i, row)}.{v.field}") for v in exc.details)
    if found:
        raise ValidationFailed(_l("Some fields need attention."), found)
    return out


def _field_errors(exc):
    """``{field: [messages]}`` from a domain error's details."""
    out = {}
    for d in exc.details or []:
        out.setdefault(d.field or "", []).append(str(d.message))
    return out


def _at_cells(exc, errors, cell):
    """``on_error`` of a grid page (no form field per cell): each detail's messages put in ``errors`` at
    ``cell(field)`` (the others flashed, one line per field); the error then shows only its own message."""
    not_found(exc)
    for field, messages in _field_errors(exc).items():
        key = cell(field)
        if key is None:
            flash(" ".join(messages), "error")
        else:
            errors[key] = messages
    exc.details = []
    return exc


# indicators -------------------------------------------------------------------------------------------

def _indicators_page(alliance, form=None, typed=None, errors=None, status=200):
    return render_template("plans/indicators.html", alliance=alliance, form=form or IndicatorForm(formdata=None),
                           typed=typed or {}, errors=errors or {}, can_edit=editable(alliance),
                           csrf_form=EmptyForm()), status


@bp.route("/indicators", methods=["GET", "POST"])
@login_required
def indicators(alliance_id):
    alliance = load(alliance_id)
    if request.method == "GET":
        return _indicators_page(alliance)
    values = {ind.id: {k: request.form.get(f"{k}-{ind.id}", "") for k in ("baseline", "target")}
              for ind in alliance.indicators}
    ids, errors = list(values), {}

    def save():
        rows = _each(IndicatorValues, list(values.values()), lambda i, _row: f"indicators.{ids[i]}")
        return services.update_indicators(alliance, dict(zip(ids, rows)), current_user)

    return write(alliance, EmptyForm(), save,
                 lambda status: _indicators_page(alliance, typed=values, errors=errors, status=status),
                 _l("The indicators were saved."), url_for(".indicators", alliance_id=alliance.id),
                 invalid=bad_request, on_error=lambda exc: _at_cells(exc, errors, lambda field: field))


@bp.post("/indicators/new")
@login_required
def add_indicator(alliance_id):
    alliance = load(alliance_id)
    form = IndicatorForm()
    return write(alliance, form, lambda: services.add_indicator(alliance, from_form(IndicatorIn, typed(form)),
                                                                current_user),
                 lambda status: _indicators_page(alliance, form, status=status),
                 _l("The indicator was added."), url_for(".indicators", alliance_id=alliance.id))


@bp.post("/indicators/<int:indicator_id>/delete")
@login_required
def delete_indicator(alliance_id, indicator_id):
    alliance = load(alliance_id)
    require_edit(alliance)
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.alliance_id != alliance.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return button_action(lambda: services.delete_indicator(indicator, current_user),
                         url_for(".indicators", alliance_id=alliance.id), _l("The indicator was removed."))


# assessments ------------------------------------------------------------------------------------------

def _may_score(alliance, moment):
    return editable(alliance) if moment == "baseline" else can_edit_closeout_assessment(current_user, alliance)


@bp.route("/assessments/<kind>", methods=["GET", "POST"])
@login_required
def assessment(alliance_id, kind):
    alliance = load(alliance_id)
    moment = request.args.get("moment", "baseline")
    if kind not in KINDS or moment not in MOMENTS:
        abort(404)
    row = services.assessment_of(alliance, kind, moment)
    other = services.assessment_of(alliance, kind, "closeout" if moment == "baseline" else "baseline")
    context = dict(alliance=alliance, kind=kind, moment=moment, items=items_of(kind), groups=GROUPS,
                   indexes=services.group_indexes(row), other=other, other_indexes=services.group_indexes(other),
                   can_edit=_may_score(alliance, moment), kinds=KINDS, moments=MOMENTS,
                   assembly_figures=participation(alliance.association) if kind == "empowerment" else None)
    if request.method == "GET":
        return render_template("plans/assessment.html", form=assessment_form(kind, row), **context)
    form = assessment_form(kind)

    def save():
        items = _each(AssessmentItemIn, assessment_items(form, kind), lambda _i, item: f"items.{item['code']}")
        return services.save_assessment(alliance, kind, moment, AssessmentIn(items=items), current_user)

    return form_action(form, save, lambda status: (render_template("plans/assessment.html", form=form, **context),
                                                   status),
                       lambda _result: success(_l("The assessment was saved."), url_for(
                           ".assessment", alliance_id=alliance.id, kind=kind, moment=moment)),
                       allowed=context["can_edit"], on_error=renamed(_item_field))


def _item_field(field):
    """``items.<code>.<field>`` is the scorecard's form field ``<field>_<code>``."""
    parts = field.split(".")
    return f"{parts[2]}_{parts[1]}" if len(parts) == 3 else field


# cash flow --------------------------------------------------------------------------------------------

def _years_shown(alliance):
    try:
        wanted = int(request.args.get("years", ""))
    except ValueError:
        wanted = None
    existing = max((y.year for y in alliance.cash_flow), default=-1)
    count = wanted if wanted is not None else max(existing + 1, 6)
    return max(existing + 1, min(max(count, 1), 31))


@bp.route("/cash-flow", methods=["GET", "POST"])
@login_required
def cash_flow(alliance_id):
    alliance = load(alliance_id)
    years = _years_shown(alliance)
    stored = {y.year: y for y in alliance.cash_flow}
    typed = {year: {k: ("" if year not in stored else str(getattr(stored[year], k))) for k in MONEY_FIELDS}
             for year in range(years)}
    context = dict(alliance=alliance, years=years, fields=MONEY_FIELDS, csrf_form=EmptyForm(),
                   can_edit=editable(alliance), cur=alliance.call.program.currency)
    if request.method == "GET":
        return render_template("plans/cash_flow.html", typed=typed, errors={},
                               result=services.analysis(alliance), **context)
    form = EmptyForm()
    require_edit(alliance)
    if not form.validate_on_submit():
        abort(400)
    try:
        years = int(request.form.get("years") or years)
    except ValueError:
        abort(400)
    years = max(1, min(years, 31))
    typed = {year: {k: request.form.get(f"y{year}-{k}", "").strip() for k in MONEY_FIELDS} for year in range(years)}
    rows = [{"year": year, **values} for year, values in typed.items() if any(values.values())]
    context["years"] = years
    errors = {}

    def cell(field):
        parts = field.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            return rows[int(parts[1])]["year"], parts[2]
        return None

    return write(alliance, form, lambda: services.save_cash_flow(
        alliance, CashFlowIn(years=_each(CashFlowYearIn, rows, lambda i, _row: f"years.{i}")), current_user),
        lambda status: (render_template("plans/cash_flow.html", typed=typed, errors=errors,
                                        result=services.analysis(alliance), **context), status),
        _l("The cash flow was saved."), url_for(".cash_flow", alliance_id=alliance.id) + "#analysis",
        validate=False, on_error=lambda exc: _at_cells(exc, errors, cell))
