"""Programs (rules) and calls (window, envelope, regions, criteria, committee)."""
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, ValidationFailed
from ..extensions import db
from ..accounts.models import User
from ..workflows import rules as rule_codes
from ..schemas.fields import passed, read
from .models import DEFAULT_CRITERIA, RULES, Call, CallCommittee, CallCriterion, CallRegion, Program
from .schemas import CallChange, CallCreate, ProgramChange, ProgramCreate


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


CRITERION_MESSAGE = _l("Each criterion needs a unique code, a weight of 0 or more and a maximum above 0.")
#: what a field's schema error reads as on a call (the program: a choice; a moment; an amount)
_CALL_MESSAGES = {"program_id": (rule_codes.REQUIRED, _l("Choose a program.")),
                  "opens_at": (rule_codes.INVALID, _l("Enter a date and time such as 2026-03-01T08:00.")),
                  "closes_at": (rule_codes.INVALID, _l("Enter a date and time such as 2026-03-01T08:00.")),
                  "envelope": (rule_codes.INVALID, _l("Enter an amount such as 1500000.00."))}


def _call_input(data):
    """A mapping (a page, the demo) as the call's schema reads it: blank regions left out, a criterion
    without a name named by its code, a blank envelope 0."""
    if not hasattr(data, "items"):
        return data
    data = dict(data)
    if isinstance(data.get("regions"), (list, tuple)):
        data["regions"] = [r.strip() if isinstance(r, str) else r for r in data["regions"]
                           if not (r is None or isinstance(r, str) and not r.strip())]
    if isinstance(data.get("criteria"), (list, tuple)):
        data["criteria"] = [{**item, "name": item.get("code")} if isinstance(item, dict) and isinstance(
            item.get("code"), str) and not str(item.get("name") or "").strip() else item for item in data["criteria"]]
    if "envelope" in data and data["envelope"] in (None, ""):
        data["envelope"] = "0"
    return data


def _call_values(data, c, creating):
    """The values a call takes from ``data`` (a ``CallCreate``/``CallChange`` or a mapping read with it), each
    error added to ``c``: a criterion's at ``criteria.N`` (once a row), the others at their field."""
    mapping = _call_input(data)
    body = read(CallCreate if creating else CallChange, mapping, c)
    rows = set()
    for v in list(c.violations):
        parts = (v.field or "").split("-")
        if parts[0] == "criteria" and len(parts) > 1:
            c.violations.remove(v)
            if parts[1] not in rows:
                rows.add(parts[1])
                c.add(rule_codes.INVALID, CRITERION_MESSAGE, f"criteria.{parts[1]}")
        elif v.field in _CALL_MESSAGES:
            v.rule, v.message = _CALL_MESSAGES[v.field]
    if body is None:
        return {}
    if creating:
        return {k: getattr(body, k) for k in CallCreate.model_fields}
    values = body.given()
    values.pop("version", None)
    if not isinstance(data, CallChange):
        for key in ("title", "description"):
            if key in data and (data[key] is None or isinstance(data[key], str) and not data[key].strip()):
                if key == "description":
                    values[key] = None
                else:
                    c.add(rule_codes.REQUIRED, _l("This field is required."), key)
    return values


def _call_fields(call, data, c, creating):
    values = _call_values(data, c, creating)
    if "program_id" in values:
        program = db.session.get(Program, values["program_id"])
        if program is None:
            c.add(rule_codes.REQUIRED, _l("Choose a program."), "program_id")
        else:
            call.program = program
    for key in ("title", "description", "opens_at", "closes_at", "envelope"):
        if key in values:
            setattr(call, key, values[key])
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        c.add(rule_codes.INVALID, _l("The call must close after it opens."), "closes_at")
    if call.envelope is not None and call.envelope >= MAX_AMOUNT:
        c.add(rule_codes.INVALID, _l("Enter an amount such as 1500000.00."), "envelope")
    if values.get("regions") is not None:
        call.region_rows = [CallRegion(region=r) for r in sorted(set(values["regions"]))]
    if values.get("committee_ids") is not None:
        rows = []
        for uid in sorted(set(values["committee_ids"])):
            user = db.session.get(User, uid)
            if user is None or not user.has_role("committee"):
                c.add(rule_codes.INVALID, _l("Only committee members can sit on a call's committee."), "committee_ids")
            else:
                rows.append(CallCommittee(user_id=uid))
        call.committee_rows = rows
    if values.get("criteria"):
        _set_criteria(call, values["criteria"], c)
    elif creating:
        spanish = str(get_locale() or "es").startswith("es")
        call.criteria = [CallCriterion(code=code, name=es if spanish else en, weight=w, max=5, position=i)
                         for i, (code, en, es, w) in enumerate(DEFAULT_CRITERIA)]


def _set_criteria(call, items, c):
    """Replace the criteria by ``items`` (validated ``Criterion``); a criterion whose code stays keeps its
    row (and its id, which scores may refer to)."""
    existing = {row.code: row for row in call.criteria}
    rows, codes = [], set()
    for i, item in enumerate(items):
        code = item.code.strip()
        if not code or code in codes:
            c.add(rule_codes.INVALID, CRITERION_MESSAGE, f"criteria.{i}")
            continue
        codes.add(code)
        row = existing.get(code) or CallCriterion(code=code)
        row.name, row.weight, row.max, row.position = item.name.strip() or code, item.weight, item.max, i
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
