"""The execution stage's figures for the spine's ledger (grants/alliances/ledger.py)."""
from decimal import Decimal

import sqlalchemy as sa

from ..alliances import ledger
from ..extensions import db
from .contributions import contributed
from .models import AccountabilityReport, Expense


def _sum(*conds):
    q = sa.select(sa.func.coalesce(sa.func.sum(Expense.amount), 0)).where(Expense.voided_at.is_(None), *conds)
    return Decimal(db.session.execute(q).scalar() or 0)


@ledger.provider("spent")
def spent(alliance):
    """Grant expenses not voided."""
    return _sum(Expense.alliance_id == alliance.id, Expense.source == "grant")


@ledger.provider("justified")
def justified(alliance):
    """Grant expenses in approved accountability reports."""
    approved = sa.select(AccountabilityReport.id).where(AccountabilityReport.alliance_id == alliance.id,
                                                        AccountabilityReport.state == "approved")
    return _sum(Expense.alliance_id == alliance.id, Expense.source == "grant", Expense.report_id.in_(approved))


@ledger.provider("counterpart_contributed")
def counterpart_contributed(alliance):
    """Counterpart cash expenses and contributions (cash and in kind)."""
    return _sum(Expense.alliance_id == alliance.id, Expense.source == "counterpart_cash") + contributed(alliance.id)


@ledger.provider("open_observations")
def open_observations(alliance):
    """Reports observed by the officer and not yet submitted again."""
    q = sa.select(sa.func.count()).select_from(AccountabilityReport).where(
        AccountabilityReport.alliance_id == alliance.id, AccountabilityReport.observation_open.is_(True))
    return int(db.session.execute(q).scalar() or 0)


@ledger.provider("unreported_expenses")
def unreported_expenses(alliance):
    """Expenses (any source) not voided and not in an approved accountability report."""
    approved = sa.select(AccountabilityReport.id).where(AccountabilityReport.alliance_id == alliance.id,
                                                        AccountabilityReport.state == "approved")
    q = sa.select(sa.func.count()).select_from(Expense).where(
        Expense.alliance_id == alliance.id, Expense.voided_at.is_(None),
        sa.or_(Expense.report_id.is_(None), Expense.report_id.not_in(approved)))
    return int(db.session.execute(q).scalar() or 0)
