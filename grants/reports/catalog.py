"""Titles shared by the portfolio, the portal and their exports."""
from flask_babel import lazy_gettext as _l

from ..alliances.catalog import STANDARD_INDICATORS

GROUP_TITLES = {"region": _l("Region"), "program": _l("Program"), "call": _l("Call"), "product": _l("Product")}
_ORDER = list(STANDARD_INDICATORS)


def indicator_title(code, standard=True):
    if not standard or code == "custom":
        return _l("Custom indicators")
    return STANDARD_INDICATORS.get(code, (code,))[0]


def indicator_unit(code, standard=True):
    if not standard or code not in STANDARD_INDICATORS:
        return ""
    return STANDARD_INDICATORS[code][1]


def indicator_order(result):
    """Standard indicators in the catalog's order, other codes after them, custom ones last."""
    if not result.standard:
        return (2, 0, result.code)
    return (0, _ORDER.index(result.code), "") if result.code in _ORDER else (1, 0, result.code)


def code_order(code):
    return (0, _ORDER.index(code), "") if code in _ORDER else (1, 0, code)
