"""Accountability reports: the service (``services.py``), the input models (``schemas.py``), the pages
(``views.py``), the API (``api.py``) and the statement as PDF (``pdf.py``) and XLSX (``xlsx.py``).

The package reads as its service (``from grants.execution import reports``)."""
from .services import (create_report, record_assembly_approval, items, balances, report_action)  # noqa: F401
