"""API endpoints of the execution stage (API.md): expenses, contributions, accountability reports and their
statement. Multipart bodies carry the receipt in ``receipt``, the evidence in ``evidence`` and the
assembly's minutes in ``file``; JSON bodies work too, without a file."""
from datetime import date

import sqlalchemy as sa
from flask import Response, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from ..alliances.api import load_alliance
from ..api.core import ApiError, Model, Out, api_user, choice_arg, dump, endpoint, load, paginate, require
from ..api.types import AmountStr, Id, MoneyStr, UtcDateTime
from ..extensions import db
from ..web.idempotency import idempotent
from ..workflows import rules
from ..workflows.report import REPORT
from ..errors import NotFound
from ..uploads import send_stored
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from . import contributions as contrib_svc
from . import expenses as expense_svc
from . import reports as report_svc
from .models import AccountabilityReport, Contribution, Expense
from .permissions import can_record, can_view_execution

TAGS = ("execution",)
DENIED = _l("Only the association's treasurer or board record the execution.")


class ExpenseIn(Model):
    budget_line_id: Id
    spent_on: date
    amount: AmountStr
    source: str = Field(max_length=30, description="grant or counterpart_cash")
    supplier: str = Field(max_length=200)
    document_type: str = Field(max_length=30, description="invoice, receipt, payroll, contract, other")
    document_number: str = Field(max_length=60)
    description: str | None = Field(None, max_length=300)
    procurement_id: Id | None = None
    deliverable_id: Id | None = None


class ExpensePatch(Model):
    version: Id
    budget_line_id: Id = None
    spent_on: date = None
    amount: AmountStr = None
    source: str = Field(None, max_length=30)
    supplier: str = Field(None, max_length=200)
    document_type: str = Field(None, max_length=30)
    document_number: str = Field(None, max_length=60)
    description: str = Field(None, max_length=300)
    procurement_id: Id | None = None
    deliverable_id: Id | None = None


class ExpenseOut(Out):
    id: int
    alliance_id: int
    budget_line_id: int
    spent_on: date
    amount: MoneyStr
    source: str
    supplier: str
    document_type: str
    document_number: str
    description: str
    procurement_id: int | None = None
    deliverable_id: int | None = None
    receipt_sha256: str | None = None
    receipt_filename: str | None = None
    report_id: int | None = None
    locked: bool
    voided_at: UtcDateTime | None = None
    void_reason: str | None = None
    version: int


class ContributionIn(Model):
    kind: str = Field(max_length=20, description="cash or in_kind")
    in_kind_type: str | None = Field(None, max_length=20, description="labour, materials, land, equipment, other")
    description: str = Field(max_length=300)
    amount: AmountStr | None = None
    quantity: str | None = Field(None, max_length=20, description="in kind: days or units")
    unit_value: AmountStr | None = None
    contributed_on: date
    budget_line_id: Id | None = None


class ContributionOut(Out):
    id: int
    alliance_id: int
    budget_line_id: int | None = None
    kind: str
    in_kind_type: str | None = None
    description: str
    quantity: str | None = None
    unit_value: MoneyStr | None = None
    amount: MoneyStr
    contributed_on: date
    evidence_sha256: str | None = None
    report_id: int | None = None
    voided_at: UtcDateTime | None = None
    void_reason: str | None = None
    version: int


class ReportIn(Model):
    period_start: date
    period_end: date
    assembly_approved_on: date | None = None
    #: or the decision of the association's assembly register that approved it (its date is the assembly's)
    assembly_decision_id: Id | None = None


class ReportTransitionIn(Model):
    action: str = Field(min_length=1, max_length=60, description="submit, approve, observe, reopen")
    observations: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    #: ``submit`` may carry the assembly's approval (multipart: the minutes in ``file``)
    assembly_approved_on: date | None = None
    #: ``submit`` may point to the assembly register's decision instead of a minutes file
    assembly_decision_id: Id | None = None
    version: Id | None = None


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


def expense_out(e):
    return dump(ExpenseOut, e)


def contribution_out(c):
    data = {k: getattr(c, k) for k in ContributionOut.model_fields if hasattr(c, k)}
    data["quantity"] = str(c.quantity) if c.quantity is not None else None
    return dump(ContributionOut, data)


def report_out(r):
    exp, cons = report_svc.items(r)
    data = {k: getattr(r, k) for k in ("id", "alliance_id", "period_start", "period_end", "state",
                                       "assembly_approved_on", "assembly_sha256", "assembly_decision_id", "observations", "totals",
                                       "version")}
    return dump(ReportOut, {**data, "state_title": str(r.state_title), "expense_ids": [e.id for e in exp],
                            "contribution_ids": [c.id for c in cons],
                            "actions": [t.name for t in REPORT.available(r, api_user())],
                            "document": f"/api/v1/alliances/{r.alliance_id}/documents/accountability-{r.id}"})


def _visible(obj):
    return can_view_execution(api_user(), obj.alliance)


def _writer(alliance):
    require(can_record(api_user(), alliance), DENIED)


@endpoint("/alliances/<int:alliance_id>/expenses", summary="The alliance's expenses (voided ones included)",
          response=ExpenseOut, paginated=True, tags=TAGS, name="execution_expenses")
def list_expenses(alliance_id):
    alliance = load_alliance(alliance_id)
    q = sa.select(Expense).where(Expense.alliance_id == alliance.id).order_by(Expense.spent_on, Expense.id)
    return paginate(q, expense_out)


@endpoint("/alliances/<int:alliance_id>/expenses", ["POST"], summary="Record an expense", body=ExpenseIn,
          multipart={"receipt": "The receipt: a photo (JPEG, PNG) or a PDF, checked by its content"},
          response=ExpenseOut, status=201, tags=TAGS, name="record_expense")
@idempotent
def record_expense(alliance_id, body):
    """Rules (422, all listed): ``line_funds_exceeded``, ``grant_cash_exceeded``, ``procurement_required``,
    ``duplicate_document``, ``report_locked`` (date in a submitted period), ``alliance_not_in_execution``,
    ``alliance_suspended``. Member: 403.
    An ``Idempotency-Key`` header (8 to 100 letters, digits, ``.:_-``) makes a retry safe: the same key
    answers as the first success did (header ``Idempotent-Replayed: true``) and records nothing again."""
    alliance = load_alliance(alliance_id)
    _writer(alliance)
    e = expense_svc.record_expense(alliance, body.model_dump(), api_user(), request.files.get("receipt"))
    return expense_out(e)


def load_expense(expense_id):
    return load(Expense, expense_id, _visible)


@endpoint("/expenses/<int:expense_id>", summary="One expense", response=ExpenseOut, tags=TAGS,
          name="execution_expense")
def get_expense(expense_id):
    return expense_out(load_expense(expense_id))


@endpoint("/expenses/<int:expense_id>", ["PATCH"], summary="Correct an expense", body=ExpensePatch,
          multipart={"receipt": "A new receipt"}, response=ExpenseOut, tags=TAGS, name="correct_expense")
def correct_expense(expense_id, body):
    """``version`` required (409 ``stale_version``). In a submitted report: 422 ``report_locked``."""
    e = load_expense(expense_id)
    _writer(e.alliance)
    data = body.model_dump(exclude={"version"}, exclude_unset=True)
    expense_svc.update_expense(e, data, api_user(), request.files.get("receipt"), version=body.version)
    return expense_out(e)


@endpoint("/expenses/<int:expense_id>", ["DELETE"], summary="Void an expense (it stays on record)",
          response=ExpenseOut, tags=TAGS, name="void_expense",
          query={"reason": "Why it is voided (required)", "version": "The version read"})
def void_expense(expense_id):
    """Query ``reason`` (required) and ``version``. In a submitted report: 422 ``report_locked``."""
    e = load_expense(expense_id)
    _writer(e.alliance)
    raw = request.args.get("version")
    version = int(raw) if raw and raw.isdigit() and len(raw) < 10 else None
    if raw and version is None:
        raise ApiError(400, rules.BAD_REQUEST, _l("version must be a whole number."))
    expense_svc.void_expense(e, api_user(), request.args.get("reason"), version=version)
    return expense_out(e)


@endpoint("/alliances/<int:alliance_id>/contributions", summary="Counterpart contributions",
          response=ContributionOut, paginated=True, tags=TAGS, name="execution_contributions")
def list_contributions(alliance_id):
    alliance = load_alliance(alliance_id)
    q = sa.select(Contribution).where(Contribution.alliance_id == alliance.id).order_by(Contribution.contributed_on,
                                                                                         Contribution.id)
    return paginate(q, contribution_out)


@endpoint("/alliances/<int:alliance_id>/contributions", ["POST"], summary="Record a counterpart contribution",
          body=ContributionIn, multipart={"evidence": "Evidence: photo or PDF"}, response=ContributionOut,
          status=201, tags=TAGS, name="record_contribution")
@idempotent
def record_contribution(alliance_id, body):
    """``kind`` cash or in_kind; the amount, or ``quantity`` × ``unit_value`` (labour days × daily value).
    An ``Idempotency-Key`` header (8 to 100 letters, digits, ``.:_-``) makes a retry safe: the same key
    answers as the first success did (header ``Idempotent-Replayed: true``) and records nothing again."""
    alliance = load_alliance(alliance_id)
    _writer(alliance)
    c = contrib_svc.record_contribution(alliance, body.model_dump(), api_user(), request.files.get("evidence"))
    return contribution_out(c)


@endpoint("/contributions/<int:contribution_id>", ["DELETE"], summary="Void a contribution (it stays on record)",
          response=ContributionOut, tags=TAGS, name="void_contribution",
          query={"reason": "Why it is voided (required)", "version": "The version read"})
def void_contribution(contribution_id):
    """Query ``reason`` (required) and ``version``. In a submitted report: 422 ``report_locked``."""
    item = load(Contribution, contribution_id, _visible)
    _writer(item.alliance)
    raw = request.args.get("version")
    version = int(raw) if raw and raw.isdigit() and len(raw) < 10 else None
    if raw and version is None:
        raise ApiError(400, rules.BAD_REQUEST, _l("version must be a whole number."))
    contrib_svc.void_contribution(item, api_user(), request.args.get("reason"), version=version)
    return contribution_out(item)


@endpoint("/alliances/<int:alliance_id>/accountability-reports", summary="Accountability reports",
          response=ReportOut, paginated=True, tags=TAGS, name="execution_reports")
def list_reports(alliance_id):
    alliance = load_alliance(alliance_id)
    q = sa.select(AccountabilityReport).where(AccountabilityReport.alliance_id == alliance.id).order_by(
        AccountabilityReport.period_start)
    return paginate(q, report_out)


@endpoint("/alliances/<int:alliance_id>/accountability-reports", ["POST"], summary="Prepare a report for a period",
          body=ReportIn, multipart={"file": "The minutes of the assembly that approved it (optional here)"},
          response=ReportOut, status=201, tags=TAGS, name="create_report")
def create_report(alliance_id, body):
    """Totals are computed from the expenses and contributions of the period. Overlapping periods: 422
    ``period_overlaps``."""
    alliance = load_alliance(alliance_id)
    _writer(alliance)
    r = report_svc.create_report(alliance, body.model_dump(), api_user(), request.files.get("file"))
    return report_out(r)


def load_report(report_id):
    return load(AccountabilityReport, report_id, _visible)


@endpoint("/accountability-reports/<int:report_id>", summary="One accountability report", response=ReportOut,
          tags=TAGS, name="execution_report")
def get_report(report_id):
    return report_out(load_report(report_id))


@endpoint("/accountability-reports/<int:report_id>/transitions", ["POST"], summary="Take a report action",
          body=ReportTransitionIn, multipart={"file": "submit: the assembly's minutes"}, response=ReportOut,
          tags=TAGS, name="report_transition")
def report_transition(report_id, body):
    """``submit`` (treasurer or board; needs the assembly's approval: ``assembly_approval_missing``),
    ``approve`` and ``observe`` with ``observations`` (officer of the region), ``reopen`` (observed back to
    draft). Unknown action: 400; wrong state: 409; role: 403."""
    r = load_report(report_id)
    if body.action not in REPORT.by_name:
        raise ApiError(400, rules.BAD_REQUEST, _l("Unknown action: %(action)s", action=body.action[:60]))
    minutes = request.files.get("file")
    if body.action == "submit" and (body.assembly_approved_on or minutes is not None or body.assembly_decision_id):
        _writer(r.alliance)
        report_svc.record_assembly_approval(r, body.assembly_approved_on, minutes, api_user(),
                                            body.assembly_decision_id)
    data = body.model_dump(exclude={"action", "version", "assembly_approved_on", "assembly_decision_id"},
                           exclude_none=True)
    report_svc.report_action(r, body.action, api_user(), data, version=body.version)
    return report_out(load_report(report_id))


@endpoint("/alliances/<int:alliance_id>/documents/accountability-<int:report_id>",
          summary="The accountability statement of report {report_id} as a PDF", content_type="application/pdf",
          tags=("documents",), name="accountability_document")
def accountability_document(alliance_id, report_id):
    from .pdf import report_pdf

    alliance = load_alliance(alliance_id)
    r = load(AccountabilityReport, report_id, lambda x: x.alliance_id == alliance.id)
    return Response(report_pdf(r), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{alliance.code}-rendicion-{r.id}.pdf"'})


from . import api_procurement  # noqa: E402,F401  (procurement endpoints)
from . import api_reallocation  # noqa: E402,F401  (reallocation endpoints)


@endpoint("/alliances/<int:alliance_id>/expenses/import", ["POST"], summary="Record many expenses from an XLSX",
          multipart={"file": "XLSX: line, date, amount, source, supplier, document_type, document_number, "
                             "description"}, response=ExpenseOut, many=True, status=201, tags=TAGS,
          name="import_expenses")
def import_expenses(alliance_id):
    """All rows or none: 422 lists every error with its row (``field`` = ``row 3: amount``)."""
    from .bulk import import_expenses as run

    alliance = load_alliance(alliance_id)
    _writer(alliance)
    done = run(alliance, request.files.get("file"), api_user())
    return [expense_out(e) for e in done]


@endpoint("/expenses/<int:expense_id>/receipt", summary="The expense's receipt (photo or PDF)",
          content_type="image/jpeg, image/png, application/pdf", tags=TAGS, name="expense_receipt")
def expense_receipt(expense_id):
    """Whoever may see the alliance (members included: social control); 404 without a receipt."""

    e = load_expense(expense_id)
    if not e.receipt_sha256:
        raise NotFound()
    return send_stored(e.receipt_sha256, e.receipt_content_type, e.receipt_filename, as_attachment=False)


@endpoint("/accountability-reports", summary="Accountability reports this user may see, by state (the officer's "
          "queue: state=submitted)", response=ReportOut, paginated=True, tags=TAGS, name="execution_report_queue",
          query={"state": ("Only this state", {"type": "string", "enum": list(REPORT.states)})})
def report_queue():

    q = (sa.select(AccountabilityReport).join(Alliance, Alliance.id == AccountabilityReport.alliance_id)
         .where(alliance_filter(api_user())).order_by(AccountabilityReport.updated_at, AccountabilityReport.id))
    state = choice_arg("state", REPORT.states)
    if state:
        q = q.where(AccountabilityReport.state == state)
    return paginate(q, report_out)
