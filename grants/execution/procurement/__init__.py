"""Procurement by the association: the service and its guards (``services.py``), the input models
(``schemas.py``), the pages (``views.py``) and the API (``api.py``).

The package reads as its service (``from grants.execution import procurement``)."""
from .services import (create_procurement, add_quotation, award_rules, procurement_action)  # noqa: F401
