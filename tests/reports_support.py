"""A small world for the portfolio and portal tests, and the expected figures computed by hand.

Rows are written directly (the stages' own tests check their services); the audit events of the state
changes are written through ``audit.record`` at chosen times, so that the stage durations are known."""
import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from grants import audit
from grants.alliances.budget import BudgetLine, Tranche
from grants.execution.models import AccountabilityReport, Contribution, Expense
from grants.plans.models import Indicator

D = Decimal
T0 = datetime(2025, 1, 6, 9, 0, 0)

#: (state, day entered) per alliance; the last state is where it stays
A1_PATH = [("draft", 0), ("submitted", 2), ("eligible", 5), ("preselected", 9), ("plan_in_preparation", 10),
           ("plan_submitted", 40), ("under_appraisal", 42), ("committee_review", 50), ("approved", 60),
           ("agreement_signed", 61), ("in_execution", 70)]
A2_PATH = [("draft", 0), ("submitted", 1), ("returned", 4), ("submitted", 6), ("eligible", 7), ("preselected", 8),
           ("plan_in_preparation", 12), ("plan_submitted", 30), ("under_appraisal", 31.5), ("committee_review", 33),
           ("approved", 40), ("agreement_signed", 100)]
A3_PATH = [("draft", 0)]


def expected_durations(*paths):
    stays = {}
    for path in paths:
        for (state, start), (_next, end) in zip(path, path[1:]):
            stays.setdefault(state, []).append(end - start)
    return {s: (len(v), round(statistics.median(v), 1), round(statistics.mean(v), 1)) for s, v in stays.items()}


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def _line(alliance, position, grant, cash, in_kind, other="0.00", category="equipment"):
    total = D(grant) + D(cash) + D(in_kind) + D(other)
    line = BudgetLine(alliance_id=alliance.id, position=position, category=category, description=f"Línea {position}",
                      unit="global", quantity=D("1"), unit_cost=total, total=total, grant=D(grant),
                      counterpart_cash=D(cash), counterpart_in_kind=D(in_kind), other=D(other))
    return line


def _walk(db, clock, alliance, path, actor):
    for (prev, _d), (state, day) in zip(path, path[1:]):
        clock.now = T0 + timedelta(days=day)
        audit.record("alliance", alliance.id, "move", actor, from_state=prev, to_state=state, alliance_id=alliance.id)
    alliance.state = path[-1][0]
    db.session.flush()


@pytest.fixture
def world(db, monkeypatch, make_alliance, association, other_association, board, other_board, admin):
    """A1 (La Paz, in execution, 20 families), A2 (Potosí, agreement signed, all 22 families),
    A3 (La Paz, draft, 10 families, product Quinua): budgets, tranches, reports, expenses, contributions,
    indicators with values and dated state changes."""
    from grants.monitoring.models import IndicatorValue

    clock = Clock()
    monkeypatch.setattr("grants.audit.services.utcnow", clock)
    a1 = make_alliance(association, families=20)
    a2 = make_alliance(other_association, actor=other_board)
    a3 = make_alliance(association, families=10, product="Quinua", title="Quinua real")
    for alliance, path in ((a1, A1_PATH), (a2, A2_PATH), (a3, A3_PATH)):
        _walk(db, clock, alliance, path, admin)

    l1 = _line(a1, 1, "100000.00", "20000.00", "15000.00")
    l2 = _line(a1, 2, "40000.00", "5000.00", "10000.00", "2500.00")
    l3 = _line(a2, 1, "80000.00", "10000.00", "25000.00")
    l4 = _line(a3, 1, "50000.00", "15000.00", "7000.00")  # a draft: not committed
    db.session.add_all([l1, l2, l3, l4])
    db.session.flush()
    db.session.add_all([
        Tranche(alliance_id=a1.id, number=1, amount=D("70000.00"), planned_on=date(2025, 4, 1), state="disbursed",
                disbursed_amount=D("70000.00"), disbursed_on=date(2025, 4, 3), disbursement_reference="TRF-1"),
        Tranche(alliance_id=a1.id, number=2, amount=D("70000.00"), planned_on=date(2025, 9, 1), state="approved"),
        Tranche(alliance_id=a2.id, number=1, amount=D("40000.00"), planned_on=date(2025, 5, 1), state="disbursed",
                disbursed_amount=D("39999.99"), disbursed_on=date(2025, 5, 2), disbursement_reference="TRF-2"),
        Tranche(alliance_id=a2.id, number=2, amount=D("40000.00"), planned_on=date(2025, 10, 1), state="planned"),
    ])
    approved = AccountabilityReport(alliance_id=a1.id, period_start=date(2025, 4, 1), period_end=date(2025, 6, 30),
                                    state="approved")
    submitted = AccountabilityReport(alliance_id=a1.id, period_start=date(2025, 7, 1), period_end=date(2025, 9, 30),
                                     state="submitted")
    db.session.add_all([approved, submitted])
    db.session.flush()

    def expense(amount, source="grant", report=None, voided=False):
        return Expense(alliance_id=a1.id, budget_line_id=l1.id, spent_on=date(2025, 5, 1), amount=D(amount),
                       source=source, supplier="Proveedor S.R.L.", document_type="invoice",
                       document_number=f"F-{amount}-{source}-{voided}", report_id=report and report.id,
                       voided_at=T0 if voided else None)

    db.session.add_all([
        expense("30000.00", report=approved), expense("12000.50", report=approved),
        expense("5000.00", report=submitted), expense("3000.00", report=approved, voided=True),
        expense("777.00"),  # not yet in a report
        expense("4000.00", source="counterpart_cash", report=approved),
        Contribution(alliance_id=a1.id, kind="cash", description="Aporte en efectivo", amount=D("2500.00"),
                     contributed_on=date(2025, 5, 2)),
        Contribution(alliance_id=a1.id, kind="in_kind", in_kind_type="labour", description="Jornales",
                     amount=D("6000.00"), contributed_on=date(2025, 5, 3)),
        Contribution(alliance_id=a1.id, kind="cash", description="Anulado", amount=D("1000.00"),
                     contributed_on=date(2025, 5, 4), voided_at=T0),
    ])

    def indicator(alliance, code, baseline, target, standard=True, position=0):
        ind = Indicator(alliance_id=alliance.id, code=code, name=code, unit="u", baseline=D(baseline),
                        target=D(target), standard=standard, position=position)
        db.session.add(ind)
        db.session.flush()
        return ind

    inc1 = indicator(a1, "net_income_per_family", "1000.00", "2000.00")
    vol1 = indicator(a1, "sales_volume", "10.00", "20.00", position=1)
    cus1 = indicator(a1, "merma_leche", "5.00", "3.00", standard=False, position=2)  # downwards
    indicator(a2, "net_income_per_family", "800.00", "1600.00")
    indicator(a3, "net_income_per_family", "500.00", "900.00")
    db.session.add_all([
        IndicatorValue(alliance_id=a1.id, indicator_id=inc1.id, period="2025-01", value=D("1500.00")),
        IndicatorValue(alliance_id=a1.id, indicator_id=inc1.id, period="2025-12", value=D("2100.00")),
        IndicatorValue(alliance_id=a1.id, indicator_id=vol1.id, period="2025-06", value=D("15.00")),
        IndicatorValue(alliance_id=a1.id, indicator_id=cus1.id, period="2025-06", value=D("2.00")),
    ])
    db.session.commit()
    return {"a1": a1, "a2": a2, "a3": a3}


def members_of(alliance):
    return [link.member for link in alliance.member_links]


def expected(world, keys=("a1", "a2", "a3")):
    """The figures computed by hand from what ``world`` wrote (not through the code under test)."""
    funded = {"a1", "a2"}
    out = {"alliances": len(keys), "committed": D(0), "disbursed": D(0), "justified": D(0),
           "counterpart_planned": D(0), "counterpart_contributed": D(0)}
    grant = {"a1": D("140000.00"), "a2": D("80000.00")}
    counterpart = {"a1": D("50000.00"), "a2": D("35000.00")}
    disbursed = {"a1": D("70000.00"), "a2": D("39999.99")}
    justified = {"a1": D("42000.50")}
    contributed = {"a1": D("4000.00") + D("2500.00") + D("6000.00")}
    for k in keys:
        if k in funded:
            out["committed"] += grant[k]
            out["counterpart_planned"] += counterpart[k]
        out["disbursed"] += disbursed.get(k, D(0))
        out["justified"] += justified.get(k, D(0))
        out["counterpart_contributed"] += contributed.get(k, D(0))
    fams = {m.id: m for k in keys for m in members_of(world[k])}
    reached = {m.id: m for k in keys if k in funded for m in members_of(world[k])}
    out["families"] = len(fams)
    out["women"] = sum(m.sex == "F" for m in fams.values())
    out["families_reached"] = len(reached)
    out["women_reached"] = sum(m.sex == "F" for m in reached.values())
    return out
