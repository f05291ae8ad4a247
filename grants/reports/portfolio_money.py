"""The portfolio's money and people figures (see portfolio.py for the definitions): a ``Row`` per group and
currency, counted from the stored totals and cells or, for the tests' recount, over the alliances in scope."""
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.models import AllianceMember
from ..associations.models import Member
from ..execution.models import AccountabilityReport, Contribution, Expense
from ..extensions import db
from ..money import ZERO, cents, share_property
from ..programs.models import Call, Program
from ..workflows.alliance import FUNDED
from .cells import CELL_MONEY, PortfolioCell
from .portfolio_scope import _cell_group, _cell_where
from .totals import AllianceTotals

#: the money figures of a row, in the order of the tables and the XLSX
MONEY = ("committed", "disbursed", "justified", "counterpart_planned", "counterpart_contributed")


@dataclass
class Row:
    """One row of the breakdown (a group in one currency), or the totals of one currency."""

    key: object
    label: str
    currency: str
    alliances: int = 0
    funded: int = 0
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    justified: Decimal = ZERO
    counterpart_planned: Decimal = ZERO
    counterpart_contributed: Decimal = ZERO
    families: int = 0
    women: int = 0
    families_reached: int = 0
    women_reached: int = 0
    indicators_measured: int = 0
    indicators_on_target: int = 0

    disbursed_share = share_property("disbursed", "committed")
    justified_share = share_property("justified", "disbursed")
    women_share = share_property("women", "families")
    on_target_share = share_property("indicators_on_target", "indicators_measured")

    def add(self, other):
        for name in ("alliances", "funded", *MONEY, "indicators_measured", "indicators_on_target"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _states(sc):
    """Alliances per group, currency and state, with the sums of their stored totals (``alliance_totals``, one
    row per alliance, kept current by grants/reports/totals.py): one statement, whose cost depends on the
    number of alliances only. Families and women are the families attributed to the alliances (see totals.py).
    ``build`` counts the budget and the families reached of the funded states only."""
    T = AllianceTotals

    def total(col):
        return sa.func.coalesce(sa.func.sum(col), 0)

    q = (sa.select(sc.c.grp, sc.c.label, sc.c.currency, sc.c.state, sa.func.count(), total(T.grant_budget),
                   total(T.counterpart_budget), total(T.disbursed), total(T.justified),
                   total(T.counterpart_contributed), total(T.families_first), total(T.women_first))
         .select_from(sc).outerjoin(T, T.alliance_id == sc.c.aid)
         .group_by(sc.c.grp, sc.c.label, sc.c.currency, sc.c.state))
    return db.session.execute(q).all()


def stored_states_query(user, f, group):
    """``_states`` from the stored cells (``portfolio_cells``, a few hundred rows kept by totals.py): the same
    rows, whatever the number of alliances, members and expenses (a select; portfolio.py runs it with the
    indicators' in one statement)."""
    C = PortfolioCell.__table__
    key, label = _cell_group(C, group)
    return (sa.select(key, label, Program.currency, C.c.state, sa.func.sum(C.c.alliances),
                      *[sa.func.coalesce(sa.func.sum(C.c[k]), 0) for k in CELL_MONEY])
            .join(Call, Call.id == C.c.call_id).join(Program, Program.id == Call.program_id)
            .where(C.c.alliances > 0, *_cell_where(C, user, f)).group_by(key, label, Program.currency, C.c.state))


def _budget(sc):
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(cents(BudgetLine.grant)),
                   sa.func.sum(cents(BudgetLine.counterpart_cash) + cents(BudgetLine.counterpart_in_kind)))
         .join(sc, sc.c.aid == BudgetLine.alliance_id).where(sc.c.state.in_(FUNDED))
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _disbursed(sc):
    amount = sa.func.coalesce(cents(Tranche.disbursed_amount), cents(Tranche.amount))
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(amount))
         .join(sc, sc.c.aid == Tranche.alliance_id).where(Tranche.state == "disbursed")
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _expenses(sc):
    justified = sa.case((sa.and_(Expense.source == "grant", AccountabilityReport.state == "approved"),
                         cents(Expense.amount)), else_=0)
    counterpart = sa.case((Expense.source == "counterpart_cash", cents(Expense.amount)), else_=0)
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(justified), sa.func.sum(counterpart))
         .join(sc, sc.c.aid == Expense.alliance_id)
         .outerjoin(AccountabilityReport, AccountabilityReport.id == Expense.report_id)
         .where(Expense.voided_at.is_(None)).group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _contributions(sc):
    q = (sa.select(sc.c.grp, sc.c.currency, sa.func.sum(cents(Contribution.amount)))
         .join(sc, sc.c.aid == Contribution.alliance_id).where(Contribution.voided_at.is_(None))
         .group_by(sc.c.grp, sc.c.currency))
    return db.session.execute(q).all()


def _people(sc):
    """Distinct families and women per group, and (part 0) over the whole scope, in one statement: each
    member family is first reduced to one row per group (funded in any of its alliances there), then
    counted with its sex; no COUNT(DISTINCT ...) over the member links."""
    funded = sa.case((sc.c.state.in_(FUNDED), 1), else_=0)
    mid = AllianceMember.member_id
    links = sa.select(AllianceMember).join(sc, sc.c.aid == AllianceMember.alliance_id)

    def counted(inner, *keys):
        woman = sa.case((Member.sex == "F", 1), else_=0)
        return (sa.select(*keys, sa.func.count(), sa.func.sum(woman), sa.func.sum(inner.c.f),
                          sa.func.sum(inner.c.f * woman))
                .select_from(inner).join(Member, Member.id == inner.c.mid))

    per_group = (links.with_only_columns(sc.c.grp.label("grp"), sc.c.currency.label("cur"), mid.label("mid"),
                                         sa.func.max(funded).label("f"))
                 .group_by(sc.c.grp, sc.c.currency, mid).subquery("per_group"))
    per_member = (links.with_only_columns(mid.label("mid"), sa.func.max(funded).label("f"))
                  .group_by(mid).subquery("per_member"))
    groups = counted(per_group, sa.literal(1).label("part"), per_group.c.grp, per_group.c.cur).group_by(
        per_group.c.grp, per_group.c.cur)
    total = counted(per_member, sa.literal(0).label("part"), sa.null(), sa.null())
    return db.session.execute(sa.union_all(groups, total)).all()
