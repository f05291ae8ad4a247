"""Counterpart contributions: the service (``services.py``), the input model (``schemas.py``), the pages
(``views.py``) and the API (``api.py``).

The package reads as its service (``from grants.execution import contributions``)."""
from .services import (record_contribution, void_contribution, contributed)  # noqa: F401
