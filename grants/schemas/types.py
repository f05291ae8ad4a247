"""Field types for request and response models: money and shares as strings, never floats; ids and
counts bounded so that no value can overflow a column; datetimes in UTC ISO 8601."""
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..common import MAX_ID
from ..money import to_decimal

#: the largest id or count a 32-bit INTEGER column holds (PostgreSQL ``integer``)
MAX_INT = MAX_ID  # the largest INTEGER id
#: the largest amount we accept: far above any grant, far below what a BIGINT of cents holds
MAX_AMOUNT = Decimal("999999999999.99")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _strict_pattern(places, signed):
    """What a client may send: ASCII digits without padding or leading zeros, a point and at most
    ``places`` decimals, and a leading minus only where a negative value makes sense."""
    return re.compile(("-?" if signed else "") + rf"(0|[1-9][0-9]*)(\.[0-9]{{1,{places}}})?", re.ASCII)


def _from_client(info):
    """True when the value comes from a request body (``parse_body`` passes ``{"client": True}``);
    values from our own objects (the answers' models) may be ``Decimal`` or ``int``."""
    return bool(info is not None and isinstance(info.context, dict) and info.context.get("client"))


def _from_form(info):
    """True when the value comes from a page's form (``grants.schemas.from_form``)."""
    return bool(info is not None and isinstance(info.context, dict) and info.context.get("form"))


def _form_text(value, places):
    """A person's amount as typed in a form: spaces ignored and a decimal comma read as a point when there
    is no point ("1250,50"); then the common checks apply."""
    from flask_babel import gettext

    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise PydanticCustomError("decimal_invalid", gettext("Enter an amount of 0 or more such as 1250.00.")
                                  if places == 2 else gettext("Enter a number such as 0.70."))
    return text


def _strict(value, places, signed):
    """A client's amount: only a string as described by ``_strict_pattern``; anything else is a
    ``validation_error`` (422) naming the field, except values of a wrong JSON type (400)."""
    from flask_babel import gettext

    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError("decimal_not_string", gettext(
            'Send amounts and shares as text such as "1250.00" or "0.70", not as numbers.'))
    if not isinstance(value, str):
        raise PydanticCustomError("decimal_string_type", gettext(
            'Send amounts as strings such as "1250.00", never as numbers with a fraction, lists or objects.'))
    if _strict_pattern(places, signed).fullmatch(value):
        return value
    if not signed and _strict_pattern(places, True).fullmatch(value):
        raise PydanticCustomError("decimal_negative", gettext("The amount cannot be negative."))
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", value, re.ASCII) and _strict_pattern(
            len(value.split(".", 1)[1]), signed).fullmatch(value):
        raise PydanticCustomError("decimal_places", gettext("At most {places} decimal places."), {"places": places})
    raise PydanticCustomError("decimal_invalid", gettext(
        'Not an amount: write it with digits, a point and at most {places} decimals, such as "1250.00", '
        "without spaces or leading zeros."), {"places": places})


def _exact(places, maximum=MAX_AMOUNT, signed=True):
    """Parse an exact decimal; never a float.

    From a client (a request body): a string such as "1250.00" and nothing else (``_strict``). From
    our own objects: a ``Decimal``, an ``int`` or such a string. A float, bool, list or object is a
    wrong type (400); a string that is not a number, or with too many decimal places, is a wrong
    value (422)."""

    def parse(value, info):
        from flask_babel import gettext

        if _from_client(info):
            text = _strict(value, places, signed)
        elif _from_form(info) and isinstance(value, str):
            text = _form_text(value, places)
        elif isinstance(value, Decimal):
            text = format(value, "f")
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise PydanticCustomError("decimal_string_type", gettext(
                'Send amounts as strings such as "1250.00", never as numbers with a fraction, lists or objects.'))
        if not _NUMBER.match(text):
            raise PydanticCustomError("decimal_invalid", gettext('Not an amount: write it as "1250.00".'))
        if "." in text and len(text.split(".", 1)[1].rstrip("0")) > places:
            raise PydanticCustomError("decimal_places", gettext("At most {places} decimal places."),
                                      {"places": places})
        value = to_decimal(text, places)
        if abs(value) > maximum:
            raise PydanticCustomError("decimal_too_large", gettext("At most {maximum}."), {"maximum": str(maximum)})
        if value < 0 and not signed:
            raise PydanticCustomError("decimal_negative", gettext("The amount cannot be negative."))
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


#: (the patterns say exactly what a client may send: ASCII digits, no padding, at most 12 whole digits)
MONEY_SCHEMA = {"type": "string", "pattern": r"^-?(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$", "examples": ["1250.00"]}
AMOUNT_SCHEMA = {"type": "string", "pattern": r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$", "examples": ["1250.00"]}
RATIO_SCHEMA = {"type": "string", "pattern": r"^(0|[1-9][0-9]{0,3})(\.[0-9]{1,4})?$|^10000(\.0{1,4})?$",
                "examples": ["0.70"]}
SHARE_SCHEMA = {"type": "string", "pattern": r"^0(\.[0-9]{1,4})?$|^1(\.0{1,4})?$", "examples": ["0.70"]}

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
                     PlainSerializer(fmt_ratio, return_type=str), WithJsonSchema(SHARE_SCHEMA)]
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
