"""The second level and the organisation's own plans (issue 16, parts 3 and 4): the roll-up of a federation
summed against its members, alliances of a level-2 association with families of its base associations, the
strategic plan, the capacity plan proposed from the items scored 0–1, the registers of trainings and funds."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from grants.alliances.budget import BudgetLine
from grants.alliances.models import Alliance
from grants.associations import services as associations
from grants.associations.models import Association, Member
from grants.extensions import db as _db
from grants.monitoring.models import IndicatorValue
from grants.organisation import services
from grants.organisation.models import FundApplication, Training
from grants.plans.models import Assessment, AssessmentItem, Indicator
from grants.reports import rollup as rollup_mod
from tests.statements import statements

D = Decimal


def _federation(make_association, admin, children=3, members=(6, 8, 10)):
    """A level-2 federation and its base associations (each with ``members[i]`` families, half women)."""
    fed = make_association(name="Federación de Lecheros del Altiplano", members=2)
    associations.update_association(fed, {"level": 2}, admin)
    bases = []
    for i in range(children):
        base = make_association(name=f"Asociación Base {i}", members=members[i % len(members)])
        associations.update_association(base, {"parent_id": fed.id}, admin)
        bases.append(base)
    _db.session.commit()
    return fed, bases


def _line(alliance, grant, cash, in_kind, other="0.00"):
    total = D(grant) + D(cash) + D(in_kind) + D(other)
    _db.session.add(BudgetLine(alliance_id=alliance.id, position=1, category="equipment", description="Equipos",
                               unit="global", quantity=D("1"), unit_cost=total, total=total, grant=D(grant),
                               counterpart_cash=D(cash), counterpart_in_kind=D(in_kind), other=D(other)))


def _funded(make_alliance, make_user, assoc, grant, cash, in_kind, other="0.00", state="in_execution"):
    board = make_user(memberships=[(assoc, "board")])
    alliance = make_alliance(assoc=assoc, actor=board)
    _line(alliance, grant, cash, in_kind, other)
    alliance.state = state  # rows written directly, as the portfolio's tests do: the roll-up only reads them
    _db.session.commit()
    return alliance


@pytest.fixture
def world(make_association, make_alliance, make_user, admin):
    fed, bases = _federation(make_association, admin)
    a0 = _funded(make_alliance, make_user, bases[0], "1000.10", "200.20", "300.30", "40.40")
    a1 = _funded(make_alliance, make_user, bases[1], "2000.00", "500.00", "0.00")
    draft = make_alliance(assoc=bases[2], actor=make_user(memberships=[(bases[2], "board")]))
    ind = Indicator(alliance_id=a0.id, code="sales_value", name="Ventas", unit="Bs", baseline=D("100.00"),
                    target=D("300.00"), standard=True)
    ind1 = Indicator(alliance_id=a1.id, code="sales_value", name="Ventas", unit="Bs", baseline=D("50.00"),
                     target=D("150.00"), standard=True)
    _db.session.add_all([ind, ind1])
    _db.session.flush()
    _db.session.add_all([IndicatorValue(alliance_id=a0.id, indicator_id=ind.id, period="2026-01", value=D("120.00")),
                         IndicatorValue(alliance_id=a0.id, indicator_id=ind.id, period="2026-06", value=D("180.00")),
                         IndicatorValue(alliance_id=a1.id, indicator_id=ind1.id, period="2026-03", value=D("70.00"))])
    _db.session.commit()
    return fed, bases, (a0, a1, draft)


def _expected(ids):
    members = _db.session.execute(sa.select(Member).where(Member.association_id.in_(ids),
                                                          Member.active.is_(True))).scalars().all()
    alliances = _db.session.execute(sa.select(Alliance).where(Alliance.association_id.in_(ids))).scalars().all()
    funded = [a for a in alliances if a.state in ("agreement_signed", "in_execution", "suspended", "closing",
                                                  "closed")]
    lines = [ln for a in funded for ln in _db.session.execute(
        sa.select(BudgetLine).where(BudgetLine.alliance_id == a.id)).scalars()]
    return {"families": len(members), "women": sum(1 for m in members if m.sex == "F"),
            "alliances": len(alliances),
            "grant": sum((ln.grant for ln in lines), D("0.00")),
            "counterpart_cash": sum((ln.counterpart_cash for ln in lines), D("0.00")),
            "counterpart_in_kind": sum((ln.counterpart_in_kind for ln in lines), D("0.00")),
            "other": sum((ln.other for ln in lines), D("0.00"))}


def test_the_rollup_sums_its_members(world, api, make_user):
    fed, bases, (a0, a1, draft) = world
    r = rollup_mod.rollup(fed)
    want = _expected([fed.id] + [b.id for b in bases])
    assert (r.families, r.women) == (want["families"], want["women"]) == (2 + 6 + 8 + 10, 1 + 3 + 4 + 5)
    assert sum(r.by_state.values()) == want["alliances"] == 3
    assert r.by_state == {"draft": 1, "in_execution": 2}
    money = r.money["BOB"]
    for source in ("grant", "counterpart_cash", "counterpart_in_kind", "other"):
        assert money[source] == want[source]
    assert money["grant"] == D("3000.10") and money["total"] == D("4041.00")
    # each member association's own row sums to the group
    assert sum(row.families for row in r.rows) == r.families
    assert {row.association.id: row.alliances for row in r.rows}[bases[2].id] == 1
    assert r.families_in_alliances == sum(len(a.member_ids) for a in (a0, a1, draft))
    sales = next(x for x in r.results if x.code == "sales_value")
    assert (sales.baseline, sales.target, sales.latest, sales.measured) == (D("150.00"), D("450.00"),
                                                                            D("250.00"), 2)
    # the API gives the same figures, money as strings
    officer = make_user(roles=["officer"], regions=["La Paz"])
    body = api(officer).get(f"/associations/{fed.id}/rollup").get_json()
    assert body["families"] == r.families and body["alliances_by_state"] == {"draft": 1, "in_execution": 2}
    assert body["money"]["BOB"]["grant"] == "3000.10" and body["money"]["BOB"]["total"] == "4041.00"
    assert body["member_associations"] == 3
    assert {row["association_id"] for row in body["associations"]} == {fed.id, *(b.id for b in bases)}


def _statements(fn):
    with statements(_db.engine) as seen:
        fn()
    return len(seen)


@pytest.mark.committing  # counts statements: in a rolled-back test the first one would open a savepoint
def test_the_rollup_takes_the_same_number_of_statements_for_three_or_six_members(make_association, make_alliance,
                                                                                   make_user, admin):
    small, small_bases = _federation(make_association, admin, children=3)
    big, big_bases = _federation(make_association, admin, children=6)
    for base in small_bases + big_bases:
        _funded(make_alliance, make_user, base, "100.00", "30.00", "10.00")
    _db.session.expire_all()
    n_small = _statements(lambda: rollup_mod.rollup(_db.session.get(Association, small.id)))
    _db.session.expire_all()
    n_big = _statements(lambda: rollup_mod.rollup(_db.session.get(Association, big.id)))
    assert n_small == n_big <= 10


def test_a_base_association_has_no_rollup_and_outsiders_see_none(world, api, login, association, board, make_user):
    fed, bases, _ = world
    assert api(board).get(f"/associations/{association.id}/rollup").status_code == 404  # level 1
    assert api(board).get(f"/associations/{fed.id}/rollup").status_code == 404  # not its federation
    base_board = make_user(memberships=[(bases[0], "board")])
    assert api(base_board).get(f"/associations/{fed.id}/rollup").status_code == 404
    fed_board = make_user(memberships=[(fed, "board")])
    assert api(fed_board).get(f"/associations/{fed.id}/rollup").status_code == 200
    page = login(fed_board).get(f"/associations/{fed.id}/rollup")
    assert page.status_code == 200 and "Asociación Base 2" in page.get_data(as_text=True)
    assert login(board).get(f"/associations/{fed.id}/rollup").status_code == 404
    xlsx = login(fed_board).get(f"/associations/{fed.id}/rollup.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Asociación", "Familias", "Mujeres")
    assert sum(r[1] for r in rows[1:]) == rollup_mod.rollup(fed).families
    money = list(book.worksheets[1].iter_rows(values_only=True))
    assert money[1][0] == "BOB" and D(str(money[1][1])) == D("3000.10")
    assert login(board).get(f"/associations/{fed.id}/rollup.xlsx").status_code == 404
    detail = login(fed_board).get(f"/associations/{fed.id}").get_data(as_text=True)
    assert f"/associations/{fed.id}/rollup" in detail


def test_a_federation_draws_the_families_of_its_alliance_from_its_base_associations(world, make_association,
                                                                                    make_alliance, make_user, call):
    from grants.alliances import services as alliance_services
    from grants.errors import DomainError

    fed, bases, _ = world
    fed_board = make_user(memberships=[(fed, "board")])
    from_bases = [m.id for b in bases[:2] for m in _db.session.execute(
        sa.select(Member).where(Member.association_id == b.id)).scalars()]
    alliance = make_alliance(assoc=fed, actor=fed_board)
    alliance_services.update_alliance(alliance, {"member_ids": from_bases}, fed_board)
    _db.session.commit()
    assert sorted(alliance.member_ids) == sorted(from_bases)
    stranger = make_association(name="Ajena", members=2)
    foreign = _db.session.execute(sa.select(Member.id).where(Member.association_id == stranger.id)).scalars().first()
    with pytest.raises(DomainError) as exc:
        alliance_services.update_alliance(alliance, {"member_ids": from_bases + [foreign]}, fed_board)
    assert exc.value.details[0].field == "member_ids"
    _db.session.rollback()
    # a base association still draws only from its own members
    base_board = make_user(memberships=[(bases[0], "board")])
    base_alliance = make_alliance(assoc=bases[0], actor=base_board)
    with pytest.raises(DomainError):
        alliance_services.update_alliance(base_alliance, {"member_ids": from_bases}, base_board)
    _db.session.rollback()
    # the federation's own alliance counts in its roll-up
    assert rollup_mod.rollup(fed).rows[0].alliances == 1


# -- the strategic plan -----------------------------------------------------------------------------

PLAN = {"period": "2026–2030", "reviewed_on": "2026-03-14", "review_reference": "Acta 12, libro 2, página 40",
        "objectives": [{"title": "Vender toda la leche a la planta", "actions": [
            {"description": "Negociar precio anual", "responsible": "Presidenta", "due_on": "2026-06-30",
             "state": "in_progress"},
            {"description": "Comprar tanque de frío", "responsible": "Tesorero", "due_on": None}]},
            {"title": "Renovar la directiva con más mujeres", "actions": []}]}


def test_the_board_writes_the_strategic_plan_and_the_officer_reads_it(api, association, board, officer,
                                                                      other_board, treasurer):
    path = f"/associations/{association.id}/strategic-plan"
    empty = api(officer).get(path).get_json()
    assert empty["objectives"] == [] and empty["version"] == 0
    resp = api(board).put(path, json={**PLAN, "version": 0})
    assert resp.status_code == 200, resp.get_json()
    body = api(officer).get(path).get_json()
    assert [o["title"] for o in body["objectives"]] == ["Vender toda la leche a la planta",
                                                        "Renovar la directiva con más mujeres"]
    assert body["objectives"][0]["actions"][0] == {"description": "Negociar precio anual",
                                                   "responsible": "Presidenta", "due_on": "2026-06-30",
                                                   "state": "in_progress"}
    assert body["objectives"][0]["actions"][1]["state"] == "pending"
    assert body["reviewed_on"] == "2026-03-14"
    assert api(officer).put(path, json={**PLAN, "version": body["version"]}).status_code == 403
    assert api(treasurer).put(path, json={**PLAN, "version": body["version"]}).status_code == 403
    assert api(other_board).get(path).status_code == 404
    assert api(other_board).put(path, json=PLAN).status_code == 404
    stale = api(board).put(path, json={**PLAN, "version": body["version"] - 1 or 999})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    bad = api(board).put(path, json={**PLAN, "objectives": [{"title": "x", "actions": [
        {"description": "y", "state": "finished"}]}], "version": body["version"]})
    assert bad.status_code in (400, 422)
    future = api(board).put(path, json={**PLAN, "reviewed_on": (date.today() + timedelta(days=3)).isoformat(),
                                        "version": body["version"]})
    assert future.status_code == 422
    assert [d["rule"] for d in future.get_json()["error"]["details"]] == ["date_in_future"]
    assert api(officer).get(path).get_json()["version"] == body["version"]  # nothing changed


def test_the_strategic_plan_page_without_javascript(login, association, board, officer):
    web = login(board)
    path = f"/associations/{association.id}/strategic-plan"
    assert web.post(path, data={"op": "add_objective", "title": "Mejorar la calidad"}).status_code == 303
    plan = services.strategic_plan_of(association)
    resp = web.post(path, data={"op": "add_action", "objective": "0", "description": "Curso de ordeño limpio",
                                "responsible": "Comité de calidad", "due_on": "2026-09-30", "state": "pending",
                                "version": str(plan.version)})
    assert resp.status_code == 303
    _db.session.expire_all()
    plan = services.strategic_plan_of(association)
    resp = web.post(path, data={"op": "action_state", "objective": "0", "action": "0", "state": "done",
                                "version": str(plan.version)})
    assert resp.status_code == 303
    _db.session.expire_all()
    plan = services.strategic_plan_of(association)
    refused = web.post(path, data={"op": "add_action", "objective": "0", "description": "",
                                   "responsible": "Nadie escrito", "version": str(plan.version)})
    assert refused.status_code == 422 and "Nadie escrito" in refused.get_data(as_text=True)
    _db.session.expire_all()
    plan = services.strategic_plan_of(association)
    assert [(a.description, a.state) for a in plan.objectives[0].actions] == [("Curso de ordeño limpio", "done")]
    page = login(officer).get(path).get_data(as_text=True)
    assert "Curso de ordeño limpio" in page and 'id="objective-form"' not in page
    assert login(officer).post(path, data={"op": "add_objective", "title": "x"}).status_code == 403


# -- the capacity plan ------------------------------------------------------------------------------

def _assessment(alliance, scores, kind="capacity", moment="baseline"):
    a = Assessment(alliance_id=alliance.id, kind=kind, moment=moment)
    a.items = [AssessmentItem(code=code, score=score, evidence="acta") for code, score in scores.items()]
    _db.session.add(a)
    _db.session.commit()
    return a


def test_items_scored_0_or_1_propose_the_capacity_plan_the_board_adopts(api, login, alliance, association, board,
                                                                        officer):
    path = f"/associations/{association.id}/capacity-plan"
    missing = api(board).post(path + "/proposal")
    assert missing.status_code == 422
    assert [d["rule"] for d in missing.get_json()["error"]["details"]] == ["assessment_missing"]
    _assessment(alliance, {"business_plan": 3, "administration": 2, "monitoring": 2,
                           "environmental_management": 4, "resource_mobilization": 2})
    none = api(board).post(path + "/proposal")
    assert [d["rule"] for d in none.get_json()["error"]["details"]] == ["no_weak_items"]
    _assessment(alliance, {"assembly_participation": 1, "internal_democracy": 3, "networks": 0,
                           "collective_sales": 2, "financial_management": 1, "women_leaders": 0}, kind="empowerment")
    assert api(officer).post(path + "/proposal").status_code == 403
    resp = api(board).post(path + "/proposal")
    assert resp.status_code == 201, resp.get_json()
    plan = resp.get_json()
    assert [(a["item_code"], a["score"], a["kind"]) for a in plan["actions"]] == [
        ("assembly_participation", 1, "coaching"), ("networks", 0, "exchange_visit"),
        ("financial_management", 1, "training"), ("women_leaders", 0, "coaching")]
    assert plan["state"] == "draft" and plan["source_alliance_id"] == alliance.id
    first = plan["actions"][0]["id"]
    changed = api(board).patch(f"{path}/actions/{first}", json={"kind": "training", "responsible": "Secretaria",
                                                                "due_on": "2026-11-30"})
    assert changed.status_code == 200
    assert changed.get_json()["actions"][0]["kind"] == "training"
    # on the page, without JavaScript: the board adopts it
    web = login(board)
    assert web.post(path, data={"op": "adopt", "adopted_on": date.today().isoformat()}).status_code == 303
    again = api(board).post(path + "/proposal")
    assert [d["rule"] for d in again.get_json()["error"]["details"]] == ["capacity_plan_adopted"]
    page = login(officer).get(path).get_data(as_text=True)
    assert "Secretaria" in page and 'id="adopt-form"' not in page


# -- registers and ASOCAM's indicators --------------------------------------------------------------

def test_trainings_register_refuses_what_cannot_be_and_exports_xlsx(login, api, association, board, officer,
                                                                   other_board):
    web = login(board)
    path = f"/associations/{association.id}/trainings"
    refused = web.post(path, data={"topic": "Liderazgo de mujeres", "held_on": "2026-05-10", "women": "3",
                                   "men": "5", "women_leaders": "4", "youth_leaders": "1"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Liderazgo de mujeres" in text and "Hay más mujeres que asumieron un cargo" in text
    assert _db.session.execute(sa.select(sa.func.count(Training.id))).scalar() == 0
    ok = web.post(path, data={"topic": "Liderazgo de mujeres", "held_on": "2026-05-10", "women": "12",
                              "men": "5", "women_leaders": "4", "youth_leaders": "2"})
    assert ok.status_code == 303
    resp = api(board).post(path, json={"topic": "Buenas prácticas de ordeño", "held_on": "2026-06-02",
                                       "women": 8, "men": 9})
    assert resp.status_code == 201
    none = api(board).post(path, json={"topic": "Vacío", "held_on": "2026-06-02"})
    assert [d["rule"] for d in none.get_json()["error"]["details"]] == ["participants_missing"]
    listed = api(officer).get(path).get_json()
    assert listed["total"] == 2 and listed["items"][0]["topic"] == "Buenas prácticas de ordeño"
    assert api(other_board).get(path).status_code == 404
    xlsx = login(officer).get(path.replace("/trainings", "/trainings.xlsx"))
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "Tema" and len(rows) == 3
    assert rows[2][1] == "Liderazgo de mujeres" and rows[2][2:7] == (12, 5, 17, 4, 2)


def test_funds_register_and_the_indicators_on_the_association_page(login, api, association, board, officer):
    web = login(board)
    path = f"/associations/{association.id}/funds"
    refused = web.post(path, data={"op": "record", "source": "Gobierno Municipal de Achacachi",
                                   "applied_on": "2026-02-01", "amount_requested": "12.500,50", "state": "obtained"})
    assert refused.status_code == 422 and "Gobierno Municipal de Achacachi" in refused.get_data(as_text=True)
    ok = web.post(path, data={"op": "record", "source": "Gobierno Municipal de Achacachi", "purpose": "Forraje",
                              "applied_on": "2026-02-01", "amount_requested": "12.500,50", "state": "obtained",
                              "amount_obtained": "10.000,00"})
    assert ok.status_code == 303
    fund = _db.session.execute(sa.select(FundApplication)).scalar_one()
    assert (fund.amount_requested, fund.amount_obtained) == (D("12500.50"), D("10000.00"))
    resp = api(board).post(path, json={"source": "FAO", "applied_on": "2026-03-01", "amount_requested": "5000.00"})
    assert resp.status_code == 201 and resp.get_json()["state"] == "applied"
    assert api(board).post(path, json={"source": "FAO", "applied_on": "2026-03-01",
                                       "amount_requested": 5000.5}).status_code == 400
    settled = web.post(path, data={"op": "settle", "fund": str(resp.get_json()["id"]), "state": "obtained",
                                   "amount_obtained": "4.000,00"})
    assert settled.status_code == 303
    web.post(f"/associations/{association.id}/trainings", data={
        "topic": "Contabilidad", "held_on": "2026-05-10", "women": "7", "men": "3", "women_leaders": "2",
        "youth_leaders": "1"})
    ind = api(officer).get(f"/associations/{association.id}/organisation-indicators").get_json()
    assert ind["economic"] == {"funds_applied": 2, "funds_obtained": 2, "amount_obtained": "14000.00",
                               "sources_obtained": 2}
    assert ind["social"]["participants"] == 10 and ind["political"]["women_leaders"] == 2
    page = login(officer).get(f"/associations/{association.id}").get_data(as_text=True)
    assert 'id="organisation-summary"' in page and "7 mujeres, 3 hombres" in page


def test_the_strategic_plan_page_refuses_positions_that_do_not_exist(login, association, board):
    web = login(board)
    path = f"/associations/{association.id}/strategic-plan"
    web.post(path, data={"op": "add_objective", "title": "Primero"})
    web.post(path, data={"op": "add_objective", "title": "Segundo"})
    for objective in ("-1", "2", "x", ""):
        resp = web.post(path, data={"op": "add_action", "objective": objective, "description": "Nada"})
        assert resp.status_code == 404, objective
    assert web.post(path, data={"op": "unknown"}).status_code == 400
    _db.session.expire_all()
    plan = services.strategic_plan_of(association)
    assert [len(o.actions) for o in plan.objectives] == [0, 0]


def test_one_schema_for_the_page_and_the_api_of_a_training(login, api, association, board):
    """``TrainingIn`` validates the page's form as it does the API's body: a date with something after it is
    refused at its field (the hand parser read its first ten characters and saved 2026-05-10), and the
    treasurer's rules are still listed together."""
    web = login(board)
    path = f"/associations/{association.id}/trainings"
    resp = web.post(path, data={"topic": "Ordeño limpio", "held_on": "2026-05-10 o el 11", "women": "3", "men": "2"})
    assert resp.status_code == 422 and "Ordeño limpio" in resp.get_data(as_text=True)
    assert _db.session.execute(sa.select(sa.func.count(Training.id))).scalar() == 0
    err = api(board).post(path, json={"topic": " ", "held_on": "2026-05-10", "women": 1, "men": 0,
                                      "women_leaders": 2, "youth_leaders": 100001})
    assert err.status_code == 422
    assert {d["field"] for d in err.get_json()["error"]["details"]} == {"youth_leaders"}
    err = api(board).post(path, json={"topic": " ", "held_on": "2026-05-10", "women": 1, "women_leaders": 2})
    assert [(d["rule"], d["field"]) for d in err.get_json()["error"]["details"]] == [
        ("required", "topic"), ("leaders_exceed_participants", "women_leaders")]
