"""Plan pages: overview, sections, budget (with the live financing summary, XLSX export and import),
tranches and the PDF. Indicators, assessments and cash flow are in ``views_data``; appraisal,
committee and revisions in ``views_review``. Thin: load (404), check access, one service, commit."""
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.figures import financing, tranche_total
from ..alliances.models import Alliance
from ..schemas.fields import form_values as typed
from ..common import get_or_404
from ..errors import DomainError
from ..extensions import db
from ..schemas import from_form
from ..web.edge import write_on_read
from ..web.forms import flash_violations, form_action, success
from ..workflows import ALLIANCE
from . import budget as budget_services
from . import pdf, review, services, xlsx
from .forms import BudgetLineForm, EmptyForm, ImportForm, TrancheForm, sections_form
from .permissions import can_appraise, can_edit_plan, can_review, can_view_plan, plan_started
from .revisions import latest as latest_revision
from .schemas import BudgetLineEdit, BudgetLineIn, PlanSections, TrancheEdit, TrancheIn

bp = Blueprint("plans", __name__, url_prefix="/alliances/<int:alliance_id>/plan")


def load(alliance_id, started=True):
    """The alliance (404 when missing, not visible, or, with ``started``, before ``start_plan``)."""
    alliance = get_or_404(Alliance, alliance_id)
    if not can_view_plan(current_user, alliance) or (started and not plan_started(alliance)):
        abort(404)
    if started and alliance.plan is None:
        services.ensure_plan(alliance)  # plans started before this stage existed: created when first opened
        write_on_read()  # the edge commits it
    return alliance


def editable(alliance):
    return can_edit_plan(current_user, alliance)


def require_edit(alliance):
    if not editable(alliance):
        abort(403)


def not_found(exc):
    """A domain error that is a 404 (something of another alliance) answers 404, not the form again."""
    if exc.status == 404:
        abort(404)


def renamed(name_of):
    """``on_error`` of a form whose fields are named otherwise than the schema's (``items.<code>.score`` is
    ``score_<code>``): each detail's field renamed by ``name_of`` (``show_errors`` then puts it there)."""
    def on_error(exc):
        not_found(exc)
        for d in exc.details or []:
            d.field = name_of(d.field or "")
        return exc
    return on_error


def write(alliance, form, call, page, message, url, **options):
    """One plan page write through the page edge (``form_action``): 403 unless the user may edit the plan;
    ``call()`` once; on success ``message`` (or ``message(result)``) flashed and a redirect to ``url``; a domain error rolled back and
    the form shown again by ``page(status)`` with each message at its field, keeping what was typed."""
    return form_action(form, call, page,
                       lambda result: success(message(result) if callable(message) else message, url),
                       allowed=editable(alliance), on_error=options.pop("on_error", not_found), **options)


def summary(alliance):
    """What the alliance page's plan section shows (used by ``plans/_alliance_section.html``)."""
    if not plan_started(alliance) or not can_view_plan(current_user, alliance):
        return None
    fin = financing(alliance)
    return {"fin": fin, "tranches": tranche_total(alliance), "analysis": services.analysis(alliance),
            "editable": editable(alliance), "violations": services.plan_violations(alliance)
            if alliance.state == "plan_in_preparation" else [],
            "appraise": can_appraise(current_user, alliance), "review": can_review(current_user, alliance),
            "minutes": review.minutes_of(alliance)}


def number_symbols(currency):
    """The currency symbol and the separators of the reader's language, for the live summary."""
    from decimal import Decimal


    sample = money(Decimal("1234.5"), currency)
    symbol, _sep, digits = sample.rpartition(" ")
    return {"symbol": symbol, "group": digits[1] if not digits[1].isdigit() else "",
            "decimal": digits[-3]}


@bp.app_context_processor
def plan_helpers():
    return {"plan_summary": summary, "number_symbols": number_symbols}


@bp.get("/")
@login_required
def overview(alliance_id):
    alliance = load(alliance_id)
    return render_template("plans/overview.html", alliance=alliance, plan=alliance.plan, s=summary(alliance),
                           actions=ALLIANCE.available(alliance, current_user), facilitators=[],
                           latest=latest_revision(alliance))


@bp.route("/sections", methods=["GET", "POST"])
@login_required
def sections(alliance_id):
    alliance = load(alliance_id)
    plan = alliance.plan
    if request.method == "GET":
        return render_template("plans/sections.html", alliance=alliance, form=sections_form(plan),
                               can_edit=editable(alliance))
    form = sections_form()
    return write(alliance, form, lambda: services.update_sections(alliance, from_form(PlanSections, typed(form)),
                                                                  current_user),
                 lambda status: (render_template("plans/sections.html", alliance=alliance, form=form, can_edit=True),
                                 status),
                 _l("The plan was saved."), url_for(".overview", alliance_id=alliance.id))


# budget -----------------------------------------------------------------------------------------------

def _budget_page(alliance, form, line=None, status=200):
    fin = financing(alliance)
    # the live summary adds the line being typed to the other lines: their totals are its base
    base = financing(alliance, [x for x in alliance.budget_lines if line is None or x.id != line.id])
    return render_template("plans/budget.html", alliance=alliance, form=form, line=line, fin=fin, base=base,
                           can_edit=editable(alliance), import_form=ImportForm(), delete_form=EmptyForm()), status


def _row(model, alliance, row_id):
    """A budget line or tranche of the alliance (404 when it is another's)."""
    row = db.session.get(model, row_id)
    if row is None or row.alliance_id != alliance.id:
        abort(404)
    return row


def _add(alliance, form, schema, add, page, message, url):
    """The page of a list of the plan (budget lines, tranches) with its form of a new row, and that form's write."""
    if request.method == "GET":
        return page(alliance, form)
    return write(alliance, form, lambda: add(alliance, from_form(schema, typed(form)), current_user),
                 lambda status: page(alliance, form, status=status), message, url)


def _edit(alliance, row, form_class, schema, update, page, message, url):
    """The page of a row being changed (its form filled on GET, the version it read kept) and the change."""
    require_edit(alliance)
    form = form_class(obj=row if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = row.version
        return page(alliance, form, row)
    return write(alliance, form, lambda: update(row, from_form(schema, typed(form)), current_user),
                 lambda status: page(alliance, form, row, status=status), message, url)


def _delete(alliance, row, remove, message, url):
    """A row's remove button (the version the page read; a stale one is refused by the service)."""
    require_edit(alliance)
    if not EmptyForm().validate_on_submit():
        abort(400)
    remove(row, current_user, version=request.form.get("version") or None)
    return success(message, url)


@bp.route("/budget", methods=["GET", "POST"])
@login_required
def budget(alliance_id):
    alliance = load(alliance_id)
    return _add(alliance, BudgetLineForm(), BudgetLineIn, budget_services.add_line, _budget_page,
                _l("The line was added."), url_for(".budget", alliance_id=alliance.id) + "#financing")


@bp.route("/budget/<int:line_id>", methods=["GET", "POST"])
@login_required
def edit_line(alliance_id, line_id):
    alliance = load(alliance_id)
    return _edit(alliance, _row(BudgetLine, alliance, line_id), BudgetLineForm, BudgetLineEdit,
                 budget_services.update_line, _budget_page, _l("The line was changed."),
                 url_for(".budget", alliance_id=alliance.id) + "#financing")


@bp.post("/budget/<int:line_id>/delete")
@login_required
def delete_line(alliance_id, line_id):
    alliance = load(alliance_id)
    return _delete(alliance, _row(BudgetLine, alliance, line_id), budget_services.delete_line,
                   _l("The line was removed."), url_for(".budget", alliance_id=alliance.id))


@bp.get("/budget.xlsx")
@login_required
def export_budget(alliance_id):
    alliance = load(alliance_id)
    return Response(xlsx.export_budget(alliance, titles=True), mimetype=xlsx.MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{alliance.code}-budget.xlsx"'})


@bp.post("/budget/import")
@login_required
def import_budget(alliance_id):
    alliance = load(alliance_id)
    return write(alliance, ImportForm(), lambda: budget_services.import_lines(
        alliance, xlsx.read_budget(request.files.get("file")), current_user),
        lambda status: _budget_page(alliance, BudgetLineForm(formdata=None), status=status),
        lambda lines: _l("%(n)s lines were imported; they replace the previous budget.", n=len(lines)),
        url_for(".budget", alliance_id=alliance.id), invalid=bad_request, on_error=_listed)


def bad_request():
    abort(400)


def _listed(exc):
    """``on_error`` of the import: the sheet's refusals flashed as a list (the first 60), none at a field."""
    not_found(exc)
    exc.details = exc.details[:60]
    flash_violations(exc)
    return DomainError()  # all shown


# tranches ---------------------------------------------------------------------------------------------

def _tranche_page(alliance, form, tranche=None, status=200):
    return render_template("plans/tranches.html", alliance=alliance, form=form, tranche=tranche,
                           fin=financing(alliance), planned=tranche_total(alliance), can_edit=editable(alliance),
                           delete_form=EmptyForm()), status


@bp.route("/tranches", methods=["GET", "POST"])
@login_required
def tranches(alliance_id):
    alliance = load(alliance_id)
    return _add(alliance, TrancheForm(), TrancheIn, budget_services.add_tranche, _tranche_page,
                _l("The tranche was added."), url_for(".tranches", alliance_id=alliance.id))


@bp.route("/tranches/<int:tranche_id>", methods=["GET", "POST"])
@login_required
def edit_tranche(alliance_id, tranche_id):
    alliance = load(alliance_id)
    return _edit(alliance, _row(Tranche, alliance, tranche_id), TrancheForm, TrancheEdit,
                 budget_services.update_tranche, _tranche_page, _l("The tranche was changed."),
                 url_for(".tranches", alliance_id=alliance.id))


@bp.post("/tranches/<int:tranche_id>/delete")
@login_required
def delete_tranche(alliance_id, tranche_id):
    alliance = load(alliance_id)
    return _delete(alliance, _row(Tranche, alliance, tranche_id), budget_services.delete_tranche,
                   _l("The tranche was removed."), url_for(".tranches", alliance_id=alliance.id))


# documents --------------------------------------------------------------------------------------------

@bp.get("/plan.pdf")
@login_required
def document(alliance_id):
    alliance = load(alliance_id)
    return Response(pdf.plan_pdf(alliance), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{alliance.code}-plan.pdf"'})


@bp.get("/minutes.pdf")
@login_required
def minutes_document(alliance_id):
    alliance = load(alliance_id)
    minutes = review.minutes_of(alliance, request.args.get("round", type=int))
    if minutes is None:
        abort(404)
    return Response(pdf.minutes_pdf(alliance, minutes), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{alliance.code}-acta-{minutes.round}.pdf"'})


from . import views_data, views_review  # noqa: E402,F401  (the other pages of this blueprint)
from ..web.i18n import money
