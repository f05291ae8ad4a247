"""What the accounts need from the associations (a user's memberships name associations): declared here,
provided by grants/associations/services.py at import, so that accounts never imports associations."""
from ..common import Providers

_providers = Providers("accounts.hooks")
#: decorator: the associations register the function behind ``name`` (one of the functions below)
provide = _providers.provide


def association_exists(association_id):
    """Whether an association with this id exists."""
    return _providers["association_exists"](association_id)


def associations_by_name():
    """Every association, by name (the choices of a membership row)."""
    return _providers["associations_by_name"]()


def association_regions():
    """The regions that exist among associations."""
    return _providers["association_regions"]()
