"""Programs (rules) and calls (window, envelope, regions, criteria, committee)."""
from datetime import datetime, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, ValidationFailed
from ..extensions import db
from ..money import to_decimal
from ..accounts.models import User
from ..workflows import rules as rule_codes
from ..schemas.fields import passed, read
from .models import DEFAULT_CRITERIA, RULES, Call, CallCommittee, CallCriterion, CallRegion, Program
from .schemas import ProgramChange, ProgramCreate


#: upper bounds that keep typed numbers inside the database's integer columns
MAX_AMOUNT = Decimal("1000000000000000")  # 10^15 in the program's currency
MAX_COUNT = 1_000_000


def _fail(c):
    if c.violations:
        raise ValidationFailed(_l("Some fields need attention."), c.violations)


def _rules_given(body):
    return body.rules.given() if body is not None and body.rules is not None else {}


def _program_values(data, c, creating):
    """The values a program takes from ``data`` (a ``ProgramCreate``/``ProgramChange`` or a mapping read with
    it), each field error added to ``c``: a rule at ``rules.<name>`` (an unknown one named); a change's blank
    code or name refused, a blank description cleared."""
    body = read(ProgramCreate if creating else ProgramChange, data, c)
    for v in c.violations:
        name = (v.field or "").removeprefix("rules.")
        if v.field != name and name not in RULES:
            v.message = _l("Unknown rule: %(name)s", name=name)
    if body is None:
        return {}, {}
    values = body.given() if not creating else {k: getattr(body, k) for k in ("code", "name", "currency",
                                                                               "description")}
    values.pop("version", None)
    values.pop("rules", None)
    if not creating and not isinstance(data, ProgramChange):
        for key in ("code", "name", "description"):
            if key in data and (data[key] is None or isinstance(data[key], str) and not data[key].strip()):
                if key == "description":
                    values[key] = None
                else:
                    c.add(rule_codes.REQUIRED, _l("This field is required."), key)
    return values, _rules_given(body)


def _set_program(program, data, c, creating):
    values, rules = _program_values(data, c, creating)
    if c.violations:
        return
    for key, value in {**values, **rules}.items():
        setattr(program, key, value)
    if (program.min_families or 0) > (program.max_families or 0):
        c.add(rule_codes.INVALID, _l("The minimum of families cannot exceed the maximum."), "rules.min_families")


def _code_taken(program, code, c):
    if code:
        other = db.session.execute(db.select(Program).where(Program.code == code)).scalar()
        if other is not None and other is not program:
            c.add(rule_codes.DUPLICATE, _l("Another program already uses this code."), "code")


def create_program(data, actor):
    """Create a program with its rules (defaults for those not given): ``data`` is a ``ProgramCreate``
    (grants/programs/schemas.py) or a mapping read with it. Raises ``ValidationFailed`` listing the field
    errors with a code already used."""
    c = Collector()
    program = Program(**{name: default for name, (_k, default) in RULES.items()})
    _set_program(program, data, c, creating=True)
    _code_taken(program, program.code or passed(data, c, "code"), c)
    _fail(c)
    db.session.add(program)
    db.session.flush()
    audit.record("program", program.id, "create_program", actor,
                 data={"code": program.code, "currency": program.currency, "rules": program.rules()})
    return program


def update_program(program, data, actor):
    """Change the fields given: ``data`` is a ``ProgramChange``/``ProgramPatch`` or a mapping read with it."""
    c = Collector()
    before = program.rules()
    with db.session.no_autoflush:
        _set_program(program, data, c, creating=False)
        _code_taken(program, program.code if not c.violations else passed(data, c, "code"), c)
    _fail(c)
    db.session.flush()
    after = program.rules()
    audit.record("program", program.id, "update_program", actor,
                 data={"rules": {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
                       "name": program.name})
    return program


def _parse_dt(raw):
    """A datetime or ISO 8601 text as naive UTC (a naive value is taken as UTC already)."""
    if isinstance(raw, datetime):
        value = raw
    else:
        value = datetime.fromisoformat(str(raw or "").strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _call_fields(call, data, c, creating):
    if creating or "program_id" in data:
        program = db.session.get(Program, int(data.get("program_id") or 0)) if str(
            data.get("program_id") or "").isdigit() else None
        if program is None:
            c.add(rule_codes.REQUIRED, _l("Choose a program."), "program_id")
        else:
            call.program = program
    if creating or "title" in data:
        call.title = (data.get("title") or "").strip()
        if not call.title:
            c.add(rule_codes.REQUIRED, _l("This field is required."), "title")
    if "description" in data:
        call.description = data.get("description")
    for key in ("opens_at", "closes_at"):
        if creating or key in data:
            try:
                setattr(call, key, _parse_dt(data.get(key)))
            except (ValueError, TypeError):
                c.add(rule_codes.INVALID, _l("Enter a date and time such as 2026-03-01T08:00."), key)
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        c.add(rule_codes.INVALID, _l("The call must close after it opens."), "closes_at")
    if creating or "envelope" in data:
        try:
            call.envelope = to_decimal(data.get("envelope") if data.get("envelope") not in (None, "") else "0")
            if call.envelope < 0 or call.envelope >= MAX_AMOUNT:
                raise ValueError
        except (ValueError, TypeError):
            c.add(rule_codes.INVALID, _l("Enter an amount such as 1500000.00."), "envelope")
    if "regions" in data:
        regions = sorted({(r or "").strip() for r in data.get("regions") or [] if (r or "").strip()})
        call.region_rows = [CallRegion(region=r) for r in regions]
    if "committee_ids" in data:
        rows = []
        for uid in sorted({int(u) for u in data.get("committee_ids") or [] if str(u).isdigit()}):
            user = db.session.get(User, uid)
            if user is None or not user.has_role("committee"):
                c.add(rule_codes.INVALID, _l("Only committee members can sit on a call's committee."), "committee_ids")
            else:
                rows.append(CallCommittee(user_id=uid))
        call.committee_rows = rows
    if "criteria" in data and data.get("criteria"):
        _set_criteria(call, data["criteria"], c)
    elif creating:
        from flask_babel import get_locale

        spanish = str(get_locale() or "es").startswith("es")
        call.criteria = [CallCriterion(code=code, name=es if spanish else en, weight=w, max=5, position=i)
                         for i, (code, en, es, w) in enumerate(DEFAULT_CRITERIA)]


def _set_criteria(call, items, c):
    """Replace the criteria by ``items``; a criterion whose code stays keeps its row (and its id, which
    scores may refer to)."""
    existing = {row.code: row for row in call.criteria}
    rows, codes = [], set()
    for i, item in enumerate(items):
        try:
            code = str(item.get("code") or "").strip()
            name = str(item.get("name") or code).strip()
            weight = int(item.get("weight"))
            top = int(item["max"]) if item.get("max") not in (None, "") else 5
            if not code or code in codes or not 0 <= weight <= 100 or not 0 < top <= 1000:
                raise ValueError
        except (ValueError, TypeError, AttributeError):
            c.add(rule_codes.INVALID, _l("Each criterion needs a unique code, a weight of 0 or more and a maximum above 0."),
                  f"criteria.{i}")
            continue
        codes.add(code)
        row = existing.get(code) or CallCriterion(code=code)
        row.name, row.weight, row.max, row.position = name, weight, top, i
        rows.append(row)
    if rows and sum(r.weight for r in rows) != 100:
        c.add(rule_codes.INVALID, _l("The weights of the criteria must add up to 100."), "criteria")
    call.criteria = rows


def create_call(data, actor):
    """Create a call. Raises ``ValidationFailed`` listing every field error."""
    c = Collector()
    call = Call()
    with db.session.no_autoflush:
        _call_fields(call, data, c, creating=True)
    if c.violations:
        db.session.expunge(call) if call in db.session else None
        _fail(c)
    db.session.add(call)
    db.session.flush()
    audit.record("call", call.id, "create_call", actor, data=call_snapshot(call))
    return call


def update_call(call, data, actor):
    c = Collector()
    with db.session.no_autoflush:  # the snapshot loads the regions: no flush of a change begun by the caller
        before = call_snapshot(call)
        _call_fields(call, data, c, creating=False)
    _fail(c)
    db.session.flush()
    after = call_snapshot(call)
    audit.record("call", call.id, "update_call", actor,
                 data={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]})
    return call


def call_snapshot(call):
    return {
        "program_id": call.program_id or (call.program.id if call.program else None),
        "title": call.title,
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "envelope": call.envelope,
        "regions": call.regions,
        "committee_ids": call.committee_ids,
        "criteria": [c.as_dict() for c in call.criteria],
    }
