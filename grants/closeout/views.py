"""Closeout pages: the final report (board), the financial closeout with refunds and the move to the revolving
fund (finance officer or officer), the officer's evaluation, the checks of the close and the closeout report
(PDF). The alliance page shows the closeout section (``closeout/_alliance_section.html``) through
``closeout_summary``. Thin: load (404), check access, one service, commit."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..alliances.models import Alliance
from ..alliances.permissions import can_view_alliance
from ..alliances.services import take_action
from ..alliances import sales  # issue 15: the buyer's confirmed sales suggest the final report's figures
from ..common import get_or_404
from ..errors import DomainError
from ..extensions import db
from ..alliances.catalog import GROUPS
from ..schemas import from_form
from ..schemas.fields import form_values
from ..web.forms import download, form_action, loaded, stored, success
from ..workflows import ALLIANCE
from . import pdf, services
from .forms import ActionForm, EvaluationForm, FinalReportForm, MoveToFundForm, RefundForm
from .models import Refund
from .schemas import EvaluationIn, MoveIn, RefundIn

bp = Blueprint("closeout", __name__, url_prefix="/alliances/<int:alliance_id>")

#: the transitions taken from the closeout page
ACTIONS = ("submit_final_report", "close")


def load(alliance_id):
    """The alliance (404 when missing, not visible, or before execution)."""
    return get_or_404(Alliance, alliance_id,
                      lambda a: can_view_alliance(current_user, a) and services.closeout_started(a))


def summary(alliance):
    """What the alliance page shows of the closeout (None before execution or for outsiders)."""
    if not services.closeout_started(alliance) or not can_view_alliance(current_user, alliance):
        return None
    figs = services.figures(alliance)
    return {"report": alliance.final_report, "evaluation": alliance.evaluation, "figures": figs,
            "checks": services.closing_checks(alliance, figs) if alliance.state == "closing" else [],
            "can_edit": services.can_edit_final_report(current_user, alliance),
            "follow_ups": list(alliance.follow_ups) if alliance.state == "closed" else []}


@bp.app_context_processor
def closeout_helpers():
    return {"closeout_summary": summary}


def _report_form(alliance):
    report = alliance.final_report
    form = FinalReportForm(formdata=None, obj=report) if report else FinalReportForm(formdata=None)
    if report is not None:
        form.version.data = report.version
        for key in ("sales_volume", "sales_value"):
            value = getattr(report, key)
            getattr(form, key).data = "" if value is None else str(value)
    sold = sales.confirmed_sales(alliance.id)  # issue 15: the sales the buyer confirmed, as the suggestion
    for key, figure in ((("sales_volume", sold["volume"]), ("sales_value", sold["value"]),
                         ("sales_unit", sold["unit"])) if sold and sold["count"] else ()):
        getattr(form, key).data = getattr(form, key).data or str(figure)
    return form


def _evaluation_form(alliance):
    ev = alliance.evaluation
    form = EvaluationForm(formdata=None, obj=ev) if ev else EvaluationForm(formdata=None)
    if ev is not None:
        form.version.data = ev.version
    return form


def _page(alliance, status=200, report_form=None, typed=None, evaluation_form=None, refund_form=None,
          move_form=None, action_errors=None, errors=None):
    figs = services.figures(alliance)
    actions = [t for t in ALLIANCE.available(alliance, current_user) if t.name in ACTIONS]
    rows = services.actuals_table(alliance)
    if typed:
        for row in rows:
            iid = row["indicator"].id
            row.update({k: typed.get(f"{k}-{iid}", "") for k in ("actual", "women", "men")})
    return render_template(
        "closeout/page.html", alliance=alliance, figures=figs, rows=rows,
        pairs=services.assessment_pairs(alliance), report=alliance.final_report, evaluation=alliance.evaluation,
        refunds=alliance.refunds, report_violations=services.final_report_violations(alliance)
        if alliance.state == "in_execution" else [],
        checks=services.closing_checks(alliance, figs) if alliance.state in ("closing", "closed") else [],
        actions=actions, action_errors=action_errors or [],
        can_edit=services.can_edit_final_report(current_user, alliance),
        can_evaluate=services.can_evaluate(current_user, alliance),
        can_settle=services.can_settle(current_user, alliance),
        report_form=report_form or _report_form(alliance),
        evaluation_form=evaluation_form or _evaluation_form(alliance),
        refund_form=refund_form or RefundForm(formdata=None), move_form=move_form or MoveToFundForm(formdata=None, prefix="move"),
        action_form=ActionForm(formdata=None), errors=errors or {}, group_titles=GROUPS), status


def _field_errors(exc):
    """``{field: [messages]}`` from a domain error's details (the indicator actuals' fields)."""
    out = {}
    for d in exc.details or []:
        out.setdefault(d.field or "", []).append(str(d.message))
    return out


bp.add_url_rule("/closeout", "page", loaded(load)(_page))


@bp.post("/closeout/final-report")
@loaded(load)
def final_report(alliance):
    form, errors = FinalReportForm(), {}

    def refused(exc):
        if exc.status == 404:
            abort(404)
        errors.update(_field_errors(exc))

    return form_action(form, lambda: services.save_final_report(
        alliance, form.data_for_service(alliance.indicators, request.form), current_user),
        lambda status: _page(alliance, status, report_form=form, typed=request.form, errors=errors),
        lambda report: success(_l("The final report was saved."),
                               url_for(".page", alliance_id=alliance.id, _anchor="final-report")),
        allowed=services.can_edit_final_report(current_user, alliance), on_error=refused)


def _submit(alliance, allowed, form, form_key, service, schema, message, anchor, **extra):
    """The officer's forms of this page: check, validate, ``service(alliance, body, user, **extra)`` with the form
    read as ``schema``, redirect; a refusal shows the page again with the form as typed."""
    return form_action(form, lambda: service(alliance, from_form(schema, form_values(form)), current_user, **extra),
                       lambda status: _page(alliance, status, **{form_key: form}),
                       lambda result: success(message, url_for(".page", alliance_id=alliance.id, _anchor=anchor)),
                       allowed=allowed(current_user, alliance))


@bp.post("/closeout/evaluation")
@loaded(load)
def evaluation(alliance):
    return _submit(alliance, services.can_evaluate, EvaluationForm(), "evaluation_form", services.save_evaluation,
                   EvaluationIn, _l("The evaluation was saved."), "evaluation")


@bp.post("/closeout/refunds")
@loaded(load)
def refund(alliance):
    return _submit(alliance, services.can_settle, RefundForm(), "refund_form", services.record_refund, RefundIn,
                   _l("The refund was recorded."), "money", proof=request.files.get("proof"))


@bp.post("/closeout/revolving-fund")
@loaded(load)
def move_to_fund(alliance):
    return _submit(alliance, services.can_settle, MoveToFundForm(prefix="move"), "move_form", services.move_to_fund,
                   MoveIn, _l("The money was moved to the association's revolving fund."), "money")


@bp.post("/closeout/transition")
@loaded(load)
def transition(alliance):
    """``submit_final_report`` (board) or ``close`` (officer) through the alliance workflow."""
    alliance_id = alliance.id
    form = ActionForm()
    if not form.validate_on_submit() or form.action.data not in ACTIONS:
        abort(400)
    if form.version.data and form.version.data != str(alliance.version):
        flash(_l("Someone changed this alliance meanwhile. Look at it again before you act."), "error")
        return redirect(url_for(".page", alliance_id=alliance.id))
    data = {"comment": form.comment.data} if (form.comment.data or "").strip() else {}
    try:
        t = take_action(alliance, form.action.data, current_user, data)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        alliance = load(alliance_id)
        flash(str(exc.message), "error")
        errors = [(getattr(d, "rule", None), str(d.message)) for d in exc.details]
        return _page(alliance, exc.status, action_errors=errors)
    flash(_l("Done: %(label)s. The alliance is now “%(state)s”.", label=t.label, state=ALLIANCE.title(t.target)),
          "success")
    return redirect(url_for(".page", alliance_id=alliance.id))


@bp.get("/closeout/refunds/<int:refund_id>/proof")
@loaded(load, "alliance_id")
def refund_proof(alliance, refund_id):
    row = get_or_404(Refund, refund_id, lambda row: row.alliance_id == alliance.id)
    return stored(row, "proof", as_attachment=True)


@bp.get("/documents/closeout")
@loaded(load)
def document(alliance):
    """The closeout report (PDF): from the submission of the final report on."""
    if alliance.state not in ("closing", "closed"):
        abort(404)
    return download(pdf.closeout_pdf(alliance), f"{alliance.code}-cierre.pdf")

from . import followups_views  # noqa: E402,F401  (the follow-ups page after the closing, on this blueprint)
