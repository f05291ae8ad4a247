"""Scale data with the lifecycle (``seed_scale(..., details=True)``): the trail still verifies, every
stage has rows, and the portfolio's aggregate statements agree with the ledger alliance by alliance."""
from collections import Counter
from decimal import Decimal

import sqlalchemy as sa

from grants import demo
from grants.alliances import ledger
from grants.alliances.budget import BudgetLine, Tranche
from grants.alliances.models import Alliance
from grants.audit import verify_chain
from grants.execution.models import Expense
from grants.reports import filters, portfolio as pf
from grants.workflows.alliance import FUNDED


def test_scale_details_and_portfolio_agree_with_the_ledger(db, admin):
    counts = demo.seed_scale(30, members=30, details=True)
    db.session.commit()
    assert counts["events"] >= 30 and counts["tranches"] and counts["expenses"] and counts["indicator_values"]
    alliances = db.session.execute(sa.select(Alliance)).scalars().all()
    states = Counter(a.state for a in alliances)
    assert len(states) >= 12 and states["in_execution"]  # the lifecycle is covered
    p = pf.build(admin, filters.Filters(), "call")
    t = p.totals["BOB"]
    assert t.alliances == 30 and sum(p.by_state.values()) == 30
    assert t.disbursed == sum(ledger.disbursed(a) for a in alliances) > 0
    assert t.justified == sum(ledger.justified(a) for a in alliances) > 0
    assert t.counterpart_contributed == sum(ledger.counterpart_contributed(a) for a in alliances) > 0
    committed = db.session.execute(sa.select(BudgetLine).join(Alliance).where(Alliance.state.in_(FUNDED))
                                   ).scalars().all()
    assert t.committed == sum((line.grant for line in committed), Decimal("0.00"))
    # each alliance's events lead from draft to its current state
    stays = sum(d.stays for d in p.durations)
    assert stays == counts["events"] - 30  # every event but the last of each alliance ends a stay
    assert all(d.median_days > 0 for d in p.durations)
    assert p.indicator_totals["measured"] > 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Tranche)).scalar() == counts["tranches"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Expense)).scalar() == counts["expenses"]
    assert verify_chain()[1] is None  # last: it detaches the session's objects


def test_seed_scale_command_seeds_the_lifecycle(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grants", "seed-scale", "--alliances", "6"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(BudgetLine)).scalar() > 0
    assert verify_chain()[1] is None
