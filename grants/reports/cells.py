"""The portfolio's cells (issue 12: the admin's portfolio without recounting the program). A cell is one region,
call, product and state; ``portfolio_cells`` sums the stored totals (``alliance_totals``, see totals.py) of its
alliances and ``portfolio_indicator_cells`` their indicators, so that every filter and grouping of the portfolio
adds up a few hundred rows. Kept by an ``after_flush`` listener in the transaction of the change, registered
after the totals' own (this module imports totals.py), so that it reads the totals the flush has just moved;
``refresh_cells()`` rebuilds them (bulk inserts, the migration)."""
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.sql.sqltypes import TupleType

from ..alliances.models import Alliance, AllianceMember
from ..associations.models import Association, Member
from ..extensions import db
from ..monitoring.models import IndicatorValue
from ..plans.models import Indicator
from .totals import IDS, MONEY_MODELS, AllianceTotals, IndicatorLatest, _changed_indicators, built, cents

#: what a cell is: every filter and grouping of the portfolio is one of these, or follows from the call
#: (its program, currency and year)
CELL = ("region", "call_id", "product", "state")


class AllianceCell(db.Model):
    """The cell an alliance is counted in (its association's region, its call, product and state), as last
    counted: when one of them changes, the old cell and the new one are both recomputed."""

    __tablename__ = "alliance_cells"
    __table_args__ = (sa.Index("ix_alliance_cells_cell", *CELL),)

    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True)
    region = sa.Column(sa.String(80), nullable=False)
    call_id = sa.Column(sa.Integer, nullable=False)
    product = sa.Column(sa.String(120), nullable=False)
    state = sa.Column(sa.String(30), nullable=False)


class PortfolioCell(db.Model):
    """The alliances of one cell and the sums of their stored totals (``alliance_totals``): the portfolio of
    any user, filters and grouping adds up these few hundred rows instead of joining every alliance. Kept by
    the ``after_flush`` listener in the transaction of the change; ``refresh_cells()`` rebuilds them. A cell
    left empty stays with zeros (the readers skip it)."""

    __tablename__ = "portfolio_cells"

    region = sa.Column(sa.String(80), primary_key=True)
    call_id = sa.Column(sa.Integer, primary_key=True)
    product = sa.Column(sa.String(120), primary_key=True)
    state = sa.Column(sa.String(30), primary_key=True)
    alliances = sa.Column(sa.Integer, nullable=False, default=0)
    grant_budget = sa.Column(sa.BigInteger, nullable=False, default=0)
    counterpart_budget = sa.Column(sa.BigInteger, nullable=False, default=0)
    disbursed = sa.Column(sa.BigInteger, nullable=False, default=0)
    justified = sa.Column(sa.BigInteger, nullable=False, default=0)
    counterpart_contributed = sa.Column(sa.BigInteger, nullable=False, default=0)
    families_first = sa.Column(sa.Integer, nullable=False, default=0)
    women_first = sa.Column(sa.Integer, nullable=False, default=0)


class PortfolioIndicatorCell(db.Model):
    """The indicators of one cell with one code (custom indicators keep their own code): how many, the sums
    and counts of their baselines, targets and latest values, how many are measured and on target."""

    __tablename__ = "portfolio_indicator_cells"

    region = sa.Column(sa.String(80), primary_key=True)
    call_id = sa.Column(sa.Integer, primary_key=True)
    product = sa.Column(sa.String(120), primary_key=True)
    state = sa.Column(sa.String(30), primary_key=True)
    standard = sa.Column(sa.Boolean, primary_key=True)
    code = sa.Column(sa.String(60), primary_key=True)
    indicators = sa.Column(sa.Integer, nullable=False, default=0)
    baselines = sa.Column(sa.Integer, nullable=False, default=0)
    baseline_sum = sa.Column(sa.BigInteger, nullable=False, default=0)
    targets = sa.Column(sa.Integer, nullable=False, default=0)
    target_sum = sa.Column(sa.BigInteger, nullable=False, default=0)
    actuals = sa.Column(sa.Integer, nullable=False, default=0)
    actual_sum = sa.Column(sa.BigInteger, nullable=False, default=0)
    measured = sa.Column(sa.Integer, nullable=False, default=0)
    on_target = sa.Column(sa.Integer, nullable=False, default=0)


CELL_MONEY = ("grant_budget", "counterpart_budget", "disbursed", "justified", "counterpart_contributed",
              "families_first", "women_first")
INDICATOR_FIGURES = ("indicators", "baselines", "baseline_sum", "targets", "target_sum", "actuals", "actual_sum",
                     "measured", "on_target")


def _current_cells():
    """``alliance_id, region, call_id, product, state`` of every alliance as it is now."""
    return (sa.select(Alliance.id, Association.region, Alliance.call_id, Alliance.product, Alliance.state)
            .join(Association, Association.id == Alliance.association_id))


def _chunks(values, size=500):
    values = sorted(values)
    return [values[i:i + size] for i in range(0, len(values), size)]


def _cell_figures(keys=None):
    """The figures of the cells ``keys`` (None: every cell) counted from ``alliance_cells`` and
    ``alliance_totals``: ``region, call_id, product, state, alliances, *CELL_MONEY``."""
    ac, t = AllianceCell.__table__, AllianceTotals.__table__
    cell = [ac.c[k] for k in CELL]
    q = (sa.select(*cell, sa.func.count(), *[sa.func.coalesce(sa.func.sum(t.c[k]), 0) for k in CELL_MONEY])
         .select_from(ac).outerjoin(t, t.c.alliance_id == ac.c.alliance_id).group_by(*cell))
    return q if keys is None else q.where(sa.tuple_(*cell).in_(keys))


def _indicator_figures(keys=None):
    """The indicator figures of the cells ``keys`` (None: every cell), per standard and code, from the
    indicators and their stored latest values: ``region, call_id, product, state, standard, code,
    *INDICATOR_FIGURES``."""
    ac, ind, latest = AllianceCell.__table__, Indicator.__table__, IndicatorLatest.__table__
    cell = [ac.c[k] for k in CELL]
    base, target, value = cents(ind.c.baseline), cents(ind.c.target), latest.c.value
    down = sa.and_(base.is_not(None), target < base)
    on_target = sa.case((sa.and_(value.is_not(None), target.is_not(None),
                                 sa.or_(sa.and_(down, value <= target), sa.and_(~down, value >= target))), 1), else_=0)
    q = (sa.select(*cell, ind.c.standard, ind.c.code, sa.func.count(), sa.func.count(base),
                   sa.func.coalesce(sa.func.sum(base), 0), sa.func.count(target), sa.func.coalesce(sa.func.sum(target), 0),
                   sa.func.count(value), sa.func.coalesce(sa.func.sum(value), 0),
                   sa.func.sum(sa.case((sa.and_(value.is_not(None), target.is_not(None)), 1), else_=0)),
                   sa.func.sum(on_target))
         .select_from(ac).join(ind, ind.c.alliance_id == ac.c.alliance_id)
         .outerjoin(latest, latest.c.indicator_id == ind.c.id).group_by(*cell, ind.c.standard, ind.c.code))
    return q if keys is None else q.where(sa.tuple_(*cell).in_(keys))


KEYS = sa.bindparam("keys", expanding=True, type_=TupleType(sa.String(80), sa.Integer(), sa.String(120),
                                                            sa.String(30)))


def _in_keys(table):
    return sa.tuple_(*[table.c[k] for k in CELL]).in_(KEYS)


def _statements():
    """The listener's statements, built once (see totals.built): the cells of alliances ``IDS``, and the
    recount of the cells ``KEYS``."""
    ac, pc, ic = AllianceCell.__table__, PortfolioCell.__table__, PortfolioIndicatorCell.__table__
    cell = [ac.c[k] for k in CELL]
    return {
        "cells_of": sa.select(*cell).where(ac.c.alliance_id.in_(IDS)),
        "cells_delete": ac.delete().where(ac.c.alliance_id.in_(IDS)),
        "cells_insert": ac.insert().from_select(["alliance_id", *CELL], _current_cells().where(Alliance.id.in_(IDS))),
        "lock": sa.select(*[pc.c[k] for k in CELL]).where(_in_keys(pc)).order_by(*[pc.c[k] for k in CELL])
        .with_for_update(),
        "pc_delete": pc.delete().where(_in_keys(pc)),
        "pc_insert": pc.insert().from_select([*CELL, "alliances", *CELL_MONEY], _cell_figures(KEYS)),
        "ic_delete": ic.delete().where(_in_keys(ic)),
        "ic_insert": ic.insert().from_select([*CELL, "standard", "code", *INDICATOR_FIGURES], _indicator_figures(KEYS)),
    }


def _stmt(name):
    return built("cells", _statements)[name]


def _cells_of(conn, alliance_ids):
    keys = set()
    for chunk in _chunks(alliance_ids):
        keys.update(tuple(k) for k in conn.execute(_stmt("cells_of"), {"ids": chunk}))
    return keys


def refresh_cells(alliance_ids=None, connection=None, extra_keys=(), money_ids=(), indicator_ids=()):
    """Recount the portfolio's cells of ``alliance_ids`` (None: every cell, from scratch): each alliance's
    ``alliance_cells`` row is rewritten; its old and new cells (and ``extra_keys``, the cells of alliances
    deleted in the flush) are recounted from ``alliance_totals``, the indicators and their latest values.
    ``money_ids``: alliances whose cell did not move but whose totals did (only their ``portfolio_cells``
    are recounted); ``indicator_ids``: the same for indicators (only ``portfolio_indicator_cells``).
    On PostgreSQL the cells' rows are created first (ON CONFLICT DO NOTHING) and locked in key order (FOR
    UPDATE), so that two transactions changing one cell queue up and the second counts what the first
    committed; then one DELETE and one INSERT ... SELECT per table (the statements are built once). Runs in
    the caller's transaction."""
    conn = connection if connection is not None else db.session.connection()
    ac, pc, ic = AllianceCell.__table__, PortfolioCell.__table__, PortfolioIndicatorCell.__table__
    cols = ["alliance_id", *CELL]
    if alliance_ids is None:
        for table in (ic, pc, ac):
            conn.execute(table.delete())
        conn.execute(ac.insert().from_select(cols, _current_cells()))
        conn.execute(pc.insert().from_select([*CELL, "alliances", *CELL_MONEY], _cell_figures()))
        conn.execute(ic.insert().from_select([*CELL, "standard", "code", *INDICATOR_FIGURES], _indicator_figures()))
        return
    keys = {tuple(k) for k in extra_keys}
    keys.update(_cells_of(conn, alliance_ids))
    for chunk in _chunks(set(alliance_ids)):
        conn.execute(_stmt("cells_delete"), {"ids": chunk})
        conn.execute(_stmt("cells_insert"), {"ids": chunk})
    keys.update(_cells_of(conn, alliance_ids))
    money_keys = _cells_of(conn, set(money_ids) - set(alliance_ids)) - keys
    indicator_keys = _cells_of(conn, set(indicator_ids) - set(alliance_ids)) - keys
    # the cells whose both tables are recounted, then those of only one of them
    for part_keys, tables in ((keys, ("pc", "ic")), (money_keys - indicator_keys, ("pc",)),
                              (indicator_keys - money_keys, ("ic",)), (money_keys & indicator_keys, ("pc", "ic"))):
        ordered = sorted(part_keys)
        for i in range(0, len(ordered), 200):
            _recount(conn, ordered[i:i + 200], tables)


def _recount(conn, part, tables):
    """Recount the cells ``part`` (a sorted list of keys) in ``tables`` ("pc": portfolio_cells, "ic": the
    indicator cells)."""
    params = {"keys": part}
    if conn.dialect.name == "postgresql":  # (SQLite: the transaction holds the database's write lock already)
        pc = PortfolioCell.__table__
        conn.execute(postgresql.insert(pc).values([dict(zip(CELL, k)) | {"alliances": 0, **dict.fromkeys(CELL_MONEY, 0)}
                                                   for k in part]).on_conflict_do_nothing(index_elements=list(CELL)))
        conn.execute(_stmt("lock"), params)
    for table in tables:
        conn.execute(_stmt(f"{table}_delete"), params)
        conn.execute(_stmt(f"{table}_insert"), params)


def _cell_changes(session, conn, touched, indicators):
    """The alliances whose cell moved (or was counted for the first time), the alliances whose indicators
    moved, the cells of the alliances the flush deleted, and those alliances."""
    ids = set()
    indicator_ids = set()
    deleted_keys = set()
    regions = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Alliance) and obj.id is not None:
            if obj in session.deleted:
                region = conn.execute(sa.select(Association.region)
                                      .where(Association.id == obj.association_id)).scalar()
                deleted_keys.add((region, obj.call_id, obj.product, obj.state))
                continue
            attrs = sa.inspect(obj).attrs
            if obj in session.new or any(attrs[k].history.has_changes()
                                         for k in ("state", "product", "call_id", "association_id")):
                ids.add(obj.id)
        elif isinstance(obj, Association) and obj in session.dirty and obj.id is not None:
            if sa.inspect(obj).attrs.region.history.has_changes():
                regions.append(obj.id)
        elif isinstance(obj, Indicator):
            # its alliance, and the one it left when the flush moved it
            if obj.alliance_id is not None:
                indicator_ids.add(obj.alliance_id)
            indicator_ids.update(i for i in sa.inspect(obj).attrs.alliance_id.history.deleted if i is not None)
    if regions:
        ids.update(conn.execute(sa.select(Alliance.id).where(Alliance.association_id.in_(regions))).scalars())
    if indicators:
        ind = Indicator.__table__
        for chunk in _chunks(indicators):
            indicator_ids.update(conn.execute(sa.select(ind.c.alliance_id).where(ind.c.id.in_(chunk))).scalars())
    gone = {obj.id for obj in session.deleted if isinstance(obj, Alliance)}
    return ids - gone, set(touched) - gone, indicator_ids - gone, deleted_keys, gone


@event.listens_for(Session, "after_flush")
def _keep_cells(session, _flush_context):
    """After ``_keep_totals`` (registered before it): the cells of what the flush moved."""
    if not any(isinstance(obj, (Alliance, Association, Indicator, IndicatorValue, *MONEY_MODELS, AllianceMember,
                                Member)) for obj in (*session.new, *session.dirty, *session.deleted)):
        return
    conn = session.connection()
    touched = session.info.pop("_grants_totals_touched", set())
    ids, money_ids, indicator_ids, deleted_keys, gone = _cell_changes(session, conn, touched,
                                                                      _changed_indicators(session))
    if gone:
        ac = AllianceCell.__table__
        conn.execute(ac.delete().where(ac.c.alliance_id.in_(sorted(gone))))
    if ids or deleted_keys or money_ids or indicator_ids:
        refresh_cells(ids, connection=conn, extra_keys=deleted_keys, money_ids=money_ids,
                      indicator_ids=indicator_ids)
