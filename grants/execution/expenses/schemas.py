"""The input models of expenses: record (``ExpenseIn``), correct (``ExpensePatch``); void is ``VoidIn``
(grants/execution/schemas.py)."""
from flask_babel import lazy_gettext as _l

from ...schemas import Model, Patch
from ...schemas.types import Id
from ..models import DOCUMENT_TYPES, EXPENSE_SOURCES
from ...schemas.fields import PastDate, PositiveAmount, choice, optional_text, required_text

Source = choice(EXPENSE_SOURCES, _l("Choose where the money comes from."))
DocumentType = choice(DOCUMENT_TYPES, _l("Choose the type of document."))


class ExpenseIn(Model):
    """Record an expense. Whether the line and the procurement are this alliance's, and every money rule,
    are the service's (grants/execution/expenses.py)."""

    budget_line_id: Id
    spent_on: PastDate
    amount: PositiveAmount
    source: Source
    supplier: required_text(200)
    document_type: DocumentType
    document_number: required_text(60)
    description: optional_text(300) | None = None
    procurement_id: Id | None = None
    deliverable_id: Id | None = None


class ExpensePatch(Patch):
    """Correct an expense: only the fields given change (``version``: the one read)."""

    budget_line_id: Id = None
    spent_on: PastDate = None
    amount: PositiveAmount = None
    source: Source = None
    supplier: required_text(200) = None
    document_type: DocumentType = None
    document_number: required_text(60) = None
    description: optional_text(300) = None
    procurement_id: Id | None = None
    deliverable_id: Id | None = None
