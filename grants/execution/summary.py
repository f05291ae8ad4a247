"""Execution at a glance: each line's plan against what was spent, by source; warnings."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..alliances import ledger, page
from ..alliances.models import Alliance
from ..extensions import db
from .expenses.services import line_figures
from .models import AccountabilityReport, EXPENSE_SOURCES, Expense
from ..workflows import rules

NEAR_LIMIT = 90
#: expenses older than this and in no submitted report make the report overdue
REPORT_DUE_DAYS = 90


def glance(alliance, counts=None):
    """Each line's plan against what was spent, the warnings, the balance. ``counts``: the expenses without a
    receipt and those late for a report, when read already (``counted``)."""
    lines = line_figures(alliance)
    warnings = []
    for item in lines:
        for src, cell in item["sources"].items():
            if cell["planned"] and cell["share"] >= NEAR_LIMIT:
                warnings.append((rules.LINE_NEAR_LIMIT, _l("Line %(n)s (%(line)s) has used %(share)s %% of its %(src)s.",
                                                       n=item["line"].position, line=item["line"].description,
                                                       share=cell["share"], src=_source_title(src))))
    # both counts in one statement, or in the alliance page's first (page.py)
    figures = page.held(alliance) or {}
    if counts is not None:
        missing, overdue = counts
    elif "execution_receipts_missing" in figures and "execution_expenses_late" in figures:
        missing, overdue = figures["execution_receipts_missing"], figures["execution_expenses_late"]
    else:
        missing, overdue = db.session.execute(sa.select(*_counts(alliance.id))).one()
    if missing:
        warnings.append((rules.RECEIPTS_MISSING, _l("%(n)s expenses have no receipt yet.", n=missing)))
    if overdue:
        warnings.append((rules.REPORT_OVERDUE, _l("%(n)s expenses older than %(d)s days are in no submitted report.",
                                               n=overdue, d=REPORT_DUE_DAYS)))
    observed = ledger.open_observations(alliance)
    if observed:
        warnings.append((rules.OPEN_OBSERVATIONS, _l("%(n)s reports have observations to answer.", n=observed)))
    return {"lines": lines, "warnings": warnings, "balance": ledger.balance(alliance)}


def counted():
    """The two counts of ``glance``'s warnings as columns correlated on ``Alliance.id`` (read with the alliance)."""
    return _counts(Alliance.id)


def _counts(alliance_id):
    """The expenses without a receipt and those late for a report, as two scalar subqueries."""
    # the expense's own report joined (an index lookup per late expense): a NOT IN or NOT EXISTS over the reports,
    # nested two levels down in the alliance page's first statement, read every alliance's reports there
    report = sa.orm.aliased(AccountabilityReport)
    late = sa.and_(Expense.spent_on < date.today() - timedelta(days=REPORT_DUE_DAYS),
                   sa.or_(Expense.report_id.is_(None), report.id.is_(None),
                          report.state.not_in(("submitted", "approved"))))
    mine = sa.and_(Expense.alliance_id == alliance_id, Expense.voided_at.is_(None))
    return (sa.select(sa.func.count()).where(mine, Expense.receipt_sha256.is_(None)).scalar_subquery(),
            sa.select(sa.func.count()).select_from(Expense)
            .outerjoin(report, sa.and_(report.id == Expense.report_id, report.alliance_id == alliance_id))
            .where(mine, late).scalar_subquery())


page.figure("execution_receipts_missing")(lambda: _counts(Alliance.id)[0])
page.figure("execution_expenses_late")(lambda: _counts(Alliance.id)[1])


def _source_title(src):
    return EXPENSE_SOURCES.get(src) or _l("Counterpart (in kind)")
