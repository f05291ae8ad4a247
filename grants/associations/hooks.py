"""What the associations need from the layer above them, the alliances: declared here, provided by the
spine at import (grants/alliances/permissions.py), so that associations never imports alliances."""
from ..common import Providers

_providers = Providers("associations.hooks")
#: decorator: the spine registers the function behind ``name`` (one of the functions below)
provide = _providers.provide


def alliances_of_association(association, user):
    """The alliances of ``association`` that ``user`` may see, newest first (at most 50)."""
    return _providers["alliances_of_association"](association, user)


def alliances_of_buyer(buyer, user):
    """The alliances that sell to ``buyer`` and that ``user`` may see, newest first (at most 200)."""
    return _providers["alliances_of_buyer"](buyer, user)


def member_in_alliance(member):
    """Whether ``member`` takes part in any alliance (then it is only marked inactive, never deleted)."""
    return _providers["member_in_alliance"](member)
