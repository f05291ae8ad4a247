"""Reallocations between budget lines: the service (``services.py``), the input models (``schemas.py``),
the pages (``views.py``) and the API (``api.py``).

The package reads as its service (``from grants.execution import reallocations``)."""
from .services import (LINE_FIELDS, request_reallocation, decide_reallocation)  # noqa: F401
