"""API endpoints of the closeout stage (API.md): the final report, the officer's evaluation, the financial
closeout with its checks, refunds, the move of unspent grant to the revolving fund and the closeout report.
The transitions ``submit_final_report`` and ``close`` go through ``/alliances/{id}/transitions``."""
from datetime import date

from flask import request

from ..alliances.api import load_alliance
from ..api.core import Out, api_user, document, dump, endpoint, listing, present, reading, rows_of
from ..schemas.types import MoneyStr, UtcDateTime
from ..errors import NotFound
from . import pdf, services
from .models import Refund
from .schemas import EvaluationIn, FinalReportIn, MoveIn, RefundIn

TAGS = ("closeout",)


class RuleOut(Out):
    rule: str
    field: str | None = None
    message: str


class ActualOut(Out):
    indicator_id: int
    code: str
    name: str
    unit: str
    by_sex: bool
    baseline: MoneyStr | None = None
    target: MoneyStr | None = None
    actual: MoneyStr | None = None
    women: int | None = None
    men: int | None = None
    #: false when the value is only the latest monitoring value, suggested and not saved yet
    saved: bool


class GroupOut(Out):
    group: str
    baseline: MoneyStr | None = None
    closeout: MoneyStr | None = None
    change: MoneyStr | None = None


class AssessmentPairOut(Out):
    kind: str
    #: the closeout assessment is fully scored
    complete: bool
    groups: list[GroupOut]
    #: the page where it is scored (``PUT /alliances/{id}/assessments/{kind}/closeout`` in the API)
    closeout_assessment: str


class FinalReportOut(Out):
    alliance_id: int
    narrative: str
    lessons: str
    sales_volume: MoneyStr | None = None
    sales_unit: str
    sales_value: MoneyStr | None = None
    submitted_at: UtcDateTime | None = None
    submitted_by_id: int | None = None
    #: 0 before the first save
    version: int
    actuals: list[ActualOut]
    assessments: list[AssessmentPairOut]
    #: what keeps ``submit_final_report`` from passing now (empty when it may pass)
    violations: list[RuleOut]


class EvaluationOut(Out):
    alliance_id: int
    rating: str
    rating_title: str
    findings: str
    recommendations: str
    officer_id: int | None = None
    updated_at: UtcDateTime | None = None
    version: int


class CheckOut(Out):
    rule: str
    label: str
    #: ``ok`` or ``fail``
    state: str
    message: str


class CloseoutOut(Out):
    alliance_id: int
    state: str
    currency: str
    grant_approved: MoneyStr
    received: MoneyStr
    spent: MoneyStr
    justified: MoneyStr
    unspent: MoneyStr
    refunded: MoneyStr
    moved_to_fund: MoneyStr
    to_settle: MoneyStr
    counterpart_planned: MoneyStr
    counterpart_contributed: MoneyStr
    revolving_allowed: bool
    #: the checks of ``close`` (``contracts_open``, ``expenses_unreported``, ``balance_unsettled``,
    #: ``evaluation_missing``), each with its state
    checks: list[CheckOut]
    final_report_submitted: bool
    evaluated: bool
    document: str | None = None


class RefundOut(Out):
    id: int
    alliance_id: int
    amount: MoneyStr
    reference: str
    refunded_on: date
    recorded_by_id: int | None = None
    created_at: UtcDateTime
    proof_sha256: str | None = None


_started = present(load_alliance, services.closeout_started)


def report_out(alliance):
    report = alliance.final_report
    actuals = [{"indicator_id": r["indicator"].id, "code": r["indicator"].code, "name": str(r["indicator"].title),
                "unit": str(r["indicator"].unit_title), "by_sex": bool(r["indicator"].by_sex),
                "baseline": r["indicator"].baseline, "target": r["indicator"].target,
                "actual": r["actual"], "women": r["women"], "men": r["men"], "saved": r["saved"]}
               for r in services.actuals_table(alliance)]
    pairs = [{"kind": pair["kind"], "complete": pair["complete"], "groups": pair["groups"],
              "closeout_assessment": f"/alliances/{alliance.id}/plan/assessments/{pair['kind']}?moment=closeout"}
             for pair in services.assessment_pairs(alliance)]
    return dump(FinalReportOut, {
        "alliance_id": alliance.id, "narrative": report.narrative if report else "",
        "lessons": report.lessons if report else "", "sales_volume": report.sales_volume if report else None,
        "sales_unit": report.sales_unit if report else "", "sales_value": report.sales_value if report else None,
        "submitted_at": report.submitted_at if report else None,
        "submitted_by_id": report.submitted_by_id if report else None, "version": report.version if report else 0,
        "actuals": actuals, "assessments": pairs,
        "violations": [v.as_dict() for v in services.final_report_violations(alliance)]})


reading("/alliances/<int:alliance_id>/final-report", summary="The association's final report with the indicator "
        "actuals, the closeout assessments beside the baseline and what is still missing", response=FinalReportOut,
        tags=TAGS, name="closeout_final_report", load=_started, answer=report_out,
        description="404 before execution. Without a saved value, an actual is the latest monitoring value "
        "(``saved`` false).")


@endpoint("/alliances/<int:alliance_id>/final-report", ["PUT"], summary="Save the final report (association board, "
          "in execution)", body=FinalReportIn, response=FinalReportOut, tags=TAGS, name="closeout_save_final_report")
def put_final_report(alliance_id, body):
    """Board only (403); only while in execution (409). Submitting it is the alliance action
    ``submit_final_report`` (rules ``final_report_incomplete``, ``indicator_actual_missing``,
    ``assessment_missing``)."""
    alliance = _started(alliance_id)
    services.save_final_report(alliance, body, api_user())
    return report_out(load_alliance(alliance_id))


def evaluation_out(alliance):
    ev = alliance.evaluation
    if ev is None:
        raise NotFound()
    return dump(EvaluationOut, {"alliance_id": alliance.id, "rating": ev.rating, "rating_title": str(ev.rating_title),
                                "findings": ev.findings, "recommendations": ev.recommendations,
                                "officer_id": ev.officer_id, "updated_at": ev.updated_at, "version": ev.version})


reading("/alliances/<int:alliance_id>/evaluation", summary="The officer's evaluation of the alliance",
        response=EvaluationOut, tags=TAGS, name="closeout_evaluation", load=_started, answer=evaluation_out,
        description="404 until the officer has evaluated the alliance.")


@endpoint("/alliances/<int:alliance_id>/evaluation", ["PUT"], summary="Write the evaluation (officer of the region, "
          "while closing)", body=EvaluationIn, response=EvaluationOut, tags=TAGS, name="closeout_save_evaluation")
def put_evaluation(alliance_id, body):
    """``rating``: highly_satisfactory, satisfactory, moderately_satisfactory, moderately_unsatisfactory,
    unsatisfactory, highly_unsatisfactory. Officer of the region only (403); only while closing (409)."""
    alliance = _started(alliance_id)
    services.save_evaluation(alliance, body, api_user())
    return evaluation_out(load_alliance(alliance_id))


def closeout_out(alliance):
    figs = services.figures(alliance)
    report = alliance.final_report
    return dump(CloseoutOut, {
        **figs.as_dict(), "alliance_id": alliance.id, "state": alliance.state,
        "checks": [c.as_dict() for c in services.closing_checks(alliance, figs)],
        "final_report_submitted": bool(report and report.submitted_at), "evaluated": alliance.evaluation is not None,
        "document": f"/api/v1/alliances/{alliance.id}/documents/closeout"
        if alliance.state in ("closing", "closed") else None})


reading("/alliances/<int:alliance_id>/closeout", summary="The financial closeout (grant approved, received, spent, "
        "justified, unspent, refunded, moved to the revolving fund, still to settle; counterpart planned and "
        "contributed) and every check of close with its state", response=CloseoutOut, tags=TAGS,
        name="closeout_summary", load=_started, answer=closeout_out, description="404 before execution.")


def refund_out(r):
    return dump(RefundOut, r)


listing("/alliances/<int:alliance_id>/refunds", summary="Unspent grant refunded to the program",
        response=RefundOut, tags=TAGS, name="closeout_refunds", load=load_alliance,
        rows=lambda alliance: rows_of(Refund, alliance, Refund.id), answer=refund_out)


@endpoint("/alliances/<int:alliance_id>/refunds", ["POST"], summary="Record a refund of unspent grant (finance "
          "officer or officer of the region, while closing)", body=RefundIn,
          multipart={"proof": "Optional proof of the transfer: PDF, JPEG or PNG, checked by its content"},
          response=RefundOut, status=201, tags=TAGS, name="closeout_record_refund")
def post_refund(alliance_id, body):
    """Rules (422): ``refund_exceeds_balance`` (more than the unspent grant still to settle). Others: 403;
    not closing: 409."""
    alliance = load_alliance(alliance_id)
    r = services.record_refund(alliance, body, api_user(), proof=request.files.get("proof"))
    return refund_out(r)


@endpoint("/alliances/<int:alliance_id>/closeout/revolving-fund", ["POST"], summary="Move unspent grant into the "
          "association's revolving fund (finance officer or officer of the region, while closing)", body=MoveIn,
          response=CloseoutOut, status=201, tags=TAGS, name="closeout_move_to_fund")
def post_move(alliance_id, body):
    """Rules (422): ``revolving_not_allowed`` (the program's ``revolving_fund_share`` is 0),
    ``refund_exceeds_balance``. Others: 403; not closing: 409."""
    alliance = load_alliance(alliance_id)
    services.move_to_fund(alliance, body, api_user())
    return closeout_out(load_alliance(alliance_id))


document("/alliances/<int:alliance_id>/documents/closeout", summary="The closeout report as a PDF",
         name="closeout_document", load=present(load_alliance, lambda a: a.state in ("closing", "closed")),
         pdf=pdf.closeout_pdf, filename=lambda alliance: f"{alliance.code}-cierre.pdf",
         description="404 before the final report is submitted (closing or closed).")

from . import followups_api  # noqa: E402,F401  (the follow-ups after the closing)
