"""Accountability reports (rendición de cuentas): the expenses and contributions of a period, balances by
line and source, the assembly's approval; submitted by the association, approved or observed by the officer.

The workflow is data (grants/workflows/report.py). Submitting attaches the period's expenses and
contributions to the report and locks them (``report_locked``); the totals are frozen in ``totals``."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import audit
from ...common import utcnow
from ...errors import Collector, InvalidTransition, RuleViolation, StaleVersion, Violation
from ...extensions import db
from ...money import ZERO, fmt
from ...workflows import rules
from ...workflows.report import REPORT
from ...associations.assemblies import decision_for
from ..common import raise_fields, stored_file
from ..models import EXPENSE_SOURCES, AccountabilityReport, Contribution, Expense
from ...schemas.fields import as_body
from .schemas import AssemblyApprovalIn, ReportIn


def _overlapping(alliance, start, end, exclude_id=None):
    q = sa.select(AccountabilityReport.id).where(AccountabilityReport.alliance_id == alliance.id,
                                                 AccountabilityReport.period_start <= end,
                                                 AccountabilityReport.period_end >= start)
    if exclude_id:
        q = q.where(AccountabilityReport.id != exclude_id)
    return db.session.execute(q.limit(1)).first() is not None


def create_report(alliance, body: ReportIn, actor, minutes=None):
    """A draft report for ``period_start``..``period_end`` (``body``: a ``ReportIn``, or a mapping read as a form
    is; optionally with ``assembly_approved_on`` and the minutes file, or ``assembly_decision_id``). Raises
    ``ValidationFailed`` (dates; ``period_overlaps``), ``RuleViolation`` (state)."""
    if alliance.state not in ("in_execution", "suspended", "closing"):
        raise RuleViolation([Violation(rules.ALLIANCE_NOT_IN_EXECUTION,
                                       _l("Reports are filed while the alliance is in execution."))])
    body = as_body(ReportIn, body)
    start, end = body.period_start, body.period_end
    c = Collector()
    if _overlapping(alliance, start, end):
        c.add(rules.PERIOD_OVERLAPS, _l("Another report already covers part of this period."), "period_start")
    raise_fields(c)
    report = AccountabilityReport(alliance_id=alliance.id, period_start=start, period_end=end, state="draft",
                                  created_by_id=actor.id)
    db.session.add(report)
    db.session.flush()
    audit.record("accountability_report", report.id, "create", actor, to_state="draft",
                 data={"period_start": start, "period_end": end}, alliance_id=alliance.id,
                 association_id=alliance.association_id)
    if body.assembly_approved_on or body.assembly_decision_id \
            or minutes is not None and getattr(minutes, "filename", None):
        record_assembly_approval(report, AssemblyApprovalIn(assembly_approved_on=body.assembly_approved_on,
                                                            assembly_decision_id=body.assembly_decision_id),
                                 minutes, actor)
    return report


def record_assembly_approval(report, body: AssemblyApprovalIn, minutes, actor, decision_id=None):
    """The assembly's approval (``body``: an ``AssemblyApprovalIn``, or the date as text or ``date`` with
    ``decision_id``): its date and the minutes (PDF or photo), or ``assembly_decision_id``, a decision of the
    association's assembly register (then its date is the assembly's). Only while the report is a draft."""
    if report.state != "draft":
        raise InvalidTransition(_l("The assembly's approval is recorded while the report is a draft."))
    if not isinstance(body, AssemblyApprovalIn):
        body = as_body(AssemblyApprovalIn, {"assembly_approved_on": body, "assembly_decision_id": decision_id})
    c = Collector()
    if body.assembly_decision_id:
        decision = decision_for(report.alliance.association_id, body.assembly_decision_id, "accountability_report", c)
        raise_fields(c)
        report.assembly_decision_id, report.assembly_approved_on = decision.id, decision.assembly.held_on
        db.session.flush()
        audit.record("accountability_report", report.id, "assembly_approval", actor,
                     data={"assembly_approved_on": report.assembly_approved_on, "assembly_decision_id": decision.id},
                     alliance_id=report.alliance_id, association_id=report.alliance.association_id)
        return report
    day = body.assembly_approved_on
    if day is None:
        c.add(rules.REQUIRED, _l("Enter a date such as 2027-03-01."), "assembly_approved_on")
    if not report.assembly_sha256 and (minutes is None or not getattr(minutes, "filename", None)):
        c.add(rules.REQUIRED, _l("Upload the minutes of the assembly."), "assembly_minutes")
    raise_fields(c)
    stored = stored_file(minutes, "assembly_minutes")
    report.assembly_approved_on = day
    if stored:
        report.assembly_sha256, report.assembly_filename, report.assembly_content_type = stored
    db.session.flush()
    audit.record("accountability_report", report.id, "assembly_approval", actor,
                 data={"assembly_approved_on": day, "sha256": report.assembly_sha256},
                 alliance_id=report.alliance_id, association_id=report.alliance.association_id)
    return report


def items(report):
    """``(expenses, contributions)`` of the report: attached ones once submitted; in a draft, those of the
    period not yet in another report (voided ones left out)."""
    def of(model, day):
        q = sa.select(model).where(model.alliance_id == report.alliance_id, model.voided_at.is_(None))
        if report.state in ("submitted", "approved"):
            q = q.where(model.report_id == report.id)
        else:
            q = q.where(day >= report.period_start, day <= report.period_end,
                        sa.or_(model.report_id.is_(None), model.report_id == report.id))
        return db.session.execute(q.order_by(day, model.id)).scalars().all()

    return of(Expense, Expense.spent_on), of(Contribution, Contribution.contributed_on)


def balances(report, expenses=None, contributions=None):
    """Per line: planned, spent in this period and spent before it, by source; with the totals."""
    if expenses is None:
        expenses, contributions = items(report)
    alliance = report.alliance
    earlier = db.session.execute(
        sa.select(Expense.budget_line_id, Expense.source, sa.func.sum(Expense.amount))
        .where(Expense.alliance_id == alliance.id, Expense.voided_at.is_(None),
               Expense.spent_on < report.period_start).group_by(Expense.budget_line_id, Expense.source)).all()
    before = {(lid, src): Decimal(v or 0) for lid, src, v in earlier}
    rows, totals = [], {s: {"planned": ZERO, "period": ZERO, "before": ZERO, "balance": ZERO}
                        for s in EXPENSE_SOURCES}
    for line in alliance.budget_lines:
        row = {"line_id": line.id, "position": line.position, "description": line.description, "sources": {}}
        for src in EXPENSE_SOURCES:
            plan = Decimal(getattr(line, src) or 0)
            period = sum((e.amount for e in expenses if e.budget_line_id == line.id and e.source == src), ZERO)
            prev = before.get((line.id, src), ZERO)
            cell = {"planned": plan, "period": period, "before": prev, "balance": plan - prev - period}
            row["sources"][src] = cell
            for k, v in cell.items():
                totals[src][k] += v
        rows.append(row)
    kinds = {"cash": ZERO, "in_kind": ZERO}
    for ct in contributions:
        kinds[ct.kind] += ct.amount
    return {"lines": rows, "totals": totals, "contributions": kinds}


def _snapshot(bal):
    def conv(v):
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return fmt(v) if isinstance(v, Decimal) else v

    return conv(bal)


def report_action(report, action, actor, data=None, version=None):
    """Take ``action`` (``submit``, ``approve``, ``observe`` with ``observations``, ``reopen``) through the
    workflow; one audit event. Raises ``InvalidTransition``, ``Forbidden``, ``RuleViolation``
    (``assembly_approval_missing``, ``required``), ``StaleVersion``. Never commits."""
    data = {k: v for k, v in dict(data or {}).items() if v not in (None, "")}
    if action not in REPORT.by_name:
        raise InvalidTransition(_l("Unknown action: %(action)s", action=str(action)[:60]))
    report = db.session.execute(sa.select(AccountabilityReport).where(AccountabilityReport.id == report.id)
                                .with_for_update().execution_options(populate_existing=True)).scalar_one()
    if version is not None and int(version) != report.version:
        raise StaleVersion(_l("Someone changed this report meanwhile. Reload it and try again."))
    comment = data.pop("comment", None)

    def effect(obj, transition, payload):
        now = utcnow()
        if transition.name == "submit":
            expenses, contributions = items(obj)
            for model in (Expense, Contribution):
                db.session.execute(sa.update(model).where(model.report_id == obj.id).values(report_id=None)
                                   .execution_options(synchronize_session="fetch"))
            for item in (*expenses, *contributions):
                item.report_id = obj.id
            obj.totals = _snapshot(balances(obj, expenses, contributions))
            obj.submitted_at, obj.observation_open = now, False
            return {"expenses": len(expenses), "contributions": len(contributions),
                    "grant_spent": obj.totals["totals"]["grant"]["period"]}
        if transition.name in ("approve", "observe"):
            obj.decided_at, obj.decided_by_id = now, actor.id
            if transition.name == "observe":
                obj.observations = str(payload.get("observations")).strip()
                obj.observation_open = True
        return None

    t = REPORT.apply(report, action, actor, comment=comment, data=data, effect=effect)
    db.session.flush()
    return t
