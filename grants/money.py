"""Exact money: ``Decimal`` in Python, integer minor units in the database, strings in JSON."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value, places=2):
    """Parse ``value`` (str, int or Decimal; never float) into a Decimal rounded to ``places``.

    Raises ``ValueError`` for anything that is not an exact finite number.
    """
    if value is None or isinstance(value, (float, bool)):
        raise ValueError("not an exact amount")
    if isinstance(value, str):
        value = value.strip().replace(" ", "")
        if not value:
            raise ValueError("empty amount")
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError("not a number") from exc
    if not d.is_finite():
        raise ValueError("not a finite number")
    try:
        return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # too many digits, e.g. "1e30"
        raise ValueError("too large") from exc


def money(value):
    """An amount of money with two places."""
    return to_decimal(value, 2)


def fmt(value, places=2):
    """Plain string for JSON and CSV: ``"1250.00"``."""
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places)))


def share(part, whole, places=4):
    """``part / whole`` as an exact Decimal with ``places`` places (0 when ``whole`` is 0)."""
    if not whole:
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Fixed(sa.types.TypeDecorator):
    """A Decimal with a fixed number of places, stored as a scaled BIGINT: exact on every database."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, places=2):
        super().__init__()
        self.places = places
        self.scale = 10**places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        d = to_decimal(value, self.places)
        return int(d * self.scale)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).quantize(Decimal(1).scaleb(-self.places))


class Money(Fixed):
    """Money with two places, stored as integer cents."""

    cache_ok = True

    def __init__(self):
        super().__init__(2)


class Ratio(Fixed):
    """A share or rate such as ``0.7000``, stored as integer ten-thousandths."""

    cache_ok = True

    def __init__(self):
        super().__init__(4)
