"""Small parsers shared by the services of the plan and closeout stages: exact amounts, whole numbers,
dates, text. At the ground (no domain), so that any stage may use them. The inputs of the converted operations
are validated by their pydantic models instead (``grants.schemas``); these serve the stages not converted yet."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from .errors import Collector, RuleViolation, StaleVersion, ValidationFailed

MAX_AMOUNT = Decimal("999999999999.99")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
#: field-level rule codes; anything else is a business rule
FIELD_RULES = ("required", "invalid")


def decimal_in(raw, places=2, maximum=MAX_AMOUNT):
    """``raw`` (str, int or Decimal; never float or bool) as a non-negative Decimal with at most
    ``places`` decimals. Raises ``ValueError``."""
    if raw is None or isinstance(raw, (float, bool)):
        raise ValueError
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip().replace(" ", "")
        if not text:
            raise ValueError
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not _PLAIN.match(text):
            raise ValueError
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError from None
    if not value.is_finite() or value < 0 or value > maximum:
        raise ValueError
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError
    return value.quantize(Decimal(1).scaleb(-places))


def amount(data, key, c, *, places=2, required=True, message=None, field=None):
    """Read ``data[key]`` as an exact amount, adding a violation to ``c`` when it is not one."""
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            c.add("required", _l("This field is required."), field or key)
        return None
    try:
        return decimal_in(raw, places)
    except ValueError:
        c.add("invalid", message or (_l("Enter an amount of 0 or more such as 1250.00.") if places == 2 else
                                     _l("Enter a number of 0 or more with at most %(n)s decimals.", n=places)),
              field or key)
        return None


def whole(data, key, c, *, minimum=0, maximum=2**31 - 1, required=True, field=None):
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            c.add("required", _l("This field is required."), field or key)
        return None
    try:
        if isinstance(raw, (bool, float)):
            raise ValueError
        value = int(str(raw).strip())
        if not minimum <= value <= maximum:
            raise ValueError
    except (ValueError, TypeError):
        c.add("invalid", _l("Enter a whole number from %(a)s to %(b)s.", a=minimum, b=maximum), field or key)
        return None
    return value


def day(data, key, c, *, required=True, field=None):
    raw = data.get(key)
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if raw is None or not str(raw).strip():
        if required:
            c.add("required", _l("This field is required."), field or key)
        return None
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        c.add("invalid", _l("Enter a date such as 2026-03-31."), field or key)
        return None


def text(data, key, c, *, limit, required=False, field=None):
    raw = data.get(key)
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        c.add("required", _l("This field is required."), field or key)
    if len(value) > limit:
        c.add("invalid", _l("At most %(n)s characters.", n=limit), field or key)
        value = value[:limit]
    return value


def fail(c):
    """Raise what ``c`` collected: ``RuleViolation`` when a business rule is among them (listing
    every violation), ``ValidationFailed`` when only fields are wrong."""
    if not c.violations:
        return
    if any(v.rule not in FIELD_RULES for v in c.violations):
        raise RuleViolation(c.violations)
    raise ValidationFailed(_l("Some fields need attention."), c.violations)


def check_version(obj, version, what=None):
    if version is None or version == "":
        return
    try:
        ok = int(version) == obj.version
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise StaleVersion(what or _l("Someone changed this meanwhile. Reload it and try again."))


__all__ = ["Collector", "amount", "whole", "day", "text", "fail", "check_version", "decimal_in"]
