"""What the sales stage (grants/sales) needs from the other stages, as a port on the spine: the buyer's letter of
intent (provided by the proposals stage, which holds it) and the sales indicators (provided by monitoring, which
holds the indicator values); and what the others read from it: the confirmed sales (the final report). The
stages never import each other; create_app imports the providers."""
from ..common import Providers

_providers = Providers("alliances.sales")
#: decorator: the stage that holds the data registers the function behind ``name``
provide = _providers.provide


def letters_of_intent(alliance_ids):
    """``{alliance_id: {"volume", "unit", "price", "quality", "delivery", "signed_on"}}``: the buyer's letter of
    intent of each alliance that has one (volume per year and price as Decimal), in one query."""
    return _providers["letters_of_intent"](list(alliance_ids))


def confirmed_sales(alliance_id):
    """The sales the buyer confirmed for one alliance (``count``, ``volume``, ``unit``, ``value``, ``price``,
    ``paid``: Decimal), provided by the sales stage; None when no stage provides it."""
    try:
        fn = _providers["confirmed_sales"]
    except LookupError:
        return None
    return fn(alliance_id)


def feed_indicators(alliance, values, actor):
    """Write the standard sales indicators of ``alliance`` from the buyer's confirmed deliveries: ``values`` is
    ``{period "YYYY-MM": {indicator code: Decimal}}``. Returns how many values changed. Nothing is written while
    the alliance is not monitored (before execution, after closeout)."""
    return _providers["feed_indicators"](alliance, values, actor)
