"""The shape options of ``seed_scale`` (issue 12): members per association, expenses per alliance that reached
execution, the national profile, and the money rules and the audit chain of the bulk-written data."""
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants import demo
from grants.alliances import ledger
from grants.alliances.budget import BudgetLine
from grants.alliances.models import Alliance
from grants.associations.models import Association, Member
from grants.audit import verify_chain
from grants.audit.models import Event
from grants.demo.scale import PROFILES, resolve_profile
from grants.demo.scale_details import EXECUTING
from grants.execution.expenses import available, grant_spent
from grants.execution.models import AccountabilityReport, Expense

pytestmark = pytest.mark.committing


def _scalar(db, stmt):
    return db.session.execute(stmt).scalar()


def _check_shape(db, members, expenses, tolerance):
    """Members per association within ± 5 of ``members``; the mean expenses per alliance in execution within
    ``tolerance`` of ``expenses``; every money rule of the execution stage holds; the trail verifies."""
    sizes = db.session.execute(sa.select(sa.func.count(Member.id)).join(Association)
                               .where(Association.name.like("Asociación de Productores%"))
                               .group_by(Association.id)).scalars().all()
    assert sizes and all(members - 5 <= s <= members + 5 for s in sizes), sizes
    alliances = db.session.execute(sa.select(Alliance).where(Alliance.code.like("ESCALA-%"))).scalars().all()
    executing = [a for a in alliances if a.state in EXECUTING]
    assert executing
    per = Counter(db.session.execute(sa.select(Expense.alliance_id)).scalars())
    assert set(per) <= {a.id for a in executing}  # no expense before execution
    mean = sum(per.values()) / len(executing)
    assert abs(mean - expenses) <= tolerance * expenses, (mean, expenses)
    for a in executing:
        # the execution stage's own rules: grant spent <= grant received, no line overspent by source
        assert grant_spent(a.id) <= ledger.disbursed(a), a.code
        for line in db.session.execute(sa.select(BudgetLine).where(BudgetLine.alliance_id == a.id)).scalars():
            assert available(line, "grant") >= 0 and available(line, "counterpart_cash") >= 0, a.code
    # each expense sits in a report of its own alliance, and amounts are positive cents
    assert _scalar(db, sa.select(sa.func.count()).select_from(Expense).join(
        AccountabilityReport, AccountabilityReport.id == Expense.report_id)
        .where(AccountabilityReport.alliance_id == Expense.alliance_id)) == sum(per.values())
    assert _scalar(db, sa.select(sa.func.min(Expense.amount))) >= Decimal("0.01")
    count, broken = verify_chain()
    assert broken is None and count == _scalar(db, sa.select(sa.func.count()).select_from(Event))


def test_members_and_expenses_options_give_the_shape(db, admin):
    counts = demo.seed_scale(36, members=70, details=True, expenses=60)
    db.session.commit()
    assert counts["alliances"] == 36 and counts["associations"] == 12
    assert 12 * 65 <= counts["members"] <= 12 * 75
    _check_shape(db, 70, 60, 0.3)
    assert counts["expenses"] == _scalar(db, sa.select(sa.func.count()).select_from(Expense))


def test_no_expenses_when_asked_for_none(db, admin):
    counts = demo.seed_scale(9, members=25, details=True, expenses=0)
    db.session.commit()
    assert counts["expenses"] == 0 and counts["accountability_reports"] > 0
    assert verify_chain()[1] is None


def test_profiles():
    assert resolve_profile() == (10000, 120, 343)  # no size option: the national program
    assert resolve_profile(alliances=50) == (50, 40, 12)  # --alliances N alone: the benchmark shape, as before
    assert resolve_profile("national", alliances=50) == (50, 120, 343)
    assert resolve_profile(members=10, expenses=3) == (1000, 10, 3)
    with pytest.raises(ValueError):
        resolve_profile("regional")
    n, m, e = PROFILES["national"].values()
    # the national shape: about 400,000 members and 1,000,000 expenses (7 of 8 alliances of a call reach
    # execution, one call in three is that far)
    assert 390_000 <= -(-n // 3) * m <= 410_000
    assert 950_000 <= n / 3 * 7 / 8 * e <= 1_050_000


def test_command_options(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grants", "seed-scale", "--alliances", "12", "--members", "45",
                                 "--expenses", "40"])
    assert result.exit_code == 0, result.output
    assert "Seeded 12 alliances" in result.output
    assert _scalar(db, sa.select(sa.func.count()).select_from(Alliance)) == 12
    _check_shape(db, 45, 40, 0.5)
    result = runner.invoke(args=["grants", "seed-scale", "--profile", "national", "--alliances", "3"])
    assert result.exit_code == 0, result.output
    sizes = db.session.execute(sa.select(sa.func.count(Member.id)).group_by(Member.association_id)).scalars().all()
    assert sorted(sizes)[-1] >= 115  # the national shape: 120 members per association
    bad = runner.invoke(args=["grants", "seed-scale", "--members", "0"])
    assert bad.exit_code == 2 and "--members" in bad.output
