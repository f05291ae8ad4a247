"""API endpoints of accountability reports (API.md): list, prepare, one, the workflow's actions, the
statement as a PDF, the officer's queue."""
from datetime import date

from flask import Response, request

from ...alliances.api import load_alliance, visible_rows
from ...api.core import (Out, api_user, dump, endpoint, in_state, known_action, listing, load, paginate, reading,
                         rows_of)
from ...workflows.report import REPORT
from ..api import TAGS, _visible, _writer, recorded
from ..models import AccountabilityReport
from . import services as report_svc
from .pdf import report_pdf
from .schemas import AssemblyApprovalIn, ReportIn, ReportTransitionIn


class ReportOut(Out):
    id: int
    alliance_id: int
    period_start: date
    period_end: date
    state: str
    state_title: str
    assembly_approved_on: date | None = None
    assembly_sha256: str | None = None
    assembly_decision_id: int | None = None
    observations: str | None = None
    totals: dict | None = None
    expense_ids: list[int]
    contribution_ids: list[int]
    actions: list[str]
    document: str
    version: int


def report_out(r):
    exp, cons = report_svc.items(r)
    data = {k: getattr(r, k) for k in ("id", "alliance_id", "period_start", "period_end", "state",
                                       "assembly_approved_on", "assembly_sha256", "assembly_decision_id", "observations", "totals",
                                       "version")}
    return dump(ReportOut, {**data, "state_title": str(r.state_title), "expense_ids": [e.id for e in exp],
                            "contribution_ids": [c.id for c in cons],
                            "actions": [t.name for t in REPORT.available(r, api_user())],
                            "document": f"/api/v1/alliances/{r.alliance_id}/documents/accountability-{r.id}"})


listing("/alliances/<int:alliance_id>/accountability-reports", summary="Accountability reports",
        response=ReportOut, tags=TAGS, name="execution_reports", load=load_alliance, answer=report_out,
        rows=lambda alliance: rows_of(AccountabilityReport, alliance, AccountabilityReport.period_start))


@endpoint("/alliances/<int:alliance_id>/accountability-reports", ["POST"], summary="Prepare a report for a period",
          body=ReportIn, multipart={"file": "The minutes of the assembly that approved it (optional here)"},
          response=ReportOut, status=201, tags=TAGS, name="create_report")
def create_report(alliance_id, body):
    """Totals are computed from the expenses and contributions of the period. Overlapping periods: 422
    ``period_overlaps``."""
    alliance = load_alliance(alliance_id)
    return recorded(alliance, lambda user: report_svc.create_report(alliance, body, user, request.files.get("file")),
                    report_out)


def load_report(report_id):
    return load(AccountabilityReport, report_id, _visible)


reading("/accountability-reports/<int:report_id>", summary="One accountability report", response=ReportOut,
        tags=TAGS, name="execution_report", load=load_report, answer=report_out)


@endpoint("/accountability-reports/<int:report_id>/transitions", ["POST"], summary="Take a report action",
          body=ReportTransitionIn, multipart={"file": "submit: the assembly's minutes"}, response=ReportOut,
          tags=TAGS, name="report_transition")
def report_transition(report_id, body):
    """``submit`` (treasurer or board; needs the assembly's approval: ``assembly_approval_missing``),
    ``approve`` and ``observe`` with ``observations`` (officer of the region), ``reopen`` (observed back to
    draft). Unknown action: 400; wrong state: 409; role: 403."""
    r = load_report(report_id)
    known_action(body.action, REPORT)
    minutes = request.files.get("file")
    if body.action == "submit" and (body.assembly_approved_on or minutes is not None or body.assembly_decision_id):
        _writer(r.alliance)
        approval = AssemblyApprovalIn(assembly_approved_on=body.assembly_approved_on,
                                      assembly_decision_id=body.assembly_decision_id)
        report_svc.record_assembly_approval(r, approval, minutes, api_user())
    data = body.model_dump(exclude={"action", "version", "assembly_approved_on", "assembly_decision_id"},
                           exclude_none=True)
    report_svc.report_action(r, body.action, api_user(), data, version=body.version)
    return report_out(load_report(report_id))


@endpoint("/alliances/<int:alliance_id>/documents/accountability-<int:report_id>",
          summary="The accountability statement of report {report_id} as a PDF", content_type="application/pdf",
          tags=("documents",), name="accountability_document")
def accountability_document(alliance_id, report_id):
    alliance = load_alliance(alliance_id)
    r = load(AccountabilityReport, report_id, lambda x: x.alliance_id == alliance.id)
    return Response(report_pdf(r), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{alliance.code}-rendicion-{r.id}.pdf"'})


@endpoint("/accountability-reports", summary="Accountability reports this user may see, by state (the officer's "
          "queue: state=submitted)", response=ReportOut, paginated=True, tags=TAGS, name="execution_report_queue",
          query={"state": ("Only this state", {"type": "string", "enum": list(REPORT.states)})})
def report_queue():

    return paginate(in_state(visible_rows(AccountabilityReport), AccountabilityReport.state, REPORT.states), report_out)
