"""What the services share once their inputs are validated by the operation's pydantic model
(``grants.schemas``): an exact decimal from text, raising what a ``Collector`` gathered, and the version
check of a correction. At the ground (no domain), so that any stage may use them."""
import re
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


__all__ = ["Collector", "fail", "check_version", "decimal_in"]
