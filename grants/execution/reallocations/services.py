"""Reallocations between budget lines.

Within the program's ``free_reallocation_share`` of the source line's total the move is applied at once;
above it waits for the officer of the region (``approve`` / ``refuse``). Either way the financing rules must
still hold after the move (``reallocation_breaks_rules``: a rule that held before and not after) and the
source line keeps at least what is already spent from it (``line_funds_exceeded``). Each line's quantity ×
unit cost follows its new total."""
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from ... import audit
from ...alliances.budget import SOURCES
from ...alliances.figures import financing_violations
from ...common import utcnow
from ...errors import Collector, Forbidden, InvalidTransition, RuleViolation
from ...extensions import db
from ...money import shown
from ...workflows.reallocation import REALLOCATION
from ..common import line_of, lock_line, raise_fields, require_in_execution
from ..expenses.services import spent_on_line
from ..models import EXPENSE_SOURCES, Reallocation
from ..permissions import can_review
from ...schemas.fields import as_body
from .schemas import ReallocationIn
from ...workflows import rules

LINE_FIELDS = ("id", "category", "description", "quantity", "unit_cost", "total", *SOURCES)


def _moved(line, source, delta):
    """A copy of ``line`` with ``delta`` added to ``source`` and to the total, quantity × unit cost kept."""
    copy = SimpleNamespace(**{k: getattr(line, k) for k in LINE_FIELDS})
    setattr(copy, source, Decimal(getattr(line, source) or 0) + delta)
    copy.total = Decimal(line.total or 0) + delta
    qty = Decimal(line.quantity or 0)
    unit = (copy.total / qty).quantize(Decimal("0.01")) if qty else None
    if unit is None or (unit * qty).quantize(Decimal("0.01")) != copy.total:
        copy.quantity, copy.unit_cost = Decimal("1.000"), copy.total
    else:
        copy.unit_cost = unit
    copy.category_title = line.category_title
    return copy


def _check(alliance, from_line, to_line, source, amount):
    c = Collector()
    if source in EXPENSE_SOURCES:
        free = Decimal(getattr(from_line, source) or 0) - spent_on_line(from_line.id, source)
    else:
        free = Decimal(getattr(from_line, source) or 0)
    if amount > free:
        c.add(rules.LINE_FUNDS_EXCEEDED, _l("The line “%(line)s” has %(free)s left of this source to move.",
                                        line=from_line.description, free=shown(free, alliance.program.currency)), "amount")
    lines = [(_moved(line, source, -amount) if line.id == from_line.id else
              _moved(line, source, amount) if line.id == to_line.id else line) for line in alliance.budget_lines]
    before = {v.rule for v in financing_violations(alliance)}
    broken = [v for v in financing_violations(alliance, lines) if v.rule not in before]
    if broken:
        c.add(rules.REALLOCATION_BREAKS_RULES, _l("After the move the budget breaks: %(rules)s.",
                                              rules=", ".join(v.rule for v in broken)), "amount")
    if c.violations:
        raise RuleViolation(c.violations)
    return lines


def _apply(alliance, r):
    from_line, to_line = lock_line(r.from_line_id), lock_line(r.to_line_id)
    _check(alliance, from_line, to_line, r.source, r.amount)
    for line, delta in ((from_line, -r.amount), (to_line, r.amount)):
        moved = _moved(line, r.source, delta)
        for k in ("quantity", "unit_cost", "total", r.source):
            setattr(line, k, getattr(moved, k))
    db.session.flush()


def request_reallocation(alliance, body: ReallocationIn, actor):
    """Move ``amount`` of ``source`` (default grant) from ``from_line_id`` to ``to_line_id`` with a
    ``justification`` (``body``: a ``ReallocationIn``, or a mapping read as a form is). Applied at once within
    the free share, else pending for the officer. Raises ``ValidationFailed``, ``RuleViolation``."""
    require_in_execution(alliance)
    body = as_body(ReallocationIn, body)
    c = Collector()
    from_line = line_of(c, alliance, body.from_line_id, "from_line_id")
    to_line = line_of(c, alliance, body.to_line_id, "to_line_id")
    raise_fields(c)
    source, amount, justification = body.source, body.amount, body.justification
    _check(alliance, from_line, to_line, source, amount)
    share = Decimal(alliance.program.free_reallocation_share or 0)
    free = amount <= share * Decimal(from_line.total or 0)
    # within the free share it is applied as it is made (its first state); else it waits for the officer
    r = Reallocation(alliance_id=alliance.id, from_line_id=from_line.id, to_line_id=to_line.id, source=source,
                     amount=amount, justification=justification, state="applied" if free else "pending",
                     requested_by_id=actor.id)
    db.session.add(r)
    db.session.flush()
    if free:
        _apply(alliance, r)
    audit.record("reallocation", r.id, "request", actor, to_state=r.state, alliance_id=alliance.id,
                 association_id=alliance.association_id, comment=justification,
                 data={"from_line_id": from_line.id, "to_line_id": to_line.id, "source": source, "amount": amount,
                       "within_free_share": free})
    return r


def decide_reallocation(r, action, actor, comment=None):
    """The officer's ``approve`` (applies it; the rules are checked again) or ``refuse`` (with a comment)."""
    if action not in ("approve", "refuse"):
        raise InvalidTransition(_l("Unknown action: %(action)s", action=str(action)[:60]))
    if r.state != "pending":
        raise InvalidTransition(_l("Only a reallocation waiting for the officer can be decided."))
    if not can_review(actor, r.alliance):
        raise Forbidden(_l("Only the officer of the region decides reallocations."))
    if action == "refuse" and not str(comment or "").strip():
        c = Collector()
        c.add(rules.COMMENT_REQUIRED, _l("Write a comment that explains the decision."), "comment")
        raise RuleViolation(c.violations)

    def effect(obj, transition, _data):
        if transition.name == "approve":
            _apply(obj.alliance, obj)
        obj.decided_by_id, obj.decided_at = actor.id, utcnow()

    REALLOCATION.apply(r, action, actor, comment=comment, data={"amount": r.amount, "source": r.source},
                       effect=effect)
    db.session.flush()
    return r
