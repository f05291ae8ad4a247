"""API endpoints of programs and calls (see API.md). Everyone signed in reads; admins write."""
import sqlalchemy as sa
from pydantic import create_model

from ..api.core import (Out, api_user, bool_arg, changing, dump, endpoint, int_arg, load_one, operation, paginate,
                        reading, require_role, search)
from ..schemas.types import AmountStr, UtcDateTime
from ..common import utcnow
from . import services
from .models import RULES, Call, Program
from .schemas import RULE_TYPES, CallCreate, CallPatch, ProgramCreate, ProgramPatch

#: every rule of ``RULES``: shares as "0.70", money as "10000.00", counts as integers, flags as booleans
RulesOut = create_model("ProgramRules", __base__=Out,
                        **{rule: (RULE_TYPES[kind], ...) for rule, (kind, _default) in RULES.items()})


class ProgramOut(Out):
    id: int
    code: str
    name: str
    currency: str
    description: str | None = None
    rules: RulesOut
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class CriterionOut(Out):
    code: str
    name: str
    weight: int
    max: int


class CallOut(Out):
    id: int
    program_id: int
    title: str
    description: str | None = None
    opens_at: UtcDateTime
    closes_at: UtcDateTime
    envelope: AmountStr
    criteria: list[CriterionOut]
    committee_ids: list[int]
    regions: list[str]
    is_open: bool
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


def _program_out(program):
    data = {c: getattr(program, c) for c in ("id", "code", "name", "currency", "description", "version",
                                              "created_at", "updated_at")}
    data["rules"] = program.rules()
    return dump(ProgramOut, data)


def _call_out(call):
    data = {c: getattr(call, c) for c in ("id", "program_id", "title", "description", "opens_at", "closes_at",
                                           "envelope", "committee_ids", "regions", "version", "created_at",
                                           "updated_at")}
    data["criteria"] = [c.as_dict() for c in call.criteria]
    data["is_open"] = call.is_open()
    return dump(CallOut, data)


# programs ---------------------------------------------------------------------------------------


@endpoint("/programs", summary="List programs", response=ProgramOut, paginated=True, tags=("programs",),
          query={"q": "Part of the code or name"})
def list_programs():
    query = sa.select(Program).order_by(Program.id)
    return paginate(search(query, Program.code, Program.name), _program_out)


def _admin():
    """Nothing to load: a write of the administrator (403 for anyone else)."""
    require_role("admin")


operation("/programs", ["POST"], summary="Create a program with its rules (admin)", body=ProgramCreate,
          response=ProgramOut, status=201, tags=("programs",), name="create_program", load=_admin,
          call=lambda _none, body, actor: services.create_program(body, actor), answer=_program_out,
          description="Rules not given take their defaults (DOMAIN.md).")
reading("/programs/<int:program_id>", summary="One program", response=ProgramOut, tags=("programs",),
        name="get_program", load=load_one(Program), answer=_program_out)


def _changing(obj, body):
    """The version checked and moved; the body as it is for the service."""
    changing(obj, body)
    return body


def _update_program(program, body, actor):
    changing(program, body)  # the version checked and moved
    return services.update_program(program, body, actor)


operation("/programs/<int:program_id>", ["PATCH"], summary="Change a program or its rules (admin)",
          body=ProgramPatch, response=ProgramOut, tags=("programs",), name="update_program",
          load=load_one(Program, "admin"), call=_update_program, answer_loaded=_program_out)


# calls ------------------------------------------------------------------------------------------


@endpoint("/calls", summary="List calls", response=CallOut, paginated=True, tags=("calls",),
          query={"program_id": ("Only the calls of this program", {"type": "integer"}),
                 "open": ("true: only calls open now; false: only calls not open now", {"type": "boolean"})})
def list_calls():
    query = sa.select(Call).options(*Call.listed()).order_by(Call.opens_at.desc(), Call.id.desc())
    program_id = int_arg("program_id")
    if program_id is not None:
        query = query.where(Call.program_id == program_id)
    is_open = bool_arg("open")
    if is_open is not None:
        now = utcnow()
        window = sa.and_(Call.opens_at <= now, Call.closes_at > now)
        query = query.where(window if is_open else sa.not_(window))
    return paginate(query, _call_out)


@endpoint("/calls", ["POST"], summary="Open a call (admin)", body=CallCreate, response=CallOut, status=201,
          tags=("calls",), name="create_call")
def create_call(body):
    """Without ``criteria`` the call gets the default scoring criteria; without ``committee_ids``
    every committee member sits on it; without ``regions`` it covers every region."""
    _admin()
    return _call_out(services.create_call(body, api_user()))


reading("/calls/<int:call_id>", summary="One call", response=CallOut, tags=("calls",), name="get_call",
        load=load_one(Call), answer=_call_out)


operation("/calls/<int:call_id>", ["PATCH"], summary="Change a call (admin)", body=CallPatch, response=CallOut,
          tags=("calls",), name="update_call", load=load_one(Call, "admin"), answer_loaded=_call_out,
          call=lambda call, body, actor: services.update_call(call, _changing(call, body), actor))
