"""Accountability report pages (on the execution blueprint): prepare, the report and its workflow, the
assembly's approval, the minutes, the statement as PDF and XLSX."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ... import uploads
from ...errors import DomainError
from ...extensions import db
from ...schemas import from_form
from ...web.forms import show_errors
from ...workflows.report import REPORT
from ..forms import AssemblyForm, ReportActionForm, ReportForm, decision_options
from ..models import AccountabilityReport
from ..permissions import can_record
from ..views import _child, _flash_rules, _writer, bp, load_alliance
from . import services as report_svc
from .schemas import AssemblyApprovalIn, ReportIn


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
