"""The stored totals (``alliance_totals``) equal a recount of the records, alliance by alliance and for the
portfolio's figures: after rows written through the ORM (the portfolio's small world), after the stages'
services (voiding an expense and a contribution, a member's sex corrected, a state change into a funded
state, a member link removed) and after the bulk ``seed_scale``."""
from decimal import Decimal

import sqlalchemy as sa

from grants import demo
from grants.alliances.models import Alliance, AllianceMember
from grants.associations.models import Member
from grants.execution import contributions, expenses
from grants.execution.models import Contribution, Expense
from grants.programs.models import Program
from grants.reports import filters, portfolio as pf
from grants.reports.totals import AllianceStay, AllianceTotals, refresh_stays, refresh_totals
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
