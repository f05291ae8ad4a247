"""JSON API v1 (API.md): the blueprint, auth, the error shape, pagination and the OpenAPI document."""
from .core import bp, endpoint  # noqa: F401

#: the packages whose ``api`` module declares endpoints on the blueprint; the factory (``create_app``, the
#: composition layer) imports them: this package, below every stage, never imports one itself
DOMAINS = ("accounts", "programs", "associations", "alliances", "proposals", "notifications", "plans", "funding",
           "execution", "assistance", "closeout", "monitoring", "revolving", "grievances",
           "reports", "opendata", "organisation")
DOMAINS += ("sales",)  # issue 15: deliveries to the buyer
