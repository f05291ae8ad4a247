"""Services one stage offers the others, declared here on the spine and provided by that stage at import
with ``@offers.provide(name)``; no stage imports another. A stage that is not installed provides nothing:
``offered(name)`` is then None and the caller does without, as it would without that stage.

Names:
``moved_from_grant``    revolving: ``fn(alliance) -> Decimal``, grant money moved to the association's fund
``deposit_from_grant``  revolving: ``fn(alliance, amount, actor, moved_on) -> movement``, move unspent grant
``latest_values``       monitoring: ``fn(alliance) -> {indicator_id: IndicatorValue}``, the latest values
``assessment_of``       plans: ``fn(alliance, kind, moment) -> Assessment or None``, a scored scorecard
"""
NAMES = ("moved_from_grant", "deposit_from_grant", "latest_values", "assessment_of")

_offers = {}


def provide(name):
    """Decorator: the stage that owns ``name`` registers the function behind it."""
    if name not in NAMES:
        raise ValueError(f"unknown offer: {name}")

    def register(fn):
        _offers[name] = fn
        return fn
    return register


def offered(name):
    """The function registered under ``name``, or None when its stage is not installed."""
    if name not in NAMES:
        raise ValueError(f"unknown offer: {name}")
    return _offers.get(name)
