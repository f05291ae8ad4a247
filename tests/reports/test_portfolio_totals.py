"""The stored totals (``alliance_totals``) equal a recount of the records, alliance by alliance and for the
portfolio's figures: after rows written through the ORM (the portfolio's small world), after the stages'
services (voiding an expense and a contribution, a member's sex corrected, a state change into a funded
state, a member link removed) and after the bulk ``seed_scale``."""
from decimal import Decimal

import sqlalchemy as sa

from grants import demo
from grants.alliances.budget import BudgetLine
from grants.alliances.models import Alliance, AllianceMember
from grants.associations.models import Member
from grants.execution import contributions, expenses
from grants.execution.models import Contribution, Expense
from grants.programs.models import Program
from grants.reports import filters, portfolio as pf
from grants.monitoring import services as monitoring
from grants.monitoring.models import IndicatorValue
from grants.plans.models import Indicator
from grants.audit import services as audit
from grants.reports.totals import (AllianceStay, AllianceTotals, IndicatorLatest, StageDuration, refresh_durations,
                                   refresh_latest, refresh_stays, refresh_totals)
from grants.workflows.alliance import FUNDED
from tests.reports_support import expected, world  # noqa: F401


def _per_alliance_scope():
    """Every alliance as its own group, for the recount statements of the portfolio (the old way)."""
    return (sa.select(Alliance.id.label("aid"), Alliance.state.label("state"), Alliance.id.label("grp"),
                      Alliance.code.label("label"), sa.literal("BOB").label("currency"))
            .subquery("scope"))


def recount():
    """Per alliance, the figures counted from the records with the portfolio's recount statements."""
    sc = _per_alliance_scope()
    out = {}

    def row(aid):
        return out.setdefault(aid, dict.fromkeys(("grant_budget", "counterpart_budget", "disbursed", "justified",
                                                  "counterpart_contributed", "families", "women"), 0))

    for aid in pf.db.session.execute(sa.select(Alliance.id)).scalars():
        row(aid)
    for aid, _c, grant, counterpart in pf._budget(sc):  # funded alliances only
        row(aid).update(grant_budget=int(grant or 0), counterpart_budget=int(counterpart or 0))
    for aid, _c, amount in pf._disbursed(sc):
        row(aid)["disbursed"] = int(amount or 0)
    for aid, _c, justified, cp in pf._expenses(sc):
        row(aid)["justified"] = int(justified or 0)
        row(aid)["counterpart_contributed"] += int(cp or 0)
    for aid, _c, amount in pf._contributions(sc):
        row(aid)["counterpart_contributed"] += int(amount or 0)
    total = None
    for part, aid, _c, fam, women, reached, women_reached in pf._people(sc):
        if part == 0:
            total = (int(fam or 0), int(women or 0), int(reached or 0), int(women_reached or 0))
        else:
            row(aid).update(families=int(fam or 0), women=int(women or 0))
    return out, total or (0, 0, 0, 0)


def check(db):
    db.session.flush()
    expected_rows, total = recount()
    stored = {t.alliance_id: t for t in db.session.execute(
        sa.select(AllianceTotals).execution_options(populate_existing=True)).scalars()}
    states = dict(db.session.execute(sa.select(Alliance.id, Alliance.state)).all())
    assert set(stored) == set(expected_rows)
    for aid, exp in expected_rows.items():
        t = stored[aid]
        funded = states[aid] in FUNDED
        got = {k: getattr(t, k) for k in exp}
        if not funded:  # stored whatever the state; the portfolio commits them only when funded
            got["grant_budget"] = got["counterpart_budget"] = 0
        assert got == exp, aid
    first = sum(t.families_first for t in stored.values())
    women_first = sum(t.women_first for t in stored.values())
    reached = sum(t.families_first for a, t in stored.items() if states[a] in FUNDED)
    women_reached = sum(t.women_first for a, t in stored.items() if states[a] in FUNDED)
    assert (first, women_first, reached, women_reached) == total
    for t in stored.values():
        assert 0 <= t.families_first <= t.families and 0 <= t.women_first <= t.women
    return stored


def _portfolio_equals_recount(db, admin):
    """The portfolio (stored) against its figures recounted with the old statements over the same scope."""
    p = pf.build(admin, filters.Filters(), "region")
    sc = pf.scope(admin, filters.Filters(), "region")
    by = {}

    def add(cur, name, raw):
        figures = by.setdefault(cur, {})
        figures[name] = figures.get(name, Decimal("0.00")) + pf.to_money(raw)

    for _grp, cur, grant, cp in pf._budget(sc):
        add(cur, "committed", grant)
        add(cur, "counterpart_planned", cp)
    for _grp, cur, amount in pf._disbursed(sc):
        add(cur, "disbursed", amount)
    for _grp, cur, justified, cp in pf._expenses(sc):
        add(cur, "justified", justified)
        add(cur, "counterpart_contributed", cp)
    for _grp, cur, amount in pf._contributions(sc):
        add(cur, "counterpart_contributed", amount)
    for cur, figures in by.items():
        for name, value in figures.items():
            assert getattr(p.totals[cur], name) == value, name
    assert p.durations == pf.recount_durations(sc)  # the stored stays against the audit events
    people = [r for r in pf._people(sc) if r[0] == 0][0]
    assert (p.people["families"], p.people["women"], p.people["families_reached"], p.people["women_reached"]) == \
        tuple(int(v or 0) for v in people[3:])
    return p


def test_stored_totals_follow_the_orm_and_the_services(db, world, admin):
    stored = check(db)
    assert stored[world["a1"].id].families == 20 and stored[world["a1"].id].justified > 0
    p = _portfolio_equals_recount(db, admin)
    exp = expected(world)
    assert p.people["families"] == exp["families"] and p.totals["BOB"].justified == exp["justified"]

    # the services: voids, a member's sex corrected, a link removed, an alliance entering a funded state
    a1 = world["a1"]
    expense = db.session.execute(sa.select(Expense).where(Expense.alliance_id == a1.id,
                                                          Expense.report_id.is_(None),
                                                          Expense.voided_at.is_(None))).scalars().first()
    if expense is not None:
        expenses.void_expense(expense, admin, "Registrado dos veces")
    contribution = db.session.execute(sa.select(Contribution).where(Contribution.alliance_id == a1.id,
                                                                    Contribution.report_id.is_(None),
                                                                    Contribution.voided_at.is_(None))).scalars().first()
    if contribution is not None:
        contributions.void_contribution(contribution, admin, "Registrado por error")
    member = db.session.execute(sa.select(Member).join(AllianceMember, AllianceMember.member_id == Member.id)
                                .where(AllianceMember.alliance_id == a1.id).order_by(Member.id)).scalars().first()
    member.sex = "M" if member.sex == "F" else "F"
    a3 = world["a3"]
    shared = db.session.execute(sa.select(AllianceMember).where(AllianceMember.alliance_id == a3.id)
                                .order_by(AllianceMember.member_id)).scalars().first()
    db.session.delete(shared)
    db.session.flush()
    check(db)
    # the draft A3 enters a funded state: the families it shares with A1 stay attributed to A1 (lower id)
    a3.state = "agreement_signed"
    db.session.flush()
    check(db)
    # and A1 leaving the funded states hands them to A3
    a1.state = "approved"
    db.session.flush()
    stored = check(db)
    assert stored[a3.id].families_first == stored[a3.id].families
    _portfolio_equals_recount(db, admin)
    db.session.commit()


def test_stored_totals_after_seed_scale_and_a_full_refresh(db, admin):
    demo.seed_scale(45, members=30, details=True)
    db.session.commit()
    stored = check(db)
    assert sum(t.disbursed for t in stored.values()) > 0 and sum(t.justified for t in stored.values()) > 0
    _portfolio_equals_recount(db, admin)
    # a refresh from scratch rewrites the same rows
    before = {a: tuple(getattr(t, c.name) for c in AllianceTotals.__table__.columns) for a, t in stored.items()}
    db.session.execute(sa.delete(AllianceTotals))
    refresh_totals()
    db.session.expire_all()
    after = {t.alliance_id: tuple(getattr(t, c.name) for c in AllianceTotals.__table__.columns)
             for t in db.session.execute(sa.select(AllianceTotals)).scalars()}
    assert after == before
    stays = db.session.execute(sa.select(AllianceStay.alliance_id, AllianceStay.state, AllianceStay.event_id,
                                         AllianceStay.left_at).order_by(AllianceStay.event_id)).all()
    assert len(stays) > 45
    db.session.execute(sa.delete(AllianceStay))
    refresh_stays()
    assert db.session.execute(sa.select(AllianceStay.alliance_id, AllianceStay.state, AllianceStay.event_id,
                                        AllianceStay.left_at).order_by(AllianceStay.event_id)).all() == stays
    _portfolio_equals_recount(db, admin)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Program)).scalar() >= 1
    db.session.commit()


def check_latest(db, admin):
    """The stored latest values equal each indicator's value of its latest period, recounted in Python from
    every value; and the portfolio's indicator figures equal those counted with the window function."""
    db.session.flush()
    expected_latest = {}
    for v in db.session.execute(sa.select(IndicatorValue).execution_options(populate_existing=True)).scalars():
        best = expected_latest.get(v.indicator_id)
        if best is None or v.period > best[1]:
            expected_latest[v.indicator_id] = (v.alliance_id, v.period, int(v.value * 100))
    stored = {r.indicator_id: (r.alliance_id, r.period, r.value) for r in db.session.execute(
        sa.select(IndicatorLatest).execution_options(populate_existing=True)).scalars()}
    assert stored == expected_latest
    sc = pf.scope(admin, filters.Filters(), "region")
    # the same rows, in whatever order the database groups them (no ORDER BY: the portfolio sorts them itself)
    assert sorted(pf._indicators(sc), key=repr) == sorted(
        pf._indicators(sc, pf.latest_value_subquery(sa.select(sc.c.aid))), key=repr)
    return stored


def test_stored_latest_values_follow_the_values(db, world, admin):
    a1 = world["a1"]
    inc = db.session.execute(sa.select(Indicator).where(Indicator.alliance_id == a1.id,
                                                        Indicator.code == "net_income_per_family")).scalar_one()
    stored = check_latest(db, admin)
    assert stored[inc.id][1:] == ("2025-12", 210000)
    p = pf.build(admin, filters.Filters(), "region")
    income = [i for i in p.indicators if i.code == "net_income_per_family"][0]
    assert (income.actuals, income.actual, income.on_target) == (1, Decimal("2100.00"), 1)

    # a later period through the monitoring service becomes the latest; an older one changes nothing
    monitoring.record_value(a1, inc, {"period": "2026-03", "value": "1800.00"}, admin)
    assert check_latest(db, admin)[inc.id][1:] == ("2026-03", 180000)
    monitoring.record_value(a1, inc, {"period": "2025-01", "value": "1600.00"}, admin)
    assert check_latest(db, admin)[inc.id][1:] == ("2026-03", 180000)
    # the latest corrected, then removed: the one before it is the latest again
    monitoring.record_value(a1, inc, {"period": "2026-03", "value": "1900.00"}, admin)
    assert check_latest(db, admin)[inc.id][1:] == ("2026-03", 190000)
    db.session.delete(db.session.execute(sa.select(IndicatorValue).where(
        IndicatorValue.indicator_id == inc.id, IndicatorValue.period == "2026-03")).scalar_one())
    assert check_latest(db, admin)[inc.id][1:] == ("2025-12", 210000)
    # a first value of an indicator never measured; an indicator deleted with its values
    a2 = world["a2"]
    ind2 = db.session.execute(sa.select(Indicator).where(Indicator.alliance_id == a2.id)).scalar_one()
    db.session.add(IndicatorValue(alliance_id=a2.id, indicator_id=ind2.id, period="2025-11", value=Decimal("900")))
    assert check_latest(db, admin)[ind2.id][1:] == ("2025-11", 90000)
    vol = db.session.execute(sa.select(Indicator).where(Indicator.alliance_id == a1.id,
                                                        Indicator.code == "sales_volume")).scalar_one()
    vol_id = vol.id
    for v in list(vol.values):
        db.session.delete(v)
    db.session.delete(vol)
    assert vol_id not in check_latest(db, admin)
    p = pf.build(admin, filters.Filters(), "region")
    income = [i for i in p.indicators if i.code == "net_income_per_family"][0]
    assert (income.actuals, income.actual_sum) == (2, Decimal("3000.00"))  # 2100 (A1) + 900 (A2)
    db.session.commit()


def test_stored_latest_values_after_seed_scale_and_a_full_refresh(db, admin):
    demo.seed_scale(40, members=30, details=True)
    db.session.commit()
    stored = check_latest(db, admin)
    assert len(stored) > 10
    db.session.execute(sa.delete(IndicatorLatest))
    refresh_latest()
    assert check_latest(db, admin) == stored
    db.session.commit()


def check_durations(db, admin):
    """The program's stored stage durations equal those counted from the stays and from the audit trail."""
    db.session.flush()
    sc = pf.scope(admin, filters.Filters(), "region")
    stored = pf.durations(sc, everything=True)
    assert stored == pf.durations(sc) == pf.recount_durations(sc)
    return {d.state: d for d in stored}


def test_stored_stage_durations_follow_the_trail(db, world, admin):
    from tests.reports_support import A1_PATH, A2_PATH, expected_durations

    stored = check_durations(db, admin)
    exp = expected_durations(A1_PATH, A2_PATH)
    assert {s: (d.stays, d.median_days, d.mean_days) for s, d in stored.items()} == exp
    # the draft A3 is submitted (on the clock of the world, day 100): its draft stay ends and moves the figures
    a3 = world["a3"]
    audit.record("alliance", a3.id, "submit", admin, from_state="draft", to_state="submitted", alliance_id=a3.id)
    stored = check_durations(db, admin)
    assert (stored["draft"].stays, stored["draft"].mean_days) == (3, round((2 + 1 + 100) / 3, 1))
    # the admin's portfolio reads them (and a filtered one counts its own)
    p = pf.build(admin, filters.Filters(), "region")
    assert {d.state: d for d in p.durations} == stored
    # A3 deleted with its stays: the program's figures are counted again
    db.session.delete(a3)
    stored = check_durations(db, admin)
    assert stored["draft"].stays == exp["draft"][0]
    # a rebuild from scratch writes the same rows
    rows = db.session.execute(sa.select(StageDuration.state, StageDuration.stays, StageDuration.mean_days,
                                        StageDuration.median_days).order_by(StageDuration.state)).all()
    db.session.execute(sa.delete(StageDuration))
    refresh_durations()
    assert db.session.execute(sa.select(StageDuration.state, StageDuration.stays, StageDuration.mean_days,
                                        StageDuration.median_days).order_by(StageDuration.state)).all() == rows
    db.session.commit()


def test_a_record_moved_to_another_alliance_recounts_both(db, world):
    """A budget line, tranche or contribution moved to another alliance: the totals of the one it left are
    counted again too (they used to keep its amounts)."""
    a1, a2 = world["a1"], world["a2"]
    check(db)
    line = db.session.execute(sa.select(BudgetLine).where(BudgetLine.alliance_id == a2.id)).scalars().first()
    line.alliance_id = a1.id
    db.session.flush()
    check(db)
    contribution = db.session.execute(sa.select(Contribution).where(Contribution.alliance_id == a1.id,
                                                                    Contribution.voided_at.is_(None))
                                      ).scalars().first()
    contribution.alliance_id = a2.id
    db.session.flush()
    check(db)
