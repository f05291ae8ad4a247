"""The numbers of a report page written in the reader's language, looked up once per page.

The app's filters (grants/web/i18n.py ``number``, ``money``, ``percent``) ask Babel for the locale and parse
the pattern on every value; the portfolio writes a hundred and fifty values. ``Formats`` takes the locale's
group and decimal symbols (and each currency's prefix, from ``i18n.money`` itself) once, then writes each value
with Python's exact Decimal formatting (half-even rounding, as Babel's): the same text, character for
character (tests/reports/test_portfolio_speed.py compares them over many values in both languages)."""
from decimal import Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import get_locale

from ..money import ZERO
from ..web import i18n


class Formats:
    """``number(v, places)``, ``money(v, currency)`` and ``percent(v)`` of the current locale."""

    def __init__(self):
        locale = get_locale()
        self._symbols = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})
        self._prefix = {}

    def number(self, value, places=0):
        if value is None:
            return ""
        return format(Decimal(value), f",.{places}f").translate(self._symbols)

    def money(self, value, currency=None):
        if value is None:
            return ""
        prefix = self._prefix.get(currency)
        if prefix is None:
            zero = i18n.money(ZERO, currency)
            prefix = self._prefix[currency] = zero[:len(zero) - len(self.number(ZERO, 2))]
        return (prefix + self.number(value, 2)).strip()

    def percent(self, value):
        if value is None:
            return ""
        return self.number(Decimal(value) * 100, 2) + " %"
