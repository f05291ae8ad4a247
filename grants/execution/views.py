"""Execution pages under /alliances/<id>/execution: at a glance, expenses, contributions, reports.

Every member of the association reads (social control); its treasurer and board write; the officer of
the region approves or observes reports. Another association's alliance answers 404."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import uploads
from ..alliances.models import Alliance
from ..common import get_or_404
from ..errors import DomainError
from ..extensions import db
from ..money import shown
from ..web.forms import flash_violations, show_errors
from ..web.idempotency import idempotent
from ..web.pagination import paginate
from ..schemas import from_form
from ..workflows.report import REPORT
from ..alliances import ledger
from . import contributions as contrib_svc
from . import expenses as expense_svc
from . import reports as report_svc
from .forms import decision_options
from .forms import AssemblyForm, ContributionForm, ExpenseForm, ReportActionForm, ReportForm, VoidForm
from .models import AccountabilityReport, Contribution, Expense
from .permissions import can_record, can_view_execution
from .schemas import AssemblyApprovalIn, ContributionIn, ExpenseIn, ExpensePatch, ReportIn, VoidIn
from .summary import glance

bp = Blueprint("execution", __name__, url_prefix="/alliances/<int:alliance_id>/execution")
EXECUTING = ("in_execution", "suspended", "closing", "closed")


def load_alliance(alliance_id):
    return get_or_404(Alliance, alliance_id, lambda a: can_view_execution(current_user, a))


def _child(model, alliance, ident):
    return get_or_404(model, ident, lambda obj: obj.alliance_id == alliance.id)


def _writer(alliance):
    if not can_record(current_user, alliance):
        abort(403)


def _flash_rules(exc):
    flash_violations(exc)  # once each, without codes; nothing more after show_errors


@bp.app_context_processor
def execution_helpers():
    def section(alliance):
        if alliance.state not in EXECUTING:
            return None
        return {"glance": glance(alliance), "can_record": can_record(current_user, alliance)}

    return {"execution_section": section}


@bp.get("")
@login_required
def overview(alliance_id):
    alliance = load_alliance(alliance_id)
    return render_template("execution/overview.html", alliance=alliance, g_=glance(alliance),
                           can_write=can_record(current_user, alliance))


# expenses -------------------------------------------------------------------------------------------------

def _expenses_page(alliance, form, status=200):
    page = paginate(db.select(Expense).where(Expense.alliance_id == alliance.id)
                    .order_by(Expense.spent_on.desc(), Expense.id.desc()))

    return render_template("execution/expenses.html", alliance=alliance, form=form, expenses=page.items, page=page,
                           lines=expense_svc.line_figures(alliance), balance=ledger.balance(alliance),
                           can_write=can_record(current_user, alliance)), status


@bp.route("/expenses", methods=["GET", "POST"])
@login_required
@idempotent
def expenses(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ExpenseForm().fill(alliance)
    if request.method == "GET":
        return _expenses_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _expenses_page(alliance, form, 400)
    try:
        body = from_form(ExpenseIn, form.values())
        e = expense_svc.record_expense(alliance, body, current_user, request.files.get("receipt"))
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expenses_page(alliance, form.fill(alliance), exc.status)
    flash(_l("Expense recorded: %(amount)s, %(supplier)s.", amount=shown(e.amount, alliance.program.currency),
             supplier=e.supplier), "success")
    return redirect(url_for(".expenses", alliance_id=alliance.id))


def _expense_page(alliance, e, form, void_form, status=200):
    return render_template("execution/expense.html", alliance=alliance, e=e, form=form, void_form=void_form,
                           can_write=can_record(current_user, alliance) and not e.locked and not e.voided_at), status


@bp.route("/expenses/<int:expense_id>", methods=["GET", "POST"])
@login_required
def expense(alliance_id, expense_id):
    alliance = load_alliance(alliance_id)
    e = _child(Expense, alliance, expense_id)
    form = ExpenseForm(obj=None if request.method == "POST" else e).fill(alliance)
    if request.method == "GET":
        form.budget_line_id.data = str(e.budget_line_id)
        form.spent_on.data = e.spent_on.isoformat()
        form.amount.data = str(e.amount)
        form.version.data = str(e.version)
        form.procurement_id.data = str(e.procurement_id or "")
        return _expense_page(alliance, e, form, VoidForm(version=e.version))
    _writer(alliance)
    if not form.validate_on_submit():
        return _expense_page(alliance, e, form, VoidForm(version=e.version), 400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        body = from_form(ExpensePatch, form.values(), version=version or e.version)
        expense_svc.update_expense(e, body, current_user, request.files.get("receipt"))
    except DomainError as exc:
        db.session.rollback()
        e = _child(Expense, load_alliance(alliance_id), expense_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expense_page(e.alliance, e, form.fill(e.alliance), VoidForm(version=e.version), exc.status)
    flash(_l("The expense was corrected."), "success")
    return redirect(url_for(".expense", alliance_id=alliance.id, expense_id=e.id))


@bp.post("/expenses/<int:expense_id>/void")
@login_required
def void(alliance_id, expense_id):
    alliance = load_alliance(alliance_id)
    e = _child(Expense, alliance, expense_id)
    _writer(alliance)
    form = VoidForm()
    if not form.validate_on_submit():
        abort(400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        body = from_form(VoidIn, {"reason": form.reason.data}, version=version)
        expense_svc.void_expense(e, current_user, body)
    except DomainError as exc:
        db.session.rollback()
        e = _child(Expense, load_alliance(alliance_id), expense_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expense_page(e.alliance, e, ExpenseForm().fill(e.alliance), form, exc.status)
    flash(_l("The expense was voided."), "success")
    return redirect(url_for(".expenses", alliance_id=alliance.id))


@bp.get("/expenses/<int:expense_id>/receipt")
@login_required
def receipt(alliance_id, expense_id):
    e = _child(Expense, load_alliance(alliance_id), expense_id)
    if not e.receipt_sha256:
        abort(404)
    return uploads.send_stored(e.receipt_sha256, e.receipt_content_type, e.receipt_filename, as_attachment=False)


@bp.get("/expenses/<int:expense_id>/receipt/thumbnail")
@login_required
def receipt_thumbnail(alliance_id, expense_id):
    e = _child(Expense, load_alliance(alliance_id), expense_id)
    if not e.receipt_sha256:
        abort(404)
    return uploads.send_thumbnail(e.receipt_sha256, e.receipt_content_type)


# contributions --------------------------------------------------------------------------------------------

def _contributions_page(alliance, form, status=200, void_form=None, void_for=None):
    page = paginate(db.select(Contribution).where(Contribution.alliance_id == alliance.id)
                    .order_by(Contribution.contributed_on.desc(), Contribution.id.desc()))
    return render_template("execution/contributions.html", alliance=alliance, form=form, items=page.items, page=page,
                           can_write=can_record(current_user, alliance), void_form=void_form,
                           void_for=void_for), status


@bp.route("/contributions", methods=["GET", "POST"])
@login_required
@idempotent
def contributions(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ContributionForm().fill(alliance)
    if request.method == "GET":
        return _contributions_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _contributions_page(alliance, form, 400)
    try:
        body = from_form(ContributionIn, form.values())
        contrib_svc.record_contribution(alliance, body, current_user, request.files.get("evidence"))
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _contributions_page(alliance, form.fill(alliance), exc.status)
    flash(_l("Contribution recorded."), "success")
    return redirect(url_for(".contributions", alliance_id=alliance.id))


@bp.get("/contributions/<int:contribution_id>/evidence")
@login_required
def evidence(alliance_id, contribution_id):
    c = _child(Contribution, load_alliance(alliance_id), contribution_id)
    if not c.evidence_sha256:
        abort(404)
    return uploads.send_stored(c.evidence_sha256, c.evidence_content_type, c.evidence_filename, as_attachment=False)


@bp.get("/contributions/<int:contribution_id>/evidence/thumbnail")
@login_required
def evidence_thumbnail(alliance_id, contribution_id):
    c = _child(Contribution, load_alliance(alliance_id), contribution_id)
    if not c.evidence_sha256:
        abort(404)
    return uploads.send_thumbnail(c.evidence_sha256, c.evidence_content_type)


# accountability reports -----------------------------------------------------------------------------------

def _reports_page(alliance, form, status=200):
    rows = db.session.execute(db.select(AccountabilityReport).where(AccountabilityReport.alliance_id == alliance.id)
                              .order_by(AccountabilityReport.period_start.desc())).scalars().all()
    return render_template("execution/reports.html", alliance=alliance, form=form, reports=rows,
                           can_write=can_record(current_user, alliance)), status


@bp.route("/reports", methods=["GET", "POST"])
@login_required
def reports(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ReportForm()
    if request.method == "GET":
        return _reports_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _reports_page(alliance, form, 400)
    try:
        body = from_form(ReportIn, {"period_start": form.period_start.data, "period_end": form.period_end.data})
        r = report_svc.create_report(alliance, body, current_user)
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _reports_page(alliance, form, exc.status)
    return redirect(url_for(".report", alliance_id=alliance.id, report_id=r.id))


def _report_page(alliance, r, form, assembly_form, status=200):
    exp, cons = report_svc.items(r)
    assembly_form.assembly_decision_id.choices = decision_options(alliance, "accountability_report")
    return render_template("execution/report.html", alliance=alliance, r=r, form=form, assembly_form=assembly_form,
                           expenses=exp, contributions=cons, bal=report_svc.balances(r, exp, cons),
                           actions=REPORT.available(r, current_user),
                           can_write=can_record(current_user, alliance) and r.state == "draft"), status


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(alliance_id, report_id):
    alliance = load_alliance(alliance_id)
    r = _child(AccountabilityReport, alliance, report_id)
    form = ReportActionForm()
    if request.method == "GET":
        return _report_page(alliance, r, form, AssemblyForm())
    if not form.validate_on_submit():
        return _report_page(alliance, r, form, AssemblyForm(), 400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        t = report_svc.report_action(r, form.action.data or "", current_user,
                                     {"observations": form.observations.data}, version=version)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _report_page(r.alliance, r, form, AssemblyForm(), exc.status)
    flash(_l("Done: %(label)s. The report is now “%(state)s”.", label=t.label, state=REPORT.title(t.target)),
          "success")
    return redirect(url_for(".report", alliance_id=alliance.id, report_id=r.id))


@bp.post("/reports/<int:report_id>/assembly")
@login_required
def assembly(alliance_id, report_id):
    alliance = load_alliance(alliance_id)
    r = _child(AccountabilityReport, alliance, report_id)
    _writer(alliance)
    form = AssemblyForm()
    if not form.validate_on_submit():
        return _report_page(alliance, r, ReportActionForm(), form, 400)
    try:
        body = from_form(AssemblyApprovalIn, {"assembly_approved_on": form.assembly_approved_on.data,
                                              "assembly_decision_id": form.assembly_decision_id.data})
        report_svc.record_assembly_approval(r, body, request.files.get("assembly_minutes"), current_user)
    except DomainError as exc:
        db.session.rollback()
        r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _report_page(r.alliance, r, ReportActionForm(), form, exc.status)
    flash(_l("The assembly's approval was recorded."), "success")
    return redirect(url_for(".report", alliance_id=alliance.id, report_id=r.id))


@bp.get("/reports/<int:report_id>/minutes")
@login_required
def minutes(alliance_id, report_id):
    r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
    if not r.assembly_sha256:
        abort(404)
    return uploads.send_stored(r.assembly_sha256, r.assembly_content_type, r.assembly_filename, as_attachment=False)


@bp.get("/reports/<int:report_id>/statement.pdf")
@login_required
def report_pdf(alliance_id, report_id):
    from .pdf import report_pdf as build

    r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
    return Response(build(r), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{r.alliance.code}-rendicion-{r.id}.pdf"'})


@bp.get("/reports/<int:report_id>/statement.xlsx")
@login_required
def report_xlsx(alliance_id, report_id):
    from .xlsx import report_xlsx as build

    r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
    return Response(build(r), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{r.alliance.code}-rendicion-{r.id}.xlsx"'})


from . import views_more  # noqa: E402,F401  (procurement and reallocation pages on this blueprint)
