"""The execution stage's alerts (grants/alliances/alerts.py), each in a constant number of queries:

- ``report_missing``: an alliance in execution whose last submitted-or-approved accountability report (or, with
  none, its first transfer) ends more than the program's ``report_period_months`` ago; ``since`` is the day the
  report was due (the alert opens the day after);
- ``low_execution``: grant spent / grant received below the program's ``low_execution_share`` once a report
  period has passed since the last transfer (open from that day on).

Changes to expenses and accountability reports (and tranches, alliances: the spine) refresh them."""
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.budget import Tranche
from ..extensions import db
from ..money import ZERO, fmt, share
from ..programs.models import Program
from ..workflows import rules as rule_codes
from .models import AccountabilityReport, Expense


def _executing(alliances):
    return [a.id for a in alliances if a.state == "in_execution"]


def _report_message(d, today):
    return _l("No accountability report since %(day)s: one was due by %(due)s.", day=d["covered_until"],
              due=d["due_on"])


@alerts.source(rule_codes.REPORT_MISSING, message=_report_message)
def report_missing(alliances):
    ids = _executing(alliances)
    if not ids:
        return []
    first = dict(db.session.execute(sa.select(Tranche.alliance_id, sa.func.min(Tranche.disbursed_on)).where(
        Tranche.alliance_id.in_(ids), Tranche.state == "disbursed", Tranche.disbursed_on.is_not(None))
        .group_by(Tranche.alliance_id)).all())
    last = dict(db.session.execute(sa.select(AccountabilityReport.alliance_id,
                                             sa.func.max(AccountabilityReport.period_end)).where(
        AccountabilityReport.alliance_id.in_(ids), AccountabilityReport.state.in_(("submitted", "approved")))
        .group_by(AccountabilityReport.alliance_id)).all())
    rules = alerts.program_rules(ids, Program.report_period_months)
    out = []
    for aid in ids:
        if aid not in first or aid not in rules:
            continue
        start = max(first[aid], last.get(aid) or first[aid])
        months = rules[aid][1]
        due = alerts.add_months(start, months)
        out.append(alerts.Alert(rule_codes.REPORT_MISSING, aid, since=due, due=due + alerts.ONE_DAY, detail={
            "covered_until": start.isoformat(), "due_on": due.isoformat(), "report_period_months": months}))
    return out


def _low_message(d, today):
    return _l("Only %(pct)s %% of the grant received is spent (expected at least %(min)s %%).",
              pct=fmt(Decimal(d["share"]) * 100, 1), min=fmt(Decimal(d["minimum"]) * 100, 0))


@alerts.source(rule_codes.LOW_EXECUTION, message=_low_message)
def low_execution(alliances):
    ids = _executing(alliances)
    if not ids:
        return []
    received = {r[0]: r for r in db.session.execute(sa.select(
        Tranche.alliance_id, sa.func.max(Tranche.disbursed_on),
        sa.func.sum(sa.func.coalesce(Tranche.disbursed_amount, Tranche.amount))).where(
        Tranche.alliance_id.in_(ids), Tranche.state == "disbursed", Tranche.disbursed_on.is_not(None))
        .group_by(Tranche.alliance_id)).all()}
    spent = dict(db.session.execute(sa.select(Expense.alliance_id, sa.func.sum(Expense.amount)).where(
        Expense.alliance_id.in_(ids), Expense.source == "grant", Expense.voided_at.is_(None))
        .group_by(Expense.alliance_id)).all())
    rules = alerts.program_rules(ids, Program.report_period_months, Program.low_execution_share)
    out = []
    for aid in ids:
        if aid not in received or aid not in rules:
            continue
        _aid, last_transfer, total = received[aid]
        got, used = Decimal(total or 0), Decimal(spent.get(aid) or 0)
        months, minimum = rules[aid][1], rules[aid][2]
        since = alerts.add_months(last_transfer, months)
        if got <= ZERO:
            continue
        ratio = share(used, got)
        if used < got * minimum:  # exact: the rounded share could hide a cent
            out.append(alerts.Alert(rule_codes.LOW_EXECUTION, aid, since=since, due=since, detail={
                "received": fmt(got), "spent": fmt(used), "share": fmt(ratio, 4), "minimum": fmt(minimum, 4),
                "last_transfer_on": last_transfer.isoformat()}))
    return out


alerts.watch(Expense, lambda e: [e.alliance_id])
alerts.watch(AccountabilityReport, lambda r: [r.alliance_id])
