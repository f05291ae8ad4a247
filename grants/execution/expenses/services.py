"""Expenses: recorded by the treasurer against a budget line, with the supporting document and receipt.

Rules (all reported at once, 422): ``line_funds_exceeded`` (more than the line's planned amount for the
source less what is already spent from it), ``grant_cash_exceeded`` (grant spending above the grant money
received), ``procurement_required`` (above the program's minor purchase limit without an awarded
procurement, or payments above the awarded amount, or another line), ``duplicate_document`` (same supplier
and document number, not voided); ``report_locked`` (the expense is in a submitted or approved report, or
its date falls in the period of one); ``alliance_not_in_execution`` / ``alliance_suspended``.

Concurrency: the budget line's row (and, for grant money, the alliance's row) is locked with
``SELECT ... FOR UPDATE`` before the sums are read, so concurrent expenses against one line are checked one
after the other and never overspend it."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import audit
from ...alliances import expenses as expense_interface
from ...alliances import ledger
from ...common import owned
from ...errors import Collector, RuleViolation, StaleVersion, Violation
from ...extensions import db
from ...money import ZERO, shown
from ...workflows import rules
from ..common import (line_of, lock_alliance, lock_line, mark_voided, raise_fields, require_in_execution,
                      stored_file)
from ..permissions import can_record
from ...schemas.fields import as_body
from ..schemas import VoidIn
from .schemas import ExpenseIn, ExpensePatch
from ..models import (DOCUMENT_TYPES, EXPENSE_SOURCES, LOCKED_STATES, AccountabilityReport, Contribution, Expense,
                     Procurement)

FIELDS = ("budget_line_id", "spent_on", "amount", "source", "supplier", "document_type", "document_number",
          "description", "procurement_id", "deliverable_id")

#: checks of a payment of a TA deliverable, registered by the assistance stage on the spine
#: (grants/alliances/expenses.py, ``@deliverable_check``)
_DELIVERABLE_CHECKS = expense_interface.DELIVERABLE_CHECKS
deliverable_check = expense_interface.deliverable_check


def spent_on_line(line_id, source, exclude_id=None):
    q = sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(
        Expense.budget_line_id == line_id, Expense.source == source, Expense.voided_at.is_(None))
    if exclude_id:
        q = q.where(Expense.id != exclude_id)
    return _dec(db.session.execute(q).scalar())


def grant_spent(alliance_id, exclude_id=None):
    q = sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(
        Expense.alliance_id == alliance_id, Expense.source == "grant", Expense.voided_at.is_(None))
    if exclude_id:
        q = q.where(Expense.id != exclude_id)
    return _dec(db.session.execute(q).scalar())


def _dec(raw):
    """A SUM over a Money column keeps the column's type: it comes back as a Decimal of money."""
    return Decimal(raw or 0).quantize(Decimal("0.01"))


def planned(line, source):
    return Decimal(getattr(line, source) or 0)


def available(line, source, exclude_id=None):
    return planned(line, source) - spent_on_line(line.id, source, exclude_id)


def _validate(alliance, body):
    """What needs the database: the line and the procurement are this alliance's, a deliverable can be paid
    (the model checked every field's type, length, choice and date)."""
    c = Collector()
    line = line_of(c, alliance, body.budget_line_id)
    procurement = owned(c, Procurement, body.procurement_id, rules.INVALID,
                        _l("Choose a procurement of this alliance."), "procurement_id", alliance_id=alliance.id)
    if body.deliverable_id is not None and not _DELIVERABLE_CHECKS:
        c.add(rules.INVALID, _l("Choose a deliverable of this alliance."), "deliverable_id")
    raise_fields(c)
    return dict(budget_line_id=line.id, spent_on=body.spent_on, amount=body.amount, source=body.source,
                supplier=body.supplier, document_type=body.document_type, document_number=body.document_number,
                description=body.description or "", procurement_id=procurement.id if procurement else None,
                deliverable_id=body.deliverable_id), procurement


def _rules(alliance, values, procurement, exclude_id=None):
    """Lock, then check every money rule; raise ``RuleViolation`` listing all that fail."""
    if values["source"] == "grant":
        lock_alliance(alliance.id)
    line = lock_line(values["budget_line_id"])
    amount, source = values["amount"], values["source"]
    c = Collector()
    free = available(line, source, exclude_id)
    if amount > free:
        c.add(rules.LINE_FUNDS_EXCEEDED, _l("The line “%(line)s” has %(free)s left for this source.",
                                        line=line.description, free=shown(free, alliance.program.currency)), "amount")
    if source == "grant":
        cash = ledger.disbursed(alliance) - grant_spent(alliance.id, exclude_id)
        if amount > cash:
            c.add(rules.GRANT_CASH_EXCEEDED, _l("Only %(cash)s of grant money received is left to spend.",
                                              cash=shown(cash, alliance.program.currency)),
                  "amount")
    limit = Decimal(alliance.program.minor_purchase_limit or 0)
    if values.get("deliverable_id"):
        # paying a TA deliverable: the TA selection was its procurement; the stage checks the payment
        for check in _DELIVERABLE_CHECKS:
            c.violations.extend(check(alliance, line, values["deliverable_id"], amount, exclude_id) or [])
    elif amount > limit and (procurement is None or procurement.state not in ("awarded", "closed")):
        c.add(rules.PROCUREMENT_REQUIRED, _l("Above %(limit)s a purchase needs an awarded procurement.",
                                             limit=shown(limit, alliance.program.currency)),
              "procurement_id")
    elif procurement is not None and procurement.state in ("awarded", "closed"):
        awarded = procurement.awarded
        paid = _dec(db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(
            Expense.procurement_id == procurement.id, Expense.voided_at.is_(None),
            *([Expense.id != exclude_id] if exclude_id else []))).scalar())
        if procurement.budget_line_id != line.id:
            c.add(rules.PROCUREMENT_REQUIRED, _l("The procurement was for another budget line."), "procurement_id")
        elif awarded is not None and paid + amount > awarded.amount:
            c.add(rules.PROCUREMENT_REQUIRED, _l("The payments would exceed the awarded %(amount)s (%(paid)s paid).",
                                             amount=shown(awarded.amount, alliance.program.currency),
                                             paid=shown(paid, alliance.program.currency)), "procurement_id")
    closed = db.session.execute(sa.select(AccountabilityReport.id).where(
        AccountabilityReport.alliance_id == alliance.id, AccountabilityReport.state.in_(LOCKED_STATES),
        AccountabilityReport.period_start <= values["spent_on"], AccountabilityReport.period_end >= values["spent_on"])
        .limit(1)).first()
    if closed:
        c.add(rules.REPORT_LOCKED, _l("A submitted accountability report already covers this date: date the expense "
                                  "after its period."), "spent_on")
    dup = sa.select(Expense.id).where(
        Expense.alliance_id == alliance.id, sa.func.lower(Expense.supplier) == values["supplier"].lower(),
        Expense.document_number == values["document_number"], Expense.voided_at.is_(None))
    if exclude_id:
        dup = dup.where(Expense.id != exclude_id)
    if db.session.execute(dup.limit(1)).first():
        c.add(rules.DUPLICATE_DOCUMENT, _l("This supplier's document %(n)s is already recorded.",
                                       n=values["document_number"]), "document_number")
    if c.violations:
        raise RuleViolation(c.violations)


def _audit_data(expense):
    return {k: getattr(expense, k) for k in FIELDS} | {"receipt_sha256": expense.receipt_sha256}


def record_expense(alliance, body: ExpenseIn, actor, receipt=None):
    """Record an expense (``body``: an ``ExpenseIn``, or a mapping read as a form is; ``receipt``: an
    optional FileStorage).

    Raises ``RuleViolation`` (the rules above), ``ValidationFailed``, ``UploadTooLarge``, ``UnsupportedType``.
    Flushes and audits; never commits."""
    require_in_execution(alliance)
    body = as_body(ExpenseIn, body)
    values, procurement = _validate(alliance, body)
    stored = stored_file(receipt, "receipt")
    _rules(alliance, values, procurement)
    expense = Expense(alliance_id=alliance.id, created_by_id=actor.id, **values)
    if stored:
        expense.receipt_sha256, expense.receipt_filename, expense.receipt_content_type = stored
    db.session.add(expense)
    db.session.flush()
    audit.record("expense", expense.id, "record", actor, data=_audit_data(expense), alliance_id=alliance.id,
                 association_id=alliance.association_id)
    return expense


def _check_editable(expense, version=None):
    if version is not None and int(version) != expense.version:
        raise StaleVersion(_l("Someone changed this expense meanwhile. Reload it and try again."))
    if expense.voided_at is not None:
        raise RuleViolation([_violation("expense_voided", _l("This expense was voided."))])
    if expense.locked:
        raise RuleViolation([_violation(rules.REPORT_LOCKED, _l("This expense is in a submitted report: it can no "
                                                            "longer change."))])


def _violation(rule, message, field=None):
    return Violation(rule, message, field)


def update_expense(expense, body: ExpensePatch, actor, receipt=None, version=None):
    """Correct an expense (``body``: an ``ExpensePatch``, whose fields given change; or a mapping of the fields
    to change, with ``version``). The rules are checked again without the expense itself.
    Raises as ``record_expense``, plus ``report_locked`` and ``StaleVersion``."""
    alliance = expense.alliance
    require_in_execution(alliance)
    if not isinstance(body, ExpensePatch):
        body = as_body(ExpensePatch, {**dict(body), "version": version if version is not None else expense.version})
    _check_editable(expense, body.version)
    merged = {k: getattr(expense, k) for k in FIELDS} | {k: v for k, v in body.given().items() if k in FIELDS}
    values, procurement = _validate(alliance, ExpenseIn.model_construct(**merged))
    stored = stored_file(receipt, "receipt")
    _rules(alliance, values, procurement, exclude_id=expense.id)
    before = _audit_data(expense)
    for k, v in values.items():
        setattr(expense, k, v)
    if stored:
        expense.receipt_sha256, expense.receipt_filename, expense.receipt_content_type = stored
    db.session.flush()
    after = _audit_data(expense)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.record("expense", expense.id, "correct", actor, data={"changes": changes}, alliance_id=alliance.id,
                 association_id=alliance.association_id)
    return expense


def void_expense(expense, actor, body: VoidIn, version=None):
    """Void an expense (it stays on record, no longer counts); ``body``: a ``VoidIn`` (or the reason's text,
    with ``version``). Raises ``report_locked``, ``ValidationFailed`` (no reason), ``StaleVersion``."""
    alliance = expense.alliance
    require_in_execution(alliance)
    if not isinstance(body, VoidIn):
        body = as_body(VoidIn, {"reason": body, "version": version})
    _check_editable(expense, body.version)
    return mark_voided(expense, "expense", actor, body.reason)


def line_figures(alliance):
    """Per line: planned and spent by source (grant, counterpart cash: expenses; counterpart in kind:
    contributions in kind recorded against the line), with the share used."""
    # expenses by line and source, and contributions in kind by line, in one statement
    rows = db.session.execute(sa.union_all(
        sa.select(Expense.budget_line_id, Expense.source, sa.func.sum(Expense.amount))
        .where(Expense.alliance_id == alliance.id, Expense.voided_at.is_(None))
        .group_by(Expense.budget_line_id, Expense.source),
        sa.select(Contribution.budget_line_id, sa.literal("counterpart_in_kind", sa.String),
                  sa.func.sum(Contribution.amount))
        .where(Contribution.alliance_id == alliance.id, Contribution.voided_at.is_(None),
               Contribution.kind == "in_kind", Contribution.budget_line_id.is_not(None))
        .group_by(Contribution.budget_line_id))).all()
    spent = {(lid, src): _dec(total) for lid, src, total in rows if src != "counterpart_in_kind"}
    in_kind = {lid: _dec(total) for lid, src, total in rows if src == "counterpart_in_kind"}
    out = []
    for line in alliance.budget_lines:
        item = {"line": line, "sources": {}}
        for src in EXPENSE_SOURCES:
            plan = planned(line, src)
            used = spent.get((line.id, src), ZERO)
            item["sources"][src] = {"planned": plan, "spent": used, "available": plan - used,
                                    "share": (used / plan * 100).quantize(Decimal("1")) if plan else
                                    (Decimal(100) if used else Decimal(0))}
        plan = Decimal(line.counterpart_in_kind or 0)
        used = in_kind.get(line.id, ZERO)
        item["sources"]["counterpart_in_kind"] = {
            "planned": plan, "spent": used, "available": plan - used,
            "share": (used / plan * 100).quantize(Decimal("1")) if plan else (Decimal(100) if used else Decimal(0))}
        out.append(item)
    return out


# The spine's interface of the expenses (grants/alliances/expenses.py), provided here.
expense_interface.provide("record_expense")(record_expense)
expense_interface.provide("line_figures")(line_figures)
expense_interface.provide("document_types")(lambda: DOCUMENT_TYPES)
expense_interface.provide("can_record")(can_record)


@expense_interface.provide("paid_on_deliverable")
def paid_on_deliverable(deliverable_id, exclude_id=None):
    q = sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(
        Expense.deliverable_id == deliverable_id, Expense.voided_at.is_(None))
    if exclude_id:
        q = q.where(Expense.id != exclude_id)
    return Decimal(db.session.execute(q).scalar() or 0).quantize(Decimal("0.01"))
