"""The portfolio's stored cells (``portfolio_cells``, ``portfolio_indicator_cells``, issue 12) equal a recount:
kept in the same transaction by the changes (rows through the ORM, the stages' services, state changes, an
alliance moved to another call or product, a region renamed, indicators and their values, an alliance deleted),
after ``seed_scale`` and after a rebuild from scratch; and the portfolio built from them equals the portfolio
counted over the alliances, for every grouping, an officer and the filters."""
from decimal import Decimal

import sqlalchemy as sa

from grants import demo
from grants.alliances.models import Alliance
from grants.associations.models import Association
from grants.execution import expenses
from grants.execution.models import Expense
from grants.monitoring.models import IndicatorValue
from grants.plans.models import Indicator
from grants.reports import filters, portfolio as pf
from grants.reports.cells import (AllianceCell, PortfolioCell, PortfolioIndicatorCell, _cell_figures,
                                   _current_cells, _indicator_figures, refresh_cells)
from tests.reports_support import world  # noqa: F401


def _stored(model, key_len):
    rows = pf.db.session.execute(sa.select(model).execution_options(populate_existing=True)).scalars().all()
    cols = [c.name for c in model.__table__.columns]
    return {tuple(getattr(r, c) for c in cols[:key_len]): tuple(getattr(r, c) for c in cols[key_len:])
            for r in rows if getattr(r, cols[key_len])}  # an emptied cell stays with zeros


def check_cells(db):
    """Stored cells == the same figures counted now from the alliances (their cell as it is now)."""
    db.session.flush()
    assert _cells_by_alliance() == _now_by_alliance()
    expected = {tuple(r[:4]): tuple(int(v) for v in r[4:]) for r in db.session.execute(_cell_figures()).all()}
    assert _stored(PortfolioCell, 4) == {k: v for k, v in expected.items() if v[0]}
    expected = {tuple(r[:6]): tuple(int(v or 0) for v in r[6:]) for r in db.session.execute(_indicator_figures()).all()}
    assert _stored(PortfolioIndicatorCell, 6) == {k: v for k, v in expected.items() if v[0]}


def _cells_by_alliance():
    return sorted(pf.db.session.execute(sa.select(AllianceCell.alliance_id, AllianceCell.region, AllianceCell.call_id,
                                                  AllianceCell.product, AllianceCell.state)).all())


def _now_by_alliance():
    return sorted(tuple(r) for r in pf.db.session.execute(_current_cells()).all())


def same_portfolio(user, f=filters.Filters()):
    for group in filters.GROUPS:
        stored, counted = pf.build(user, f, group), pf.build(user, f, group, stored=False)
        for p in (stored, counted):
            p.computed_at = None
        assert stored == counted, (group, f)


def test_cells_follow_the_changes(db, world, admin, make_user):
    assert _cells_by_alliance() == _now_by_alliance()
    check_cells(db)
    officer = make_user(roles=["officer"], regions=["La Paz"])
    same_portfolio(admin)
    same_portfolio(officer)
    same_portfolio(admin, filters.Filters(region="La Paz"))
    same_portfolio(admin, filters.Filters(state="in_execution", year=world["a1"].call.opens_at.year))
    a1, a2, a3 = world["a1"], world["a2"], world["a3"]
    # money through a service, a state change, a product renamed, a region renamed
    expense = db.session.execute(sa.select(Expense).where(Expense.alliance_id == a1.id, Expense.report_id.is_(None),
                                                          Expense.voided_at.is_(None))).scalars().first()
    if expense is not None:
        expenses.void_expense(expense, admin, "Registrado dos veces")
    a3.state = "agreement_signed"
    a2.product = "Café especial"
    db.session.flush()
    assert _cells_by_alliance() == _now_by_alliance()
    check_cells(db)
    association = db.session.get(Association, a1.association_id)
    association.region = "Oruro"
    db.session.flush()
    assert _cells_by_alliance() == _now_by_alliance()
    check_cells(db)
    same_portfolio(admin)
    # indicators: a new one, a value, a target changed, one deleted
    ind = Indicator(alliance_id=a2.id, code="sales_volume", name="Ventas", unit="t", standard=True,
                    baseline=Decimal("1.00"), target=Decimal("5.00"), position=9)
    db.session.add(ind)
    db.session.flush()
    db.session.add(IndicatorValue(alliance_id=a2.id, indicator_id=ind.id, period="2025-06", value=Decimal("6.00")))
    db.session.flush()
    check_cells(db)
    ind.target = Decimal("9.00")
    db.session.flush()
    check_cells(db)
    same_portfolio(admin)
    db.session.delete(ind)
    db.session.flush()
    check_cells(db)
    # an alliance deleted: its cell is counted again without it
    db.session.delete(db.session.get(Alliance, a3.id))
    db.session.flush()
    assert _cells_by_alliance() == _now_by_alliance()
    check_cells(db)
    same_portfolio(admin)
    same_portfolio(officer)


def test_cells_after_seed_scale_and_a_rebuild(db, admin):
    demo.seed_scale(45, members=12, details=True, expenses=4)
    db.session.flush()
    assert _cells_by_alliance() == _now_by_alliance()
    check_cells(db)
    same_portfolio(admin)
    same_portfolio(admin, filters.Filters(product=db.session.execute(sa.select(Alliance.product)).scalars().first()))
    before = (_stored(PortfolioCell, 4), _stored(PortfolioIndicatorCell, 6))
    assert before[0] and before[1]
    db.session.execute(sa.delete(PortfolioCell))
    refresh_cells()
    assert (_stored(PortfolioCell, 4), _stored(PortfolioIndicatorCell, 6)) == before


def test_an_indicator_moved_to_another_alliance_recounts_both_cells(db, world):
    """The cell of the alliance an indicator leaves is counted again (it used to keep the indicator)."""
    a1, a3 = world["a1"], world["a3"]
    check_cells(db)
    assert _cells_by_alliance() and (a1.product, a1.state) != (a3.product, a3.state)
    moved = db.session.execute(sa.select(Indicator).where(Indicator.alliance_id == a1.id,
                                                          Indicator.code == "sales_volume")).scalar_one()
    moved.alliance_id = a3.id
    db.session.flush()
    check_cells(db)
