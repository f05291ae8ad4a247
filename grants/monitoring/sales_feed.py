"""The sales indicators fed from the buyer's confirmed deliveries (grants/alliances/sales.py): the sales stage
computes the figures; monitoring writes them as indicator values, with the same service and audit as a value
typed by hand. Only the standard indicators ``sales_volume``, ``sales_value`` and ``price_received``."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import sales
from ..extensions import db
from .alerting import ALERT_TITLES
from .models import IndicatorValue
from .permissions import MONITORED
from .services import record_value

FED = ("sales_volume", "sales_value", "price_received")
#: the title of the sales stage's alert on the alliance and alerts pages (never the code)
ALERT_TITLES["buyer_noncompliance"] = _l("Buyer behind the letter of intent")


@sales.provide("feed_indicators")
def feed_indicators(alliance, values, actor):
    if alliance.state not in MONITORED or not values:
        return 0
    indicators = {i.code: i for i in alliance.indicators if i.code in FED}
    if not indicators:
        return 0
    stored = {(v.indicator_id, v.period): v.value for v in db.session.execute(sa.select(IndicatorValue).where(
        IndicatorValue.alliance_id == alliance.id,
        IndicatorValue.indicator_id.in_([i.id for i in indicators.values()]))).scalars()}
    changed = 0
    for period, figures in sorted(values.items()):
        for code, value in sorted(figures.items()):
            indicator = indicators.get(code)
            if indicator is None or value is None or stored.get((indicator.id, period)) == value:
                continue
            record_value(alliance, indicator, {"period": period, "value": str(value),
                                               "note": ""}, actor)
            changed += 1
    return changed
