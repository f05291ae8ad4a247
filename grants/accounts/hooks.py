"""What the accounts need from the associations (a user's memberships name associations): declared here,
provided by grants/associations/services.py at import, so that accounts never imports associations."""

_providers = {}


def provide(name):
    """Decorator: the associations register the function behind ``name`` (one of the functions below)."""
    def register(fn):
        _providers[name] = fn
        return fn
    return register


def association_exists(association_id):
    """Whether an association with this id exists."""
    return _providers["association_exists"](association_id)


def associations_by_name():
    """Every association, by name (the choices of a membership row)."""
    return _providers["associations_by_name"]()


def association_regions():
    """The regions that exist among associations."""
    return _providers["association_regions"]()
