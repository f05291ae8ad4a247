"""The inputs of programs and calls, one model per operation (issue 14): ``ProgramCreate`` and
``ProgramPatch`` with their rules (``RulesIn``); ``CallCreate`` and ``CallPatch`` with their criteria. The API validates its body against them (strict JSON types); a page or the demo is
read with the same models, where a rule may be typed as text ("0,70", "sí", "25") and anything wrong is
"Not a valid value for this rule." at ``rules.<name>``. The service (grants/programs/services.py) checks
what needs the database or the program's other values: a code already used, the minimum of families; a
call's program, committee, closing after opening, unique criteria whose weights add up to 100."""
from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, ValidationError, WrapValidator, create_model
from pydantic_core import PydanticCustomError

from ..schemas import Model, Patch
from ..schemas.fields import optional_text, required_text
from ..schemas.types import AmountStr, Id, ShareStr, UtcDateTimeIn, no_bool
from .models import RULES

#: the largest count a rule takes
MAX_COUNT = 1_000_000
#: counts that must be at least 1 (the database refuses 0 too)
AT_LEAST_ONE = ("min_families", "max_families", "min_quotations", "committee_quorum", "report_period_months",
                "tranche_response_days")
RULE_MESSAGE = _l("Not a valid value for this rule.")

#: the API type of each kind of rule
RULE_TYPES = {"ratio": ShareStr, "money": AmountStr,
         "int": Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(no_bool)],
         "bool": Annotated[bool, Field(strict=True)]}
_YES = ("1", "true", "y", "yes", "on", "si", "sí")
_NO = ("0", "false", "n", "no", "off", "")


def _client(info):
    return isinstance(info.context, dict) and bool(info.context.get("client"))


def _typed(name, kind, value):
    """A rule as typed on a page or given by the demo (text, int, bool, Decimal); ValueError when wrong."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _YES or word in _NO:
            return word in _YES
        raise ValueError
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip())
    if not (1 if name in AT_LEAST_ONE else 0) <= number <= MAX_COUNT:
        raise ValueError
    return number


def _rule(name, kind):
    """The rule's API type; from a page or the demo, its text read as above and every error told as
    ``RULE_MESSAGE``."""

    def check(value, handler, info):
        if _client(info):
            return handler(value)
        try:
            return _typed(name, kind, value) if kind in ("bool", "int") else handler(value)
        except (ValueError, TypeError, ValidationError):
            raise PydanticCustomError("value_error", str(RULE_MESSAGE)) from None

    return Annotated[RULE_TYPES[kind], WrapValidator(check)]


#: the rules a program is given: shares as "0.70", money as "10000.00", counts as integers, flags as booleans
RulesIn = create_model("ProgramRulesIn", __base__=Model,
                       **{rule: (_rule(rule, kind), Field(None)) for rule, (kind, _default) in RULES.items()})


def _currency(value):
    text = str(value).strip().upper() if isinstance(value, str) else value
    if not isinstance(text, str) or len(text) != 3 or not text.isalpha():
        raise PydanticCustomError("value_error", str(_l("Use a three-letter currency code such as BOB or COP.")))
    return text


Currency = Annotated[str, Field(max_length=20), BeforeValidator(_currency)]


class ProgramCreate(Model):
    code: required_text(30)
    name: required_text(200)
    currency: Currency
    description: optional_text(20000) | None = None
    rules: RulesIn = Field(default_factory=RulesIn)


class ProgramChange(Model):
    """A change of a program: the fields given (a page gives them all)."""
    code: required_text(30) = None
    name: required_text(200) = None
    currency: Currency = None
    description: optional_text(20000) | None = None
    rules: RulesIn = None


class ProgramPatch(ProgramChange, Patch):
    pass


# calls ---------------------------------------------------------------------------------------------------

class Criterion(Model):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(max_length=200)
    weight: Annotated[int, Field(ge=0, le=100), BeforeValidator(no_bool)]
    max: Annotated[int, Field(ge=1, le=1000), BeforeValidator(no_bool)] = 5


Region = Annotated[str, Field(min_length=1, max_length=80)]


class CallCreate(Model):
    program_id: Id
    title: required_text(200)
    description: optional_text(20000) | None = None
    opens_at: UtcDateTimeIn
    closes_at: UtcDateTimeIn
    envelope: AmountStr
    #: none given: the default set of ASSESSMENTS.md
    criteria: list[Criterion] = Field(default_factory=list, max_length=50)
    #: empty: every committee member
    committee_ids: list[Id] = Field(default_factory=list, max_length=200)
    #: empty: every region
    regions: list[Region] = Field(default_factory=list, max_length=100)


class CallChange(Model):
    """A change of a call: the fields given (a page gives them all)."""
    program_id: Id = None
    title: required_text(200) = None
    description: optional_text(20000) | None = None
    opens_at: UtcDateTimeIn = None
    closes_at: UtcDateTimeIn = None
    envelope: AmountStr = None
    criteria: list[Criterion] = Field(None, max_length=50)
    committee_ids: list[Id] = Field(None, max_length=200)
    regions: list[Region] = Field(None, max_length=100)


class CallPatch(CallChange, Patch):
    pass


__all__ = ["RULE_TYPES", "RulesIn", "ProgramCreate", "ProgramChange", "ProgramPatch", "Criterion", "CallCreate",
           "CallChange", "CallPatch", "AT_LEAST_ONE", "MAX_COUNT"]
