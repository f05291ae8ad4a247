"""The execution stage's work waiting (grants/alliances/tasks.py), each source in a constant number of queries:

- ``expense_receipt``: the association's board and treasurer attach the receipt of each expense without one;
- ``report_due``: the board and treasurer submit the next accountability report by its due date (the last
  report's end, or the first transfer, plus the program's ``report_period_months``); an observed report is
  corrected first;
- ``report_to_review``: the officer of the region approves or observes each submitted report."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..alliances import alerts, tasks
from ..alliances.budget import Tranche
from ..alliances.models import Alliance
from ..programs.models import Call, Program
from .models import AccountabilityReport, Expense

WRITERS = ("board", "treasurer")


@tasks.source("expense_receipt", states=("in_execution", "suspended"))
def expense_receipt(user, today):
    if not user.association_ids(*WRITERS):
        return []
    # the first expenses in a subquery of their own: planned alone, it reads the few alliances' expenses by
    # their index (joined to the eager loads, past PostgreSQL's join_collapse_limit, it read every expense of
    # the program first: half a second at 200,000 expenses)
    first = (sa.select(Expense.id).where(
        Expense.alliance_id.in_(tasks.visible_alliances(user, ("in_execution", "suspended"), WRITERS)
                                .where(tasks.scope()).with_only_columns(Alliance.id)),
        Expense.receipt_sha256.is_(None), Expense.voided_at.is_(None))
        .order_by(Expense.spent_on, Expense.id).limit(tasks.LIMIT).subquery())
    rows = tasks.rows(tasks.with_currency(
        sa.select(Expense, Alliance).join(first, first.c.id == Expense.id)
        .join(Alliance, Alliance.id == Expense.alliance_id))
        .order_by(Expense.spent_on, Expense.id))
    return [tasks.Task("expense_receipt", _l("Attach the receipt of an expense"),
                       url_for("execution.expense", alliance_id=a.id, expense_id=e.id), alliance=a, since=e.spent_on,
                       detail=e.supplier, amount=e.amount, currency=cur) for e, a, cur in rows]


@tasks.source("report_due", states=("in_execution",))
def report_due(user, today):
    if not user.association_ids(*WRITERS):
        return []
    # the alliances with their first transfer, their program's reporting period, the end of their last
    # submitted or approved report and their first open report (draft or observed), in one statement
    first_paid = (sa.select(sa.func.min(Tranche.disbursed_on))
                  .where(Tranche.alliance_id == Alliance.id, Tranche.state == "disbursed",
                         Tranche.disbursed_on.is_not(None)).correlate(Alliance).scalar_subquery())
    mine = AccountabilityReport.alliance_id == Alliance.id
    last_done = (sa.select(sa.func.max(AccountabilityReport.period_end))
                 .where(mine, AccountabilityReport.state.in_(("submitted", "approved")))
                 .correlate(Alliance).scalar_subquery())
    first_open = (sa.select(AccountabilityReport.id).where(mine, AccountabilityReport.state.in_(("draft", "observed")))
                  .order_by(AccountabilityReport.period_end, AccountabilityReport.id).limit(1).correlate(Alliance))
    open_state = (sa.select(AccountabilityReport.state).where(AccountabilityReport.id == first_open.scalar_subquery())
                  .correlate(Alliance).scalar_subquery())
    rows = tasks.rows(tasks.visible_alliances(user, ("in_execution",), WRITERS).where(tasks.scope())
                      .add_columns(first_paid, Program.report_period_months, last_done,
                                   first_open.scalar_subquery(), open_state)
                      .join(Call, Call.id == Alliance.call_id)
                      .join(Program, Program.id == Call.program_id))
    out = []
    for a, first, months, done, open_id, open_state in rows:
        if first is None:
            continue
        start = max(first, done) if done is not None else first
        due = alerts.add_months(start, months)
        if open_id is not None:
            title = _l("Correct the observed accountability report") if open_state == "observed" else \
                _l("Finish and submit the accountability report")
            url = url_for("execution.report", alliance_id=a.id, report_id=open_id)
        else:
            title = _l("Prepare the next accountability report")
            url = url_for("execution.reports", alliance_id=a.id)
        out.append(tasks.Task("report_due", title, url, alliance=a, due=due,
                              detail=_l("covers from %(day)s", day=format_date(start, "medium"))))
    return out


@tasks.source("report_to_review")
def report_to_review(user, today):
    if not user.has_role("officer"):
        return []
    rows = tasks.rows(
        sa.select(AccountabilityReport, Alliance).join(Alliance, Alliance.id == AccountabilityReport.alliance_id)
        .where(tasks.officer_filter(user), AccountabilityReport.state == "submitted", tasks.scope())
        .order_by(AccountabilityReport.submitted_at).limit(tasks.LIMIT))
    return [tasks.Task("report_to_review", _l("Review the accountability report"),
                       url_for("execution.report", alliance_id=a.id, report_id=r.id), alliance=a,
                       since=r.submitted_at or r.updated_at,
                       detail=f"{format_date(r.period_start, 'medium')} – {format_date(r.period_end, 'medium')}")
            for r, a in rows]
