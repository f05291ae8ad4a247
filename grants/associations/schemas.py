"""The inputs of the associations' operations, one model per operation (issue 14): an assembly with its
decisions (``AssemblyIn``), a buyer (``BuyerIn``), a member family (``MemberIn``, ``MemberPatch``; a page or
a spreadsheet may write the sex and yes/no as words, "mujer", "sí", and the hectares as "2,5"). The API validates its body against them, the pages their forms, and the services
receive the validated model (a mapping from the demo or a page is read with the same model) and check what
needs the database: the active member families, the same assembly twice, the minutes file."""
import json
from decimal import Decimal
import unicodedata
from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, ValidationError, WrapValidator, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..schemas import Model, Patch
from ..schemas.fields import PastDate, choice, optional_text, passed, read, refuse, required_text, whole
from ..schemas.types import Decimal2Str, Id, SmallInt, no_bool
from .assemblies_models import ASSEMBLY_KINDS, DECISION_KINDS
from .models import SEXES

MAX_DECISIONS = 30
MAX_PEOPLE = 100000
#: a count of people (attendance, votes, families)
People = whole(0, MAX_PEOPLE)
VOTE_KEYS = ("votes_for", "votes_against", "votes_abstain")
DecisionKind = choice(dict.fromkeys(DECISION_KINDS), _l("Choose what the decision is about."))
AssemblyKind = choice(dict.fromkeys(ASSEMBLY_KINDS), _l("Choose ordinary or extraordinary."))


class DecisionIn(Model):
    kind: DecisionKind
    text: required_text(1000)
    votes_for: People | None = None
    votes_against: People | None = None
    votes_abstain: People | None = None

    @property
    def votes(self):
        return sum(getattr(self, k) or 0 for k in VOTE_KEYS)


class AssemblyIn(Model):
    held_on: PastDate
    kind: AssemblyKind
    place: optional_text(200) | None = None
    women: People
    men: People
    #: member families represented, when the minutes say it (the quorum counts these, else the people present)
    families_present: People | None = None
    notes: optional_text(4000) | None = None
    #: in a multipart request, a JSON text: ``[{"kind": "direct_contracting", "text": "...", "votes_for": 20}]``
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=MAX_DECISIONS)

    @field_validator("decisions", mode="before")
    @classmethod
    def _json_text(cls, value):
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else []
            except ValueError:
                raise ValueError("decisions must be a JSON list") from None
        return value

    @model_validator(mode="after")
    def _attendance(self):
        """Somebody attended, and no decision has more votes than people present."""
        present = self.women + self.men
        errors = {}
        if present == 0:
            errors["women"] = gettext("Enter how many women and men attended.")
        for i, d in enumerate(self.decisions):
            if d.votes > present:
                errors[f"decisions-{i}-votes_for"] = gettext("More votes than people present (%(n)s).", n=present)
        if errors:
            refuse(AssemblyIn, errors)
        return self

    @property
    def present(self):
        return self.women + self.men


# members ------------------------------------------------------------------------------------------------

def _plain(value):
    """Upper case without accents: "Varón" -> "VARON"."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return text.strip().upper()


SEX_WORDS = {
    "F": ("F", "FEMENINO", "FEMENINA", "FEM", "MUJER", "FEMALE", "W", "WOMAN"),
    "M": ("M", "MASCULINO", "MASC", "HOMBRE", "H", "VARON", "V", "MALE", "MAN"),
    "X": ("X", "OTRO", "OTRA", "OTHER", "O"),
}
_SEX = {word: code for code, words in SEX_WORDS.items() for word in words}
YES_WORDS = ("1", "TRUE", "T", "Y", "YES", "S", "SI", "ON", "X")
NO_WORDS = ("", "0", "FALSE", "F", "N", "NO", "OFF", "NONE")


def parse_sex(value):
    """``F``, ``M`` or ``X`` from codes or words in Spanish or English; None when not understood."""
    return _SEX.get(_plain(value)) if value is not None else None


def parse_yes_no(value):
    """True/False from a bool or a word ("sí", "no", "1", "x"...); None when not understood."""
    if value is None or isinstance(value, bool):
        return bool(value)
    word = _plain(value)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def _client(info):
    return isinstance(info.context, dict) and bool(info.context.get("client"))


def _worded(parse, message):
    """A page's or a spreadsheet's word read with ``parse`` (refused with ``message``); an API client sends
    the value itself (its type checked as declared)."""

    def check(value, handler, info):
        if not _client(info):
            value = parse(value)
            if value is None:
                raise PydanticCustomError("value_error", str(message))
        return handler(value)

    return WrapValidator(check)


def _reworded(message, low=None, high=None):
    """The field's own type, then the range ``low``..``high``; what a page or a spreadsheet gets wrong is told
    with ``message`` (an API client gets the type's own error)."""

    def check(value, handler, info):
        try:
            value = handler(value)
        except ValidationError:
            if _client(info):
                raise
            value = None
        if value is None and not _client(info) or value is not None and (
                low is not None and value < low or high is not None and high() < value):
            raise PydanticCustomError("value_error", str(message))
        return value

    return WrapValidator(check)


Sex = Annotated[Literal[SEXES], _worded(parse_sex, _l("Sex is F (woman), M (man) or X (other)."))]
YesNo = Annotated[bool, _worded(parse_yes_no, _l("Write yes or no (sí / no)."))]
BirthYear = Annotated[SmallInt, _reworded(_l("Enter a birth year such as 1975."), 1900, lambda: date.today().year)]
Hectares = Annotated[Decimal2Str, _reworded(_l("Enter the hectares as a number such as 2.5."), 0,
                                            lambda: Decimal("99999.99"))]


class MemberIn(Model):
    full_name: required_text(200)
    national_id: required_text(40)
    sex: Sex
    birth_year: BirthYear | None = None
    indigenous: YesNo = False
    hectares: Hectares = Decimal("0.00")
    phone: optional_text(40) | None = None


class MemberChange(Model):
    """A change of a member: the fields given (a page gives them all; blank clears the birth year and the
    phone, and sets the hectares to 0: ``grants.associations.services.update_member``)."""
    full_name: required_text(200) = None
    national_id: required_text(40) = None
    sex: Sex = None
    birth_year: BirthYear | None = None
    indigenous: YesNo = None
    hectares: Hectares = None
    phone: optional_text(40) | None = None
    active: bool = None


class MemberPatch(MemberChange, Patch):
    pass


# associations -------------------------------------------------------------------------------------------

Level = Annotated[int, Field(ge=1, le=3), BeforeValidator(no_bool), _reworded(_l("The level is 1 (base), 2 or 3."))]
FoundedYear = Annotated[SmallInt, _reworded(_l("Enter a year such as 2004."), 1900, lambda: 2100)]
ParentId = Annotated[Id, _reworded(_l("Choose an existing parent association."))]


class AssociationIn(Model):
    name: required_text(200)
    legal_id: optional_text(60) | None = None
    tax_id: optional_text(40) | None = None
    level: Level = 1
    parent_id: ParentId | None = None
    municipality: required_text(120)
    region: required_text(80)
    founded_year: FoundedYear | None = None
    bank_name: optional_text(120) | None = None
    bank_account: optional_text(60) | None = None
    phone: optional_text(40) | None = None
    email: optional_text(200) | None = None


class AssociationChange(Model):
    """A change of an association: the fields given (a page gives them all; a blank optional one is cleared)."""
    name: required_text(200) = None
    legal_id: optional_text(60) | None = None
    tax_id: optional_text(40) | None = None
    level: Level = None
    parent_id: ParentId | None = None
    municipality: required_text(120) = None
    region: required_text(80) = None
    founded_year: FoundedYear | None = None
    bank_name: optional_text(120) | None = None
    bank_account: optional_text(60) | None = None
    phone: optional_text(40) | None = None
    email: optional_text(200) | None = None


class AssociationPatch(AssociationChange, Patch):
    pass


class BuyerIn(Model):
    #: blank is refused by the service, listed with a tax ID already registered (one refusal)
    name: optional_text(200) = ""
    tax_id: optional_text(40) | None = None
    contact_name: optional_text(200) | None = None
    email: optional_text(200) | None = None
    phone: optional_text(40) | None = None
    city: optional_text(120) | None = None


__all__ = ["AssociationIn", "AssociationChange", "AssociationPatch", "AssemblyIn", "DecisionIn", "BuyerIn", "MemberIn", "MemberChange", "MemberPatch", "parse_sex",
           "parse_yes_no", "MAX_DECISIONS", "MAX_PEOPLE", "read", "passed"]
