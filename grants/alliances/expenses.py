"""The expenses of an alliance as the other stages see them: a small interface the spine declares and the
execution stage provides at import (grants/execution/expenses/services.py and permissions.py). A TA payment is an
expense: the assistance stage records it, reads what was paid and registers its checks of such payments
here, and never imports execution."""
from ..common import Providers


#: checks of a payment of a TA deliverable, registered by the assistance stage with ``@deliverable_check``:
#: ``fn(alliance, line, deliverable_id, amount, exclude_id) -> iterable of Violation``
DELIVERABLE_CHECKS = []


def deliverable_check(fn):
    """Register a check of expenses that carry a ``deliverable_id`` (execution does not know the stage)."""
    if fn not in DELIVERABLE_CHECKS:
        DELIVERABLE_CHECKS.append(fn)
    return fn


_providers = Providers("alliances.expenses")
#: decorator: the execution stage registers the function behind ``name`` (one of the functions below)
provide = _providers.provide


def record_expense(alliance, data, actor, receipt=None):
    """Record an expense (execution's ``record_expense``: its errors are the same)."""
    return _providers["record_expense"](alliance, data, actor, receipt)


def can_record(user, alliance):
    """Whether ``user`` may record the expenses of ``alliance``."""
    return _providers["can_record"](user, alliance)


def line_figures(alliance):
    """Per budget line: planned and spent by source, with the share used (execution's ``line_figures``)."""
    return _providers["line_figures"](alliance)


def paid_on_deliverable(deliverable_id, exclude_id=None):
    """The sum (Decimal) of the live expenses that pay the TA deliverable ``deliverable_id``."""
    return _providers["paid_on_deliverable"](deliverable_id, exclude_id)


def document_types():
    """The kinds of supporting document of an expense: code -> title."""
    return _providers["document_types"]()
