"""Field types for request and response models: money and shares as strings, never floats; ids and
counts bounded so that no value can overflow a column; datetimes in UTC ISO 8601."""
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..money import to_decimal

#: the largest id or count a 32-bit INTEGER column holds (PostgreSQL ``integer``)
MAX_INT = 2**31 - 1
#: the largest amount we accept: far above any grant, far below what a BIGINT of cents holds
MAX_AMOUNT = Decimal("999999999999.99")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _exact(places, maximum=MAX_AMOUNT, signed=True):
    """Parse an exact decimal: a string such as "1250.00" (or a whole number); never a float.

    A float, bool, list or object is a wrong type (400); a string that is not a number, or with too
    many decimal places, is a wrong value (422)."""

    def parse(value):
        if isinstance(value, Decimal):
            text = format(value, "f")
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise PydanticCustomError("decimal_string_type",
                                      'Send amounts as strings such as "1250.00", never as numbers with a '
                                      "fraction, lists or objects.")
        if not _NUMBER.match(text):
            raise PydanticCustomError("decimal_invalid", 'Not an amount: write it as "1250.00".')
        if "." in text and len(text.split(".", 1)[1].rstrip("0")) > places:
            raise PydanticCustomError("decimal_places", "At most {places} decimal places.", {"places": places})
        value = to_decimal(text, places)
        if abs(value) > maximum:
            raise PydanticCustomError("decimal_too_large", "At most {maximum}.", {"maximum": str(maximum)})
        if value < 0 and not signed:
            raise PydanticCustomError("decimal_negative", "The amount cannot be negative.")
        return value

    return parse


def fmt_ratio(value):
    """A share as ``"0.70"``, ``"0.125"``: at least two decimals, at most four, no trailing zeros beyond."""
    if value is None:
        return None
    text = str(Decimal(value).quantize(Decimal("0.0001")))
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def fmt_money(value):
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01")))


MONEY_SCHEMA = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "examples": ["1250.00"]}
AMOUNT_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["1250.00"]}
RATIO_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d{1,4})?$", "examples": ["0.70"]}

#: money in and out: "1250.00" (may be negative where a service allows it)
MoneyStr = Annotated[Decimal, BeforeValidator(_exact(2)), PlainSerializer(fmt_money, return_type=str),
                     WithJsonSchema(MONEY_SCHEMA)]
#: money that is never negative: "1250.00"
AmountStr = Annotated[Decimal, BeforeValidator(_exact(2, signed=False)), PlainSerializer(fmt_money, return_type=str),
                      WithJsonSchema(AMOUNT_SCHEMA)]
#: a share or rate in and out: "0.70", "0.125" (up to four places)
RatioStr = Annotated[Decimal, BeforeValidator(_exact(4, maximum=Decimal("10000"), signed=False)),
                     PlainSerializer(fmt_ratio, return_type=str), WithJsonSchema(RATIO_SCHEMA)]
#: a share between 0 and 1: "0.70"
ShareStr = Annotated[Decimal, BeforeValidator(_exact(4, maximum=Decimal("1"), signed=False)),
                     PlainSerializer(fmt_ratio, return_type=str), WithJsonSchema(RATIO_SCHEMA)]
#: a non-money decimal with two places (hectares): "2.50"
Decimal2Str = AmountStr


def no_bool(value):
    """Refuse ``true``/``false`` where a number goes (pydantic would read them as 1/0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: a primary key: 1 .. 2**31-1 (anything else cannot exist)
Id = Annotated[int, Field(ge=1, le=MAX_INT), BeforeValidator(no_bool)]
#: a small whole number (counts, years, weights)
SmallInt = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(no_bool)]


def _utc_naive(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _iso_utc(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


DATETIME_SCHEMA = {"type": "string", "format": "date-time", "examples": ["2026-03-01T08:00:00Z"]}

#: a moment: ISO 8601 in, UTC ``...Z`` out (stored naive UTC)
UtcDateTime = Annotated[datetime, PlainSerializer(_iso_utc, return_type=str), WithJsonSchema(DATETIME_SCHEMA)]
#: a moment sent by the client: any ISO 8601 (a zone is converted to UTC; none means UTC)
UtcDateTimeIn = Annotated[datetime, AfterValidator(_utc_naive), PlainSerializer(_iso_utc, return_type=str),
                          WithJsonSchema(DATETIME_SCHEMA)]


def utc_naive(value):
    """A datetime in naive UTC, as the database keeps it."""
    return _utc_naive(value)
