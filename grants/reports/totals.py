"""Stored totals of each alliance (``alliance_totals``), kept current in the same transaction as the change
that moves them, so that the portfolio sums one row per alliance instead of recounting every member link,
expense, contribution and tranche of the program. Beside them, kept the same way: the stays of each alliance
in each state (``alliance_stays``), the program's stage durations (``stage_durations``) and each indicator's
latest value (``indicator_latest``).

One place maintains the rows: an ``after_flush`` listener (registered here, so no stage needs to know)
looks at the new, changed and deleted budget lines, tranches, expenses, contributions, accountability
reports, member links, members and alliances of the flush and recomputes the totals of the alliances they
touch with a few grouped statements on the flush's connection: only the figures the flush's records can move
(``MOVES``; people: every people column), and the alliance a record left when it was moved to another one. The
statements are built once (``built``) and run with the ids as an expanding parameter. Bulk inserts that bypass the ORM
(``grants.demo.seed_scale``) call ``refresh_totals()``, ``refresh_stays()``, ``refresh_durations()`` and
``refresh_latest()`` at their end.

What a row holds (money in integer cents, the portfolio's definitions, see portfolio.py):

- ``grant_budget`` / ``counterpart_budget``: grant, and cash + in kind, of the alliance's budget lines
  (whatever its state: the portfolio counts them as committed only for funded alliances);
- ``disbursed``: recorded amount of the disbursed tranches; ``justified``: grant expenses (not voided) in
  approved accountability reports; ``counterpart_contributed``: counterpart cash expenses + contributions,
  not voided;
- ``families`` / ``women``: the alliance's member families (and those of them headed by a woman);
- ``families_first`` / ``women_first``: the member families *attributed* to this alliance. A family in
  several alliances is attributed to exactly one of them: its funded alliance with the lowest id if it has
  one, otherwise its alliance with the lowest id. Summed over the whole program this is the exact number
  of distinct families (and, over the funded alliances, of distinct families reached); in a breakdown a
  family that takes part in alliances of two groups is counted once, in the group of its attributed
  alliance, so the groups add up to the total.
"""
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..alliances.budget import BudgetLine, Tranche
from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Member
from ..audit.models import Event
from ..execution.models import AccountabilityReport, Contribution, Expense
from ..extensions import db
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from ..workflows.alliance import FUNDED

MONEY_COLUMNS = ("grant_budget", "counterpart_budget", "disbursed", "justified", "counterpart_contributed")
PEOPLE_COLUMNS = ("families", "women", "families_first", "women_first")


class AllianceStay(db.Model):
    """One stay of an alliance in a state, from the audit event that moved it there (``entered_at``) to the
    next one (``left_at``, null while it stays): the portfolio's stage durations read these instead of
    running window functions over the audit trail. Kept by the ``after_flush`` listener from each new
    alliance event with a ``to_state``; ``refresh_stays()`` rebuilds them from the events."""

    __tablename__ = "alliance_stays"
    __table_args__ = (sa.Index("ix_alliance_stays_state_days", "state", "days"),)

    id = sa.Column(sa.Integer, primary_key=True)
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    state = sa.Column(sa.String(30), nullable=False)
    event_id = sa.Column(sa.Integer, nullable=False)
    entered_at = sa.Column(sa.DateTime, nullable=False)
    left_at = sa.Column(sa.DateTime)
    #: days spent (fractional), once the stay ended
    days = sa.Column(sa.Float)


class AllianceTotals(db.Model):
    """The money and people figures of one alliance, kept current by ``after_flush`` (see the module)."""

    __tablename__ = "alliance_totals"

    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True)
    grant_budget = sa.Column(sa.BigInteger, nullable=False, default=0)
    counterpart_budget = sa.Column(sa.BigInteger, nullable=False, default=0)
    disbursed = sa.Column(sa.BigInteger, nullable=False, default=0)
    justified = sa.Column(sa.BigInteger, nullable=False, default=0)
    counterpart_contributed = sa.Column(sa.BigInteger, nullable=False, default=0)
    families = sa.Column(sa.Integer, nullable=False, default=0)
    women = sa.Column(sa.Integer, nullable=False, default=0)
    families_first = sa.Column(sa.Integer, nullable=False, default=0)
    women_first = sa.Column(sa.Integer, nullable=False, default=0)


class StageDuration(db.Model):
    """The stays that ended in one state over the whole program: how many, their mean and median days. The
    portfolio of everyone's alliances (an admin's or auditor's, unfiltered) reads these few rows instead of
    ranking every ended stay; the ``after_flush`` listener recomputes the row of each state a stay of which
    ended in the flush, ``refresh_durations()`` every row. A filtered or regional view still counts its
    own stays (``portfolio.durations``)."""

    __tablename__ = "stage_durations"

    state = sa.Column(sa.String(30), primary_key=True)
    stays = sa.Column(sa.Integer, nullable=False, default=0)
    mean_days = sa.Column(sa.Float, nullable=False, default=0)
    median_days = sa.Column(sa.Float, nullable=False, default=0)


class IndicatorLatest(db.Model):
    """The latest value (latest period) of one indicator, kept by the ``after_flush`` listener from each new,
    changed or deleted indicator value, so that the portfolio and the portal join one row per measured
    indicator instead of ranking every value with a window function. ``refresh_latest()`` rebuilds them."""

    __tablename__ = "indicator_latest"

    indicator_id = sa.Column(sa.Integer, sa.ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    period = sa.Column(sa.String(7), nullable=False)
    #: the value in hundredths (as ``indicator_values.value`` stores it)
    value = sa.Column(sa.BigInteger, nullable=False)


def cents(column):
    return sa.type_coerce(column, sa.BigInteger)


def _money_values(alliance_id):
    """Correlated scalar subqueries for the money columns of the alliance whose id is ``alliance_id``."""
    def total(expr, model, *where):
        return (sa.select(sa.func.coalesce(sa.func.sum(expr), 0)).select_from(model)
                .where(model.alliance_id == alliance_id, *where).scalar_subquery())

    justified = (sa.select(sa.func.coalesce(sa.func.sum(cents(Expense.amount)), 0))
                 .select_from(Expense).join(AccountabilityReport, AccountabilityReport.id == Expense.report_id)
                 .where(Expense.alliance_id == alliance_id, Expense.voided_at.is_(None), Expense.source == "grant",
                        AccountabilityReport.state == "approved").scalar_subquery())
    return {
        "grant_budget": total(cents(BudgetLine.grant), BudgetLine),
        "counterpart_budget": total(cents(BudgetLine.counterpart_cash) + cents(BudgetLine.counterpart_in_kind),
                                    BudgetLine),
        "disbursed": total(sa.func.coalesce(cents(Tranche.disbursed_amount), cents(Tranche.amount)), Tranche,
                           Tranche.state == "disbursed"),
        "justified": justified,
        "counterpart_contributed": (
            total(cents(Expense.amount), Expense, Expense.voided_at.is_(None), Expense.source == "counterpart_cash")
            + total(cents(Contribution.amount), Contribution, Contribution.voided_at.is_(None))),
    }


def _people_values(alliance_id, alliance_state):
    """Correlated scalar subqueries for the people columns (see the module for ``*_first``)."""
    link = sa.orm.aliased(AllianceMember, name="l")
    other = sa.orm.aliased(AllianceMember, name="l2")
    oa = sa.orm.aliased(Alliance, name="a2")
    woman = sa.case((Member.sex == "F", 1), else_=0)
    me_funded = alliance_state.in_(FUNDED)
    other_funded = oa.state.in_(FUNDED)
    # a link of another alliance that ranks before this one for the same member: funded before not funded,
    # then the lower id
    before = (sa.select(sa.literal(1)).select_from(other).join(oa, oa.id == other.alliance_id)
              .where(other.member_id == link.member_id, other.alliance_id != alliance_id,
                     sa.or_(sa.and_(other_funded, ~me_funded),
                            sa.and_(other_funded == me_funded, oa.id < alliance_id)))
              .correlate_except(other, oa))
    first = sa.case((~before.exists(), 1), else_=0)

    def agg(expr):
        return (sa.select(sa.func.coalesce(sa.func.sum(expr), 0)).select_from(link)
                .join(Member, Member.id == link.member_id).where(link.alliance_id == alliance_id)
                .correlate_except(link, Member).scalar_subquery())

    return {"families": agg(sa.literal(1)), "women": agg(woman), "families_first": agg(first),
            "women_first": agg(first * woman)}


def _values():
    return {**_money_values(Alliance.id), **_people_values(Alliance.id, Alliance.state)}


#: the statements of the listeners, built once (building the correlated subqueries took longer than running
#: them on a test's small tables) and reused with the ids as an expanding parameter; a reused statement also
#: keeps its compiled form in SQLAlchemy's cache
IDS = sa.bindparam("ids", expanding=True)
_BUILT = {}


def built(name, build):
    """The statement ``name``, built by ``build()`` the first time."""
    stmt = _BUILT.get(name)
    if stmt is None:
        stmt = _BUILT[name] = build()
    return stmt


def _totals_update(columns, by_ids):
    """UPDATE alliance_totals SET ``columns`` (a tuple of names) from the records, of the rows ``IDS`` (or every
    row)."""
    def build():
        table = AllianceTotals.__table__
        values = {**_money_values(table.c.alliance_id), **_people_values(table.c.alliance_id, _state_of())}
        update = table.update().values({k: values[k] for k in columns})
        return update.where(table.c.alliance_id.in_(IDS)) if by_ids else update
    return built(("totals_update", columns, by_ids), build)


def _totals_missing(by_ids):
    def build():
        table = AllianceTotals.__table__
        existing = sa.select(table.c.alliance_id).where(table.c.alliance_id == Alliance.id)
        missing = sa.select(Alliance.id).where(~existing.exists())
        return missing.where(Alliance.id.in_(IDS)) if by_ids else missing
    return built(("totals_missing", by_ids), build)


def _totals_lock(by_ids):
    def build():
        table = AllianceTotals.__table__
        lock = sa.select(table.c.alliance_id).order_by(table.c.alliance_id).with_for_update()
        return lock.where(table.c.alliance_id.in_(IDS)) if by_ids else lock
    return built(("totals_lock", by_ids), build)


ALL_COLUMNS = MONEY_COLUMNS + PEOPLE_COLUMNS


def refresh_totals(alliance_ids=None, connection=None, columns=None):
    """Recompute the stored totals of ``alliance_ids`` (None: every alliance) in bulk: the missing rows are
    created (and counted whole), then every row is rewritten from the records with one UPDATE ... SELECT.
    ``columns``: only these figures (the listener passes those the flush's records can move); None: all.
    Runs in the caller's transaction; the caller commits."""
    conn = connection if connection is not None else db.session.connection()
    table = AllianceTotals.__table__
    ids = None if alliance_ids is None else sorted(set(alliance_ids))
    if ids is not None and not ids:
        return 0
    columns = ALL_COLUMNS if columns is None else tuple(c for c in ALL_COLUMNS if c in set(columns))
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        params = {} if chunk is None else {"ids": chunk}
        missing = conn.execute(_totals_missing(chunk is not None), params).scalars().all()
        if missing:
            conn.execute(table.insert(), [{"alliance_id": i} for i in missing])
        # lock the rows (PostgreSQL) so that concurrent recomputations of one alliance queue up; the UPDATE
        # that follows is a new statement and so reads what the previous one committed
        if conn.dialect.name == "postgresql":
            conn.execute(_totals_lock(chunk is not None), params)
        if columns:
            conn.execute(_totals_update(columns, chunk is not None), params)
        if missing and columns != ALL_COLUMNS:  # a new row is counted whole
            conn.execute(_totals_update(ALL_COLUMNS, True), {"ids": missing})
    return len(ids) if ids is not None else None


def _state_of():
    table = AllianceTotals.__table__
    return sa.select(Alliance.state).where(Alliance.id == table.c.alliance_id).correlate(table).scalar_subquery()


def _co_member_alliances(conn, alliance_ids, member_ids):
    """The alliances that share a member with ``alliance_ids`` or have one of ``member_ids``: their
    attributed counts may change when a link or a funded state changes."""
    members = set(member_ids)
    if alliance_ids:
        ids = sorted(alliance_ids)
        for i in range(0, len(ids), 500):
            members.update(conn.execute(sa.select(AllianceMember.member_id)
                                        .where(AllianceMember.alliance_id.in_(ids[i:i + 500]))).scalars())
    found = set()
    ms = sorted(members)
    for i in range(0, len(ms), 500):
        found.update(conn.execute(sa.select(AllianceMember.alliance_id).distinct()
                                  .where(AllianceMember.member_id.in_(ms[i:i + 500]))).scalars())
    return found


MONEY_MODELS = (BudgetLine, Tranche, Expense, Contribution, AccountabilityReport)
#: the figures each kind of record can move (a flush recounts only those)
MOVES = {BudgetLine: ("grant_budget", "counterpart_budget"), Tranche: ("disbursed",),
         Expense: ("justified", "counterpart_contributed"), Contribution: ("counterpart_contributed",),
         AccountabilityReport: ("justified",)}


def _state_crossed_funded(alliance):
    hist = sa.inspect(alliance).attrs.state.history
    if not hist.has_changes():
        return False
    before = [s for s in hist.deleted if s is not None]
    after = [s for s in hist.added if s is not None]
    old = before[0] in FUNDED if before else None
    new = after[0] in FUNDED if after else None
    return old != new


def _alliance_ids(obj):
    """The alliance of ``obj`` and, when the flush moved it to another one, the one it left."""
    found = [obj.alliance_id] if obj.alliance_id is not None else []
    return found + [i for i in sa.inspect(obj).attrs.alliance_id.history.deleted if i is not None]


def _changed_alliances(session):
    """({alliance id: the figures its records moved}, alliances whose people moved, members whose links or sex
    moved). A new alliance maps to no figure: its row is created and counted whole."""
    money, people, members = {}, set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, MONEY_MODELS):
            for alliance_id in _alliance_ids(obj):
                money.setdefault(alliance_id, set()).update(MOVES[type(obj)])
        elif isinstance(obj, AllianceMember):
            people.update(_alliance_ids(obj))
            if obj.member_id is not None:
                members.add(obj.member_id)
            members.update(i for i in sa.inspect(obj).attrs.member_id.history.deleted if i is not None)
        elif isinstance(obj, Member):
            if obj in session.dirty and sa.inspect(obj).attrs.sex.history.has_changes() and obj.id is not None:
                members.add(obj.id)
        elif isinstance(obj, Alliance):
            if obj.id is None:
                continue
            if obj in session.new:
                money.setdefault(obj.id, set())
            elif obj in session.dirty and _state_crossed_funded(obj):
                people.add(obj.id)
    return money, people, members


def _days_sql(later, earlier, dialect):
    if dialect == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


def refresh_stays(alliance_ids=None, connection=None):
    """Rebuild the stays of ``alliance_ids`` (None: every alliance) from the audit events (one DELETE and one
    INSERT ... SELECT with LEAD). The caller commits."""
    conn = connection if connection is not None else db.session.connection()
    table = AllianceStay.__table__
    ids = None if alliance_ids is None else sorted(set(alliance_ids))
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    ev = Event.__table__
    for chunk in chunks:
        delete = table.delete()
        where = [ev.c.object_type == "alliance", ev.c.to_state.is_not(None)]
        if chunk is not None:
            delete = delete.where(table.c.alliance_id.in_(chunk))
            where.append(ev.c.object_id.in_(chunk))
        conn.execute(delete)
        inner = (sa.select(ev.c.object_id.label("aid"), ev.c.to_state.label("state"), ev.c.id.label("eid"),
                           ev.c.created_at.label("entered"),
                           sa.func.lead(ev.c.created_at).over(partition_by=ev.c.object_id,
                                                              order_by=(ev.c.created_at, ev.c.id)).label("left"))
                 .where(*where).subquery("ev"))
        days = sa.case((inner.c.left.is_not(None), _days_sql(inner.c.left, inner.c.entered, conn.dialect.name)))
        rows = sa.select(inner.c.aid, inner.c.state, inner.c.eid, inner.c.entered, inner.c.left, days)
        conn.execute(table.insert().from_select(["alliance_id", "state", "event_id", "entered_at", "left_at", "days"],
                                                rows))


def duration_figures(stays, dialect):
    """``(state, stays, mean days, median days)`` per state of ``stays`` (a subquery of ``state``, ``days``
    over ended stays): PERCENTILE_CONT on PostgreSQL, ROW_NUMBER and COUNT for the median on SQLite."""
    if dialect == "postgresql":
        return (sa.select(stays.c.state, sa.func.count(), sa.func.avg(stays.c.days),
                          sa.func.percentile_cont(0.5).within_group(stays.c.days))
                .group_by(stays.c.state))
    ranked = (sa.select(stays.c.state, stays.c.days,
                        sa.func.row_number().over(partition_by=stays.c.state, order_by=stays.c.days).label("rn"),
                        sa.func.count().over(partition_by=stays.c.state).label("n"))
              .subquery("ranked"))
    middle = sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return (sa.select(ranked.c.state, sa.func.max(ranked.c.n), sa.func.avg(ranked.c.days),
                      sa.func.avg(sa.case((middle, ranked.c.days))))
            .group_by(ranked.c.state))


def refresh_durations(states=None, connection=None):
    """Recompute the program's stage durations (``stage_durations``) of ``states`` (None: every state) from
    the ended stays. The missing rows are created (ON CONFLICT DO NOTHING), then locked (PostgreSQL, FOR
    UPDATE in state order) so that two transactions ending stays of one state queue up and the second
    counts what the first committed; then one grouped statement and one UPDATE per state. The caller
    commits."""
    conn = connection if connection is not None else db.session.connection()
    table = StageDuration.__table__
    st = AllianceStay.__table__
    if states is None:
        names = set(conn.execute(sa.select(st.c.state).distinct()).scalars())
        names.update(conn.execute(sa.select(table.c.state)).scalars())
    else:
        names = set(states)
    names = sorted(n for n in names if n)
    if not names:
        return
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    conn.execute(insert(table).values([{"state": n, "stays": 0, "mean_days": 0, "median_days": 0} for n in names])
                 .on_conflict_do_nothing(index_elements=["state"]))
    if dialect == "postgresql":
        conn.execute(sa.select(table.c.state).where(table.c.state.in_(names)).order_by(table.c.state)
                     .with_for_update())
    stays = (sa.select(st.c.state.label("state"), st.c.days.label("days"))
             .where(st.c.days.is_not(None), st.c.state.in_(names)).subquery("stays"))
    found = {state: (n, mean, median) for state, n, mean, median in conn.execute(duration_figures(stays, dialect))}
    for name in names:
        n, mean, median = found.get(name, (0, 0, 0))
        conn.execute(table.update().where(table.c.state == name)
                     .values(stays=int(n or 0), mean_days=float(mean or 0), median_days=float(median or 0)))


def _keep_stays(session, conn):
    """New alliance events with a ``to_state``: close the open stay, open the next (in event order)."""
    events = sorted((obj for obj in session.new if isinstance(obj, Event) and obj.object_type == "alliance"
                     and obj.to_state is not None and obj.object_id is not None),
                    key=lambda e: (e.created_at, e.id))
    table = AllianceStay.__table__
    ended = set()
    for e in events:
        open_stay = table.c.alliance_id == e.object_id, table.c.left_at.is_(None)
        ended.update(conn.execute(sa.select(table.c.state).where(*open_stay)).scalars())
        conn.execute(table.update().where(*open_stay)
                     .values(left_at=e.created_at,
                             days=_days_sql(sa.literal(e.created_at, sa.DateTime), table.c.entered_at,
                                            conn.dialect.name)))
        conn.execute(table.insert().values(alliance_id=e.object_id, state=e.to_state, event_id=e.id,
                                           entered_at=e.created_at))
    return ended


def refresh_latest(alliance_ids=None, connection=None, indicator_ids=None):
    """Rebuild the stored latest values of the indicators of ``alliance_ids`` (or of ``indicator_ids``; both
    None: every indicator) from their values: one DELETE and one INSERT ... SELECT with ROW_NUMBER per chunk.
    On PostgreSQL the indicators are locked first (FOR UPDATE, in id order), so that two transactions adding
    values to one indicator queue up and the second reads what the first committed. The caller commits."""
    conn = connection if connection is not None else db.session.connection()
    table = IndicatorLatest.__table__
    by_indicator = indicator_ids is not None
    given = indicator_ids if by_indicator else alliance_ids
    ids = None if given is None else sorted(set(given))
    if ids is not None and not ids:
        return
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    iv = IndicatorValue.__table__
    mine, theirs = ((table.c.indicator_id, iv.c.indicator_id) if by_indicator
                    else (table.c.alliance_id, iv.c.alliance_id))
    for chunk in chunks:
        if chunk is not None and by_indicator and conn.dialect.name == "postgresql":
            ind = Indicator.__table__
            conn.execute(sa.select(ind.c.id).where(ind.c.id.in_(chunk)).order_by(ind.c.id).with_for_update())
        delete = table.delete()
        where = []
        if chunk is not None:
            delete = delete.where(mine.in_(chunk))
            where.append(theirs.in_(chunk))
        conn.execute(delete)
        ind = Indicator.__table__  # (SQLite keeps a deleted indicator's values: no foreign key enforcement)
        ranked = (sa.select(iv.c.indicator_id, iv.c.alliance_id, iv.c.period, iv.c.value,
                            sa.func.row_number().over(partition_by=iv.c.indicator_id,
                                                      order_by=iv.c.period.desc()).label("rn"))
                  .join(ind, ind.c.id == iv.c.indicator_id).where(*where).subquery("ranked"))
        rows = sa.select(ranked.c.indicator_id, ranked.c.alliance_id, ranked.c.period, ranked.c.value).where(
            ranked.c.rn == 1)
        conn.execute(table.insert().from_select(["indicator_id", "alliance_id", "period", "value"], rows))


def _changed_indicators(session):
    """The indicators whose values were added, changed or deleted in the flush."""
    found = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, IndicatorValue):
            if obj.indicator_id is not None:
                found.add(obj.indicator_id)
            hist = sa.inspect(obj).attrs.indicator_id.history  # a value moved to another indicator
            found.update(i for i in hist.deleted if i is not None)
        elif isinstance(obj, Indicator) and obj in session.deleted and obj.id is not None:
            found.add(obj.id)
    return found


@event.listens_for(Session, "after_flush")
def _keep_totals(session, _flush_context):
    ended = set()
    if any(isinstance(obj, Event) for obj in session.new):
        ended = _keep_stays(session, session.connection())
    gone = [obj.id for obj in session.deleted if isinstance(obj, Alliance) and obj.id is not None]
    if gone:
        # its stays go with it (ON DELETE CASCADE; SQLite does not enforce foreign keys), and the program's
        # durations are counted again
        stays = AllianceStay.__table__
        session.connection().execute(stays.delete().where(stays.c.alliance_id.in_(gone)))
        refresh_durations(connection=session.connection())
    elif ended:
        refresh_durations(ended, connection=session.connection())
    indicators = _changed_indicators(session)
    if indicators:
        refresh_latest(connection=session.connection(), indicator_ids=indicators)
    money, people, members = _changed_alliances(session)
    if not (money or people or members):
        return
    conn = session.connection()
    if people or members:
        people = people | _co_member_alliances(conn, people, members)
    deleted = {obj.id for obj in session.deleted if isinstance(obj, Alliance)}
    figures = {}  # the alliances by the figures to recount: one UPDATE per set of figures
    for alliance_id in (set(money) | people) - deleted:
        moved = money.get(alliance_id, set()) | (set(PEOPLE_COLUMNS) if alliance_id in people else set())
        figures.setdefault(tuple(c for c in ALL_COLUMNS if c in moved), []).append(alliance_id)
    for columns, ids in sorted(figures.items()):
        refresh_totals(ids, connection=conn, columns=columns)
    session.info["_grants_totals_touched"] = (set(money) | people) - deleted  # their cells follow (_keep_cells)
