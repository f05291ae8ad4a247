"""The filters of the portfolio and the portal, read from a query string, and the SQL they select.

``parse(args, strict)`` gives a ``Filters``; with ``strict`` a malformed value raises ``BadFilter``
(the API answers 400), otherwise it is ignored (the pages show everything instead of failing)."""
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa

from ..alliances.models import Alliance
from ..associations.models import Association
from ..programs.models import Call, Program
from ..workflows.alliance import STATES

MAX_INT = 2**31 - 1
#: the breakdown table's groupings
GROUPS = ("region", "program", "call", "product")


class BadFilter(ValueError):
    def __init__(self, name, value):
        super().__init__(name)
        self.name, self.value = name, value


@dataclass(frozen=True)
class Filters:
    program: int | None = None
    call: int | None = None
    region: str | None = None
    product: str | None = None
    state: str | None = None
    year: int | None = None

    def as_dict(self):
        return {k: v for k, v in asdict(self).items() if v is not None}


def _int(args, name, strict, low=1, high=MAX_INT):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        if strict:
            raise BadFilter(name, raw)
        return None
    return value


def _text(args, name, strict, limit=120):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) > limit or "\x00" in raw:
        if strict:
            raise BadFilter(name, raw)
        return None
    return raw


def parse(args, strict=False, allowed=("program", "call", "region", "product", "state", "year")):
    values = {
        "program": _int(args, "program", strict) if "program" in allowed else None,
        "call": _int(args, "call", strict) if "call" in allowed else None,
        "region": _text(args, "region", strict) if "region" in allowed else None,
        "product": _text(args, "product", strict) if "product" in allowed else None,
        "year": _int(args, "year", strict, 1900, 2999) if "year" in allowed else None,
        "state": None,
    }
    if "state" in allowed:
        state = (args.get("state") or "").strip()
        if state and state not in STATES:
            if strict:
                raise BadFilter("state", state)
        else:
            values["state"] = state or None
    return Filters(**values)


def group_of(args, strict=False):
    raw = (args.get("group") or "").strip()
    if not raw:
        return "region"
    if raw not in GROUPS:
        if strict:
            raise BadFilter("group", raw)
        return "region"
    return raw


def conditions(f):
    """SQL conditions over ``Alliance`` joined with its ``Call`` and ``Association``."""
    conds = []
    if f.program is not None:
        conds.append(Call.program_id == f.program)
    if f.call is not None:
        conds.append(Alliance.call_id == f.call)
    if f.region is not None:
        conds.append(Association.region == f.region)
    if f.product is not None:
        conds.append(Alliance.product == f.product)
    if f.state is not None:
        conds.append(Alliance.state == f.state)
    if f.year is not None:
        conds.append(Call.opens_at >= datetime(f.year, 1, 1))
        conds.append(Call.opens_at < datetime(f.year + 1, 1, 1))
    return conds


def year_of(column):
    """The calendar year of a datetime column, as an integer, on SQLite and PostgreSQL."""
    return sa.cast(sa.extract("year", column), sa.Integer)


def joined(select):
    """``select`` over alliances joined with their call, program and association."""
    return (select.join(Call, Call.id == Alliance.call_id).join(Program, Program.id == Call.program_id)
            .join(Association, Association.id == Alliance.association_id))
