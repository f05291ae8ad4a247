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


# --- Amounts as people write them (forms only; the JSON API keeps its strict "1250.50") -------------
#
# One rule per language, the same one the pages use to show amounts:
#   Spanish: comma for the cents, dot between thousands: "1.250,50", "1250,50"; a dot followed by one or
#            two digits at the end is read as the decimal point too ("1250.50": phone keypads often lack
#            the comma). A dot followed by three digits separates thousands ("1.250" is 1250).
#            "1,250" (comma and three digits) is refused as ambiguous; so is "1,250.50" (English order).
#   English: dot for the cents, comma between thousands: "1,250.50", "1250.50", "1,250" (1250).
#            "1.250" (dot and three digits) and "1250,50" (comma for the cents) are refused as ambiguous.
# Spaces, a leading currency symbol ("Bs", "$", "US$", "S/", "L") and a leading "+" are ignored; more
# than two decimals are refused, never rounded.

import re as _re

_SYMBOL = _re.compile(r"^(?:bs\.?|us\$|\$|s/\.?|l\.?)\s*", _re.IGNORECASE)
_PLAIN = _re.compile(r"^\d+$")


class AmountError(ValueError):
    """An amount a person typed that cannot be read. ``kind`` is ``invalid``, ``ambiguous`` or
    ``decimals``; ``message`` is lazily translated and shows how to write it in the user's language."""

    def __init__(self, kind, message):
        super().__init__(str(kind))
        self.kind = kind
        self.message = message


def _whole(text, group):
    if _PLAIN.match(text):
        return text
    if _re.match(r"^\d{1,3}(?:" + _re.escape(group) + r"\d{3})+$", text):
        return text.replace(group, "")
    return None


def parse_amount_input(raw, locale="es"):
    """Read an amount typed in a form in ``locale`` ("es" or "en") as an exact ``Decimal`` with two
    places; ``None`` for an empty entry. Raises ``AmountError`` with a message for the person."""
    from flask_babel import lazy_gettext as _l

    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return to_decimal(raw)
    lang = str(locale or "es").split("_")[0].lower()
    decimal_mark, group_mark = (".", ",") if lang == "en" else (",", ".")
    text = str(raw).strip().replace("\u00a0", " ").replace("\u202f", " ")
    text = _SYMBOL.sub("", text).replace(" ", "")
    if not text:
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    example = amount_example(lang)
    how = _l("Write the amount like %(example)s: digits, the cents after a “%(mark)s”.",
             example=example, mark=decimal_mark)
    if not text or not set(text) <= set("0123456789.,"):
        raise AmountError("invalid", how)
    whole = cents = None
    if decimal_mark in text:
        head, _, tail = text.rpartition(decimal_mark)
        if group_mark in tail or decimal_mark in head:
            # "1,250.50" in Spanish, "1.250,50" in English: marks in the other language's order
            raise AmountError("ambiguous", how)
        if len(tail) == 3 and _PLAIN.match(tail) and _whole(head, group_mark) is not None and (
                group_mark not in head):
            # Spanish "1,250" / English "1.250": thousands in the other language, or three decimals?
            raise AmountError("ambiguous", _l(
                "“%(text)s” is ambiguous: write %(thousands)s for the thousands or %(cents)s for the cents.",
                text=text, thousands=_group_example(head + tail, lang), cents=f"{head}{decimal_mark}{tail[:2]}"))
        if not _PLAIN.match(tail) or len(tail) > 2:
            if _PLAIN.match(tail):
                raise AmountError("decimals", _l("At most two digits for the cents, like %(example)s.",
                                                 example=example))
            raise AmountError("invalid", how)
        whole, cents = _whole(head, group_mark) if head else "0", tail
    elif lang != "en" and text.count(".") == 1 and _re.match(r"^\d+\.\d{1,2}$", text):
        whole, cents = text.split(".")  # Spanish "1250.50": a dot before one or two final digits
    else:
        whole = _whole(text, group_mark)
        if whole is None and lang == "en" and _re.match(r"^\d+,\d{1,2}$", text):
            raise AmountError("ambiguous", how)  # English "1250,50"
    if whole is None:
        raise AmountError("invalid", how)
    # exact, never rounded (the cents have at most two digits); a huge amount is the service's to refuse
    return Decimal(f"{sign}{whole or '0'}" + (f".{cents}" if cents else ""))


def _group_example(digits, lang):
    digits = digits.lstrip("0") or "0"
    mark = "," if lang == "en" else "."
    out = ""
    while len(digits) > 3:
        out = mark + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def amount_example(locale="es"):
    """How an amount is written in ``locale``: "1.250,50" in Spanish, "1,250.50" in English."""
    return "1,250.50" if str(locale or "es").lower().startswith("en") else "1.250,50"


def amount_input(value, locale="es"):
    """An amount as a form shows it for editing, in a form ``parse_amount_input`` reads back:
    "1250,50" in Spanish, "1250.50" in English (no thousands marks); "" for ``None``."""
    if value is None or value == "":
        return ""
    try:
        d = to_decimal(value)
    except ValueError:
        return str(value)
    text = str(d)
    return text if str(locale or "es").lower().startswith("en") else text.replace(".", ",")


def amount_hint():
    """The example amount an error message shows: "1.250,50" / "1,250.50" on the pages (as the user's
    language writes it), "1250.50" in the JSON API and outside requests."""
    from flask import has_request_context, request
    from flask_babel import get_locale

    if not has_request_context() or request.path.startswith("/api/"):
        return "1250.50"
    return amount_example(str(get_locale() or "es"))


#: the reader's formats, registered by grants.web.i18n (this module sits below the web layer)
_FORMATTERS = {}


def register_formatters(money, percent):
    """``money(value, currency)`` and ``percent(value)`` in the reader's language, for ``Shown``."""
    _FORMATTERS.update(money=money, percent=percent)


class Shown:
    """An amount (or a share) put into a message: it is written when the message is, in the reader's
    language and with its currency ("Bs 25.091,70" in Spanish, "Bs 25,091.70" in English), e.g.
    ``_l("Only %(cash)s is left.", cash=shown(cash, "BOB"))``."""

    __slots__ = ("value", "currency", "kind")

    def __init__(self, value, currency=None, kind="money"):
        self.value, self.currency, self.kind = value, currency, kind

    def __str__(self):
        from flask import has_app_context

        if self.value is None:
            return ""
        if not has_app_context() or not _FORMATTERS:
            return f"{fmt(self.value)} {self.currency or ''}".strip() if self.kind == "money" else str(self.value)
        if self.kind == "percent":
            return _FORMATTERS["percent"](self.value)
        return _FORMATTERS["money"](self.value, self.currency)

    def __repr__(self):
        return f"Shown({self.value!r}, {self.currency!r}, {self.kind!r})"


def shown(value, currency=None):
    """``value`` as money in the reader's language, with ``currency`` ("BOB" shows as "Bs")."""
    return Shown(value, currency)


def shown_percent(share):
    """A share such as ``Decimal("0.7001")`` as "70,01 %" in the reader's language."""
    return Shown(share, kind="percent")


def xlsx_money_format(currency=None):
    """A spreadsheet number format for money with its currency, e.g. ``"Bs" #,##0.00``: the spreadsheet shows
    it with the reader's own separators ("Bs 1.250,50" in Spanish)."""
    symbol = {"BOB": "Bs", "COP": "$", "PEN": "S/", "HNL": "L", "USD": "US$"}.get(currency or "", currency or "")
    return f'"{symbol}" #,##0.00' if symbol else "#,##0.00"


def cents(column):
    """A Money column as raw integer cents, for SQL sums that stay exact and typed on every database."""
    return sa.type_coerce(column, sa.BigInteger)


def to_money(raw):
    """Such a sum of cents (None: nothing) as Decimal money."""
    return (Decimal(int(raw or 0)) / 100).quantize(CENT)


def to_fixed(raw):
    """Such a value in cents as Decimal, or None when there is none."""
    return None if raw is None else (Decimal(int(raw)) / 100).quantize(CENT)


def share_property(part, whole):
    """A read-only property: ``share(self.<part>, self.<whole>)``, e.g. the disbursed share of the committed."""
    return property(lambda self: share(getattr(self, part), getattr(self, whole)))
