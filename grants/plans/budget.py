"""Services: the plan's budget lines (one at a time or a whole imported sheet) and its tranche schedule.

Each takes model objects, validates, changes, flushes and writes the audit event; none commits."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances.budget import BUDGET_CATEGORIES, INELIGIBLE_FOR_GRANT, SOURCES, BudgetLine, Tranche
from ..alliances.figures import financing, line_total
from ..errors import Collector, Forbidden, ValidationFailed, Violation
from ..extensions import db
from ..money import shown
from ..parsing import MAX_AMOUNT, check_version, fail
from ..schemas import from_form
from ..workflows import rules
from .permissions import can_edit_plan
from .schemas import BudgetLineEdit, BudgetLineIn, BudgetLinePatch, TrancheEdit, TrancheIn, TranchePatch, written

LINE_FIELDS = ("category", "description", "unit", "quantity", "unit_cost", *SOURCES)


def require_editor(alliance, actor):
    if not can_edit_plan(actor, alliance):
        raise Forbidden(_l("Only the facilitator and the association's board may edit the plan, and only while "
                           "it is in preparation."))


def line_snapshot(line):
    return {"position": line.position, "category": line.category, "description": line.description,
            "unit": line.unit, "quantity": line.quantity, "unit_cost": line.unit_cost, "total": line.total,
            **{s: getattr(line, s) for s in SOURCES}}


def _currency(line):
    alliance = getattr(line, "alliance", None)
    return alliance.call.program.currency if alliance is not None else None


def _set_line(line, fields, c, *, prefix=""):
    """Copy the validated ``fields`` onto ``line`` and check the line's own rules (``split_mismatch``,
    ``ineligible_category``). Field names in violations get ``prefix``."""
    for key, value in fields.items():
        if key in SOURCES and value is None:
            value = Decimal("0.00")
        if key in LINE_FIELDS or (key == "position" and value is not None):
            setattr(line, key, value)
    line.total = line_total(line.quantity or 0, line.unit_cost or 0)
    if line.total > MAX_AMOUNT:
        c.add(rules.INVALID, _l("Quantity × unit cost is too large."), prefix + "quantity")
        return
    split = sum((Decimal(getattr(line, s) or 0) for s in SOURCES), Decimal("0.00"))
    if split != line.total:
        c.add(rules.SPLIT_MISMATCH,
              _l("The sources add up to %(split)s but the line costs %(total)s (quantity × unit cost): they must "
                 "be equal.", split=shown(split, _currency(line)), total=shown(line.total, _currency(line))), prefix + "grant")
    if line.category in INELIGIBLE_FOR_GRANT and Decimal(line.grant or 0) > 0:
        c.add(rules.INELIGIBLE_CATEGORY, _l("The grant may not pay for %(category)s: use other sources.",
                                        category=BUDGET_CATEGORIES[line.category]), prefix + "grant")


def _next_position(alliance):
    last = db.session.execute(sa.select(sa.func.max(BudgetLine.position))
                              .where(BudgetLine.alliance_id == alliance.id)).scalar()
    return (last or 0) + 1


def add_line(alliance, body: BudgetLineIn, actor):
    """Add a budget line. Raises ``Forbidden``, ``ValidationFailed`` (the total too large) or ``RuleViolation``
    (``split_mismatch``, ``ineligible_category``)."""
    require_editor(alliance, actor)
    c = Collector()
    line = BudgetLine(quantity=Decimal(0), unit_cost=Decimal(0), unit="", **{s: Decimal(0) for s in SOURCES})
    with db.session.no_autoflush:
        _set_line(line, written(body), c)
    fail(c)
    if not line.position:
        line.position = _next_position(alliance)
    alliance.budget_lines.append(line)
    db.session.flush()
    audit.record("budget_line", line.id, "create_budget_line", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id, data=line_snapshot(line))
    return line


def _change(row, body, actor, put, snapshot, kind, action):
    """Change ``row`` (a budget line or a tranche of the plan) with the validated ``body``: the editor and the
    version checked, ``put(fields, collector)`` copies and checks the fields, nothing changes on any error;
    the event names what changed."""
    alliance = row.alliance
    require_editor(alliance, actor)
    check_version(row, body.version)
    before = snapshot(row)
    c = Collector()
    with db.session.no_autoflush:
        put(written(body), c)
    fail(c)
    db.session.flush()
    after = snapshot(row)
    audit.record(kind, row.id, action, actor, alliance_id=alliance.id, association_id=alliance.association_id,
                 data={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]})
    return row


def _remove(row, rows, actor, version, snapshot, kind, action):
    """Remove ``row`` from the alliance's list ``rows`` (its budget lines or tranches); the event keeps it."""
    alliance = row.alliance
    require_editor(alliance, actor)
    check_version(row, version)
    data, row_id = snapshot(row), row.id
    rows.remove(row)
    db.session.delete(row)
    db.session.flush()
    audit.record(kind, row_id, action, actor, alliance_id=alliance.id, association_id=alliance.association_id,
                 data=data)


def update_line(line, body: BudgetLinePatch | BudgetLineEdit, actor):
    """Change a budget line: the fields a correction gives, or the whole line from the page's form. Raises
    ``StaleVersion``, ``Forbidden``, ``ValidationFailed``, ``RuleViolation`` and leaves the line unchanged."""
    return _change(line, body, actor, lambda fields, c: _set_line(line, fields, c), line_snapshot,
                   "budget_line", "update_budget_line")


def delete_line(line, actor, version=None):
    """Remove a budget line. Raises ``StaleVersion``, ``Forbidden``."""
    _remove(line, line.alliance.budget_lines, actor, version, line_snapshot, "budget_line", "delete_budget_line")


def import_lines(alliance, rows, actor):
    """Replace the budget with ``rows`` (``[(row_number, dict of text), ...]`` from a spreadsheet): all or nothing.

    Every row is validated against ``BudgetLineIn`` as a form is, then checked; the violations name the row
    (``rows.<n>.<field>``) and nothing is imported when any row is wrong. Raises ``Forbidden``,
    ``ValidationFailed`` or ``RuleViolation``."""
    require_editor(alliance, actor)
    c = Collector()
    lines = []
    if not rows:
        c.add(rules.REQUIRED, _l("The sheet has no budget lines."), "file")
    with db.session.no_autoflush:
        for position, (number, data) in enumerate(rows, start=1):
            row_c = Collector()
            line = BudgetLine(quantity=Decimal(0), unit_cost=Decimal(0), unit="", position=position,
                              **{s: Decimal(0) for s in SOURCES})
            try:
                body = from_form(BudgetLineIn, {k: v for k, v in data.items() if k != "position"})
            except ValidationFailed as exc:
                row_c.violations.extend(Violation(v.rule, v.message, f"rows.{number}.{v.field}") for v in exc.details)
            else:
                _set_line(line, written(body), row_c, prefix=f"rows.{number}.")
            for v in row_c.violations:
                v.message = _l("Row %(n)s: %(message)s", n=number, message=v.message)
            c.violations.extend(row_c.violations)
            lines.append(line)
    fail(c)
    before = financing(alliance)
    removed = len(alliance.budget_lines)
    for old in list(alliance.budget_lines):
        alliance.budget_lines.remove(old)
        db.session.delete(old)
    db.session.flush()
    alliance.budget_lines.extend(lines)
    db.session.flush()
    after = financing(alliance)
    audit.record("alliance", alliance.id, "import_budget", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id,
                 data={"removed": removed, "imported": len(lines),
                       "total": {"from": before.total, "to": after.total},
                       "grant": {"from": before.totals["grant"], "to": after.totals["grant"]}})
    return lines


# -- tranches -----------------------------------------------------------------------------------------

def tranche_snapshot(t):
    return {"number": t.number, "amount": t.amount, "planned_on": t.planned_on, "conditions": t.conditions,
            "state": t.state}


def _set_tranche(tranche, alliance, fields, c):
    """Copy the validated ``fields`` onto ``tranche``; the number is the alliance's only one, the amount more
    than zero, and the state ``planned`` (the funding stage moves it on)."""
    number = fields.get("number")
    if number is not None:
        clash = db.session.execute(sa.select(Tranche.id).where(
            Tranche.alliance_id == alliance.id, Tranche.number == number, Tranche.id != (tranche.id or 0))).scalar()
        if clash:
            c.add(rules.INVALID, _l("Another tranche already has this number."), "number")
        tranche.number = number
    if "amount" in fields:
        if fields["amount"] <= 0:
            c.add(rules.INVALID, _l("A tranche transfers more than zero."), "amount")
        else:
            tranche.amount = fields["amount"]
    if "planned_on" in fields:
        tranche.planned_on = fields["planned_on"]
    if fields.get("conditions") is not None:
        tranche.conditions = fields["conditions"]
    if fields.get("state") not in (None, "planned"):
        c.add(rules.INVALID, _l("A tranche is planned here; the funding stage requests, approves and disburses it."),
              "state")


def add_tranche(alliance, body: TrancheIn, actor):
    """Add a tranche to the schedule (state ``planned``). Raises ``Forbidden``, ``ValidationFailed``."""
    require_editor(alliance, actor)
    c = Collector()
    tranche = Tranche(state="planned", conditions="")
    with db.session.no_autoflush:
        _set_tranche(tranche, alliance, written(body), c)
    fail(c)
    if not tranche.number:
        last = db.session.execute(sa.select(sa.func.max(Tranche.number)).where(Tranche.alliance_id == alliance.id)
                                  ).scalar()
        tranche.number = (last or 0) + 1
    alliance.tranches.append(tranche)
    db.session.flush()
    audit.record("tranche", tranche.id, "create_tranche", actor, alliance_id=alliance.id,
                 association_id=alliance.association_id, data=tranche_snapshot(tranche))
    return tranche


def update_tranche(tranche, body: TranchePatch | TrancheEdit, actor):
    """Change a planned tranche: the fields a correction gives, or the whole tranche from the page's form.
    Raises ``StaleVersion``, ``Forbidden``, ``ValidationFailed``."""
    return _change(tranche, body, actor, lambda fields, c: _set_tranche(tranche, tranche.alliance, fields, c),
                   tranche_snapshot, "tranche", "update_tranche")


def delete_tranche(tranche, actor, version=None):
    """Remove a planned tranche. Raises ``StaleVersion``, ``Forbidden``."""
    _remove(tranche, tranche.alliance.tranches, actor, version, tranche_snapshot, "tranche", "delete_tranche")
