"""API endpoints of expenses (API.md): list, record (JSON or multipart with the receipt), one, correct, void,
the receipt, the spreadsheet import."""
from datetime import date

from flask import request

from ...alliances.api import load_alliance
from ...api.core import Out, dump, endpoint, listing, load, rows_of, stored_file
from ...schemas.types import MoneyStr, UtcDateTime
from ...web.idempotency import idempotent
from ..api import TAGS, _visible, recorded, void_query
from ..models import Expense
from . import services as expense_svc
from .bulk import import_expenses as import_rows
from .schemas import ExpenseIn, ExpensePatch


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


def expense_out(e):
    return dump(ExpenseOut, e)


listing("/alliances/<int:alliance_id>/expenses", summary="The alliance's expenses (voided ones included)",
        response=ExpenseOut, tags=TAGS, name="execution_expenses", load=load_alliance,
        rows=lambda alliance: rows_of(Expense, alliance, Expense.spent_on, Expense.id), answer=expense_out)


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
    return recorded(alliance, lambda user: expense_svc.record_expense(alliance, body, user, request.files.get("receipt")),
                    expense_out)


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
    return recorded(e.alliance, lambda user: expense_svc.update_expense(e, body, user, request.files.get("receipt")),
                    expense_out)


@endpoint("/expenses/<int:expense_id>", ["DELETE"], summary="Void an expense (it stays on record)",
          response=ExpenseOut, tags=TAGS, name="void_expense",
          query={"reason": "Why it is voided (required)", "version": "The version read"})
def void_expense(expense_id):
    """Query ``reason`` (required) and ``version``. In a submitted report: 422 ``report_locked``."""
    e = load_expense(expense_id)
    return recorded(e.alliance, lambda user: expense_svc.void_expense(e, user, void_query()), expense_out)


@endpoint("/alliances/<int:alliance_id>/expenses/import", ["POST"], summary="Record many expenses from an XLSX",
          multipart={"file": "XLSX: line, date, amount, source, supplier, document_type, document_number, "
                             "description"}, response=ExpenseOut, many=True, status=201, tags=TAGS,
          name="import_expenses")
def import_expenses(alliance_id):
    """All rows or none: 422 lists every error with its row (``field`` = ``row 3: amount``)."""
    alliance = load_alliance(alliance_id)
    return recorded(alliance, lambda user: import_rows(alliance, request.files.get("file"), user),
                    lambda done: [expense_out(e) for e in done])


@endpoint("/expenses/<int:expense_id>/receipt", summary="The expense's receipt (photo or PDF)",
          content_type="image/jpeg, image/png, application/pdf", tags=TAGS, name="expense_receipt")
def expense_receipt(expense_id):
    """Whoever may see the alliance (members included: social control); 404 without a receipt."""

    return stored_file(load_expense(expense_id), "receipt")
