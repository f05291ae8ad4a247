"""The execution stage's figures for the spine's ledger (grants/alliances/ledger.py).

Every figure of an alliance comes from one statement (``totals``: conditional sums over its expenses and
contributions), read once per GET request however many cards and alert sources show it."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ..alliances import ledger, page
from ..alliances.models import Alliance
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


#: the figures of ``Totals`` in its order, each a scalar subquery (also the alliance page's figures, page.py)
_NAMES = ("spent", "justified", "counterpart_cash", "contributed", "unreported", "open_observations")


def _columns(alliance_id):
    """``{name: scalar subquery}`` of the alliance's execution figures; ``alliance_id`` a value or ``Alliance.id``
    (correlated, on the alliance page). The expense's report is joined per alliance (an ``IN`` over the
    alliance's reports, nested in the page's statement, would read every alliance's)."""
    report = sa.orm.aliased(AccountabilityReport)
    live = sa.and_(Expense.alliance_id == alliance_id, Expense.voided_at.is_(None))
    grant = Expense.source == "grant"
    approved = report.state == "approved"

    def over_expenses(column):
        return (sa.select(column).select_from(Expense)
                .outerjoin(report, sa.and_(report.id == Expense.report_id, report.alliance_id == alliance_id))
                .where(live).scalar_subquery())

    return {
        "spent": sa.select(_cents(sa.case((grant, Expense.amount), else_=0))).where(live).scalar_subquery(),
        "justified": over_expenses(_cents(sa.case((sa.and_(grant, approved), Expense.amount), else_=0))),
        "counterpart_cash": sa.select(_cents(sa.case((Expense.source == "counterpart_cash", Expense.amount),
                                                     else_=0))).where(live).scalar_subquery(),
        "contributed": (sa.select(_cents(Contribution.amount))
                        .where(Contribution.alliance_id == alliance_id, Contribution.voided_at.is_(None))
                        .scalar_subquery()),
        "unreported": over_expenses(sa.func.count(sa.case((sa.or_(report.id.is_(None), ~approved), 1)))),
        "open_observations": (sa.select(sa.func.count()).select_from(AccountabilityReport)
                              .where(AccountabilityReport.alliance_id == alliance_id,
                                     AccountabilityReport.observation_open.is_(True)).scalar_subquery()),
    }


for _name in _NAMES:
    page.figure(f"execution_{_name}")(lambda name=_name: _columns(Alliance.id)[name])


def _totals(values):
    spent, justified, cash, contributed, unreported, observed = values
    return Totals(_money(spent), _money(justified), _money(cash), _money(contributed), int(unreported or 0),
                  int(observed or 0))


def _compute(alliance):
    held = page.held(alliance) or {}
    if all(f"execution_{name}" in held for name in _NAMES):  # read with the alliance (its page)
        return _totals([held[f"execution_{name}"] for name in _NAMES])
    columns = _columns(alliance.id)
    return _totals(db.session.execute(sa.select(*(columns[name] for name in _NAMES))).one())


def totals(alliance):
    """The alliance's execution figures (one statement, or none on the alliance page, which reads them with the
    alliance; once per alliance in a GET request)."""
    return ledger.memo("execution", alliance, lambda: _compute(alliance))


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
