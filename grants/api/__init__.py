"""JSON API v1 (API.md): the blueprint, auth, the error shape, pagination and the OpenAPI document."""
from .core import bp, endpoint  # noqa: F401

_REGISTERED = []


def register_endpoints():
    """Import each domain's ``api`` module once, which declares its endpoints on the blueprint."""
    if _REGISTERED:
        return
    import importlib

    for module in ("accounts", "programs", "associations", "alliances", "proposals", "notifications", "plans", "funding",
                   "execution", "assistance", "closeout", "monitoring", "revolving", "grievances",
                   "reports", "opendata", "organisation"):
        importlib.import_module(f"grants.{module}.api")
    importlib.import_module("grants.sales.api")  # issue 15: deliveries to the buyer
    _REGISTERED.append(True)
