"""Accountability report pages (on the execution blueprint): prepare, the report and its workflow, the
assembly's approval, the minutes, the statement as PDF and XLSX."""
from flask import Response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...schemas import from_form
from ...web.forms import loaded, success
from ...workflows.report import REPORT
from ..forms import AssemblyForm, ReportActionForm, ReportForm, decision_options
from ..models import AccountabilityReport
from ..permissions import can_record
from ..views import _child, answer, bp, child, file_pages, listing, load_alliance, sent_version, write
from . import pdf, xlsx
from . import services as report_svc
from .schemas import AssemblyApprovalIn, ReportIn


def _reports_page(alliance, form):
    return listing(alliance, "execution/reports.html", AccountabilityReport, AccountabilityReport.period_start.desc(),
                   rows="reports", context=lambda: {"form": form})


def _shown(r):
    return url_for(".report", alliance_id=r.alliance_id, report_id=r.id)


@bp.route("/reports", methods=["GET", "POST"])
@loaded(load_alliance)
def reports(alliance):
    form = ReportForm()
    return write(alliance, form, lambda: report_svc.create_report(alliance, from_form(
                     ReportIn, {"period_start": form.period_start.data, "period_end": form.period_end.data}),
                     current_user),
                 _reports_page(alliance, form), lambda r: redirect(_shown(r)))


def _report_page(alliance, r, form=None, assembly_form=None):
    """One report with its action form and the assembly's approval form (``page(status)``)."""
    def page(status=200):
        exp, cons = report_svc.items(r)
        approval = AssemblyForm() if assembly_form is None else assembly_form
        approval.assembly_decision_id.choices = decision_options(alliance, "accountability_report")
        return render_template("execution/report.html", alliance=alliance, r=r,
                               form=ReportActionForm() if form is None else form, assembly_form=approval,
                               expenses=exp, contributions=cons, bal=report_svc.balances(r, exp, cons),
                               actions=REPORT.available(r, current_user),
                               can_write=can_record(current_user, alliance) and r.state == "draft"), status
    return page


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@loaded(child(AccountabilityReport))
def report(alliance, r):
    """GET: the report; POST: an action of its workflow (which checks who may)."""
    form = ReportActionForm()
    return write(alliance, form, lambda: report_svc.report_action(r, form.action.data or "", current_user,
                                                                  {"observations": form.observations.data},
                                                                  version=sent_version(form)),
                 _report_page(alliance, r, form),
                 lambda t: success(_l("Done: %(label)s. The report is now “%(state)s”.", label=t.label,
                                      state=REPORT.title(t.target)), _shown(r)),
                 any_role=True, on_error=answer(404))


@bp.post("/reports/<int:report_id>/assembly")
@loaded(child(AccountabilityReport))
def assembly(alliance, r):
    form = AssemblyForm()
    return write(alliance, form, lambda: report_svc.record_assembly_approval(r, from_form(AssemblyApprovalIn, {
                     "assembly_approved_on": form.assembly_approved_on.data,
                     "assembly_decision_id": form.assembly_decision_id.data}), request.files.get("assembly_minutes"),
                     current_user),
                 _report_page(alliance, r, assembly_form=form),
                 lambda result: success(_l("The assembly's approval was recorded."), _shown(r)))


file_pages("/reports/<int:report_id>/minutes", AccountabilityReport, "assembly", "minutes", thumbnail=False)


@bp.get("/reports/<int:report_id>/statement.pdf")
@login_required
def report_pdf(alliance_id, report_id):
    r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
    return Response(pdf.report_pdf(r), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{r.alliance.code}-rendicion-{r.id}.pdf"'})


@bp.get("/reports/<int:report_id>/statement.xlsx")
@login_required
def report_xlsx(alliance_id, report_id):
    r = _child(AccountabilityReport, load_alliance(alliance_id), report_id)
    return Response(xlsx.report_xlsx(r), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{r.alliance.code}-rendicion-{r.id}.xlsx"'})
