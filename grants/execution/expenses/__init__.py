"""Expenses: the service (``services.py``: record, correct, void, the line figures), the input models
(``schemas.py``), the pages (``views.py``), the API (``api.py``) and the spreadsheet import (``bulk.py``).

The package reads as its service (``from grants.execution import expenses``)."""
from .services import (FIELDS, deliverable_check, spent_on_line, grant_spent, planned, available, record_expense,
                       update_expense, void_expense, line_figures, paid_on_deliverable)  # noqa: F401
