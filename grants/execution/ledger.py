"""The execution stage's figures for the spine's ledger (grants/alliances/ledger.py).

Every figure of an alliance comes from one statement (``totals``: conditional sums over its expenses and
contributions), read once per GET request however many cards and alert sources show it."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ..alliances import ledger
from ..extensions import db
from .models import AccountabilityReport, Contribution, Expense


@dataclass(frozen=True)
class Totals:
    spent: Decimal
    justified: Decimal
    counterpart_cash: Decimal
    contributed: Decimal
    unreported: int
    open_observations: int


def _cents(expr):
    return sa.func.coalesce(sa.func.sum(sa.type_coerce(expr, sa.BigInteger)), 0)


def _money(raw):
    return (Decimal(int(raw or 0)) / 100).quantize(Decimal("0.01"))


def _compute(alliance_id):
    approved = sa.select(AccountabilityReport.id).where(AccountabilityReport.alliance_id == alliance_id,
                                                        AccountabilityReport.state == "approved")
    live = sa.and_(Expense.alliance_id == alliance_id, Expense.voided_at.is_(None))
    grant = Expense.source == "grant"
    expenses = sa.select(
        _cents(sa.case((grant, Expense.amount), else_=0)),
        _cents(sa.case((sa.and_(grant, Expense.report_id.in_(approved)), Expense.amount), else_=0)),
        _cents(sa.case((Expense.source == "counterpart_cash", Expense.amount), else_=0)),
        sa.func.count(sa.case((sa.or_(Expense.report_id.is_(None), Expense.report_id.not_in(approved)), 1))),
    ).where(live).subquery()
    contributions = (sa.select(_cents(Contribution.amount))
                     .where(Contribution.alliance_id == alliance_id, Contribution.voided_at.is_(None))
                     .scalar_subquery())
    observations = (sa.select(sa.func.count()).select_from(AccountabilityReport)
                    .where(AccountabilityReport.alliance_id == alliance_id,
                           AccountabilityReport.observation_open.is_(True)).scalar_subquery())
    spent, justified, cash, unreported, contributed, observed = db.session.execute(
        sa.select(*expenses.c, contributions, observations)).one()
    return Totals(_money(spent), _money(justified), _money(cash), _money(contributed), int(unreported or 0),
                  int(observed or 0))


def totals(alliance):
    """The alliance's execution figures (one statement; once per alliance in a GET request)."""
    return ledger.memo("execution", alliance, lambda: _compute(alliance.id))


@ledger.provider("spent")
def spent(alliance):
    """Grant expenses not voided."""
    return totals(alliance).spent


@ledger.provider("justified")
def justified(alliance):
    """Grant expenses in approved accountability reports."""
    return totals(alliance).justified


@ledger.provider("counterpart_contributed")
def counterpart_contributed(alliance):
    """Counterpart cash expenses and contributions (cash and in kind)."""
    t = totals(alliance)
    return t.counterpart_cash + t.contributed


@ledger.provider("open_observations")
def open_observations(alliance):
    """Reports observed by the officer and not yet submitted again."""
    return totals(alliance).open_observations


@ledger.provider("unreported_expenses")
def unreported_expenses(alliance):
    """Expenses (any source) not voided and not in an approved accountability report."""
    return totals(alliance).unreported
