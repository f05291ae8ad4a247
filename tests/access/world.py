"""The access world: one association with one alliance in every state of the alliance workflow
(grants/workflows/alliance.py), each with the stage records its pages show, another association, and one user
per persona. Built once per module through the JSON API (a contract), the services of the low layers and the
stages' test helpers (tests/*_support.py), the way the stages' own tests reach each state. Where a helper
skips a stretch of the lifecycle (appraisal, committee) it sets the state as those helpers do.

``build()`` returns plain ids and e-mails (no ORM objects: each test has its own session)."""
import io
from dataclasses import dataclass, field
from datetime import timedelta

from grants.accounts import services as accounts
from grants.alliances.models import Alliance
from grants.associations import services as associations
from grants.associations.models import Buyer, Member
from grants.common import utcnow
from grants.extensions import db
from grants.programs import services as programs
from grants.sales.services import link_account
from tests.assistance_support import ta_line
from tests.closeout_support import complete_report, evaluate, in_execution, refund
from tests.conftest import PASSWORD, ApiClient
from tests.execution_support import JPEG, PDF, TODAY, expense_data
from tests.funding_support import approved_alliance, signed_alliance
from tests.monitoring_support import make_visit, upload
from tests.plan_helpers import complete_plan, fill_budget, fill_tranches, start_plan
from tests.proposal_support import attach, score_all

ANON = "anonymous"
#: the personas, as in tests/test_access_matrix.py: the association's board, treasurer and member; another
#: association's board; the officer of the association's region and one of another region; the program's staff;
#: the facilitator of the alliances (once a plan is started); a TA provider and a grievance officer with nothing
#: of theirs in the world; the alliances' buyer's own account
PERSONAS = (ANON, "admin", "officer", "other_officer", "finance", "committee", "facilitator", "auditor",
            "ta_provider", "board", "treasurer", "member_user", "other_board", "buyer", "grievance_officer")

#: every state of the alliance workflow, in the order of the lifecycle (the branches after the state they leave)
STATES = ("draft", "submitted", "returned", "withdrawn", "ineligible", "eligible", "not_selected", "preselected",
          "plan_in_preparation", "plan_submitted", "under_appraisal", "committee_review", "rejected", "approved",
          "agreement_signed", "in_execution", "suspended", "cancelled", "closing", "closed")
#: the states whose alliance carries the execution stage's records (expenses, reports, contracts, visits, ...)
EXECUTED = ("in_execution", "suspended", "cancelled", "closing", "closed")


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona -> e-mail
    alliances: dict = field(default_factory=dict)  # state -> alliance id
    ids: dict = field(default_factory=dict)  # state -> {url argument: id}
    association_id: int = 0
    other_alliance_id: int = 0  # a draft of the other association


def _user(key, roles=(), regions=(), memberships=()):
    return accounts.create_user({"email": f"{key}@access.example.org", "name": key.replace("_", " ").title(),
                                 "password": PASSWORD, "roles": list(roles), "regions": list(regions),
                                 "memberships": [{"association_id": a.id, "role": r} for a, r in memberships],
                                 "locale": "es"})


def _association(n, region, members, admin):
    assoc = associations.create_association({
        "name": f"Asociación de acceso {n}", "legal_id": f"PJ-AX-{n}", "tax_id": f"77{n:05d}", "level": 1,
        "municipality": "Achacachi", "region": region, "bank_name": "Banco Unión", "bank_account": f"2000{n:08d}"},
        admin)
    for i in range(members):
        associations.add_member(assoc, {"full_name": f"Socia {n}-{i}", "national_id": f"AX{n}-{i:04d}",
                                        "sex": "F" if i % 2 == 0 else "M", "birth_year": 1970 + i % 30,
                                        "hectares": "2.50"}, admin)
    return assoc


def _call(program, admin, n):
    now = utcnow()
    return programs.create_call({"program_id": program.id, "title": f"Convocatoria de acceso {n}",
                                 "opens_at": (now - timedelta(days=10)).isoformat(),
                                 "closes_at": (now + timedelta(days=30)).isoformat(),
                                 "envelope": "9000000.00", "regions": []}, admin)


def _caller(client):
    """Calls the JSON API with ``client``, asserting each answer's status; returns the answer's JSON."""
    def call(method, path, status, **kw):
        resp = getattr(client, method)(path, **kw)
        assert resp.status_code == status, (path, resp.status_code, resp.get_data(as_text=True)[:800])
        return resp.get_json()

    return call


def build(app):
    """Create the world in the app's database (committed); return its ids."""
    clients = {}

    def _api(app, user):  # the JSON API as ``user``
        if user.id not in clients:
            clients[user.id] = _caller(ApiClient(app, user))
        return clients[user.id]

    w = World()
    admin = _user("admin", roles=["admin"])
    db.session.commit()
    program = programs.create_program({"code": "PARAX", "name": "Programa de acceso", "currency": "BOB",
                                       "rules": {}}, admin)
    assoc = _association(1, "La Paz", 25, admin)
    other = _association(2, "Potosí", 22, admin)
    db.session.commit()
    users = {
        "admin": admin,
        "officer": _user("officer", roles=["officer"], regions=["La Paz"]),
        "other_officer": _user("other_officer", roles=["officer"], regions=["Potosí"]),
        "finance": _user("finance", roles=["finance"]),
        "committee": _user("committee", roles=["committee"]),
        "facilitator": _user("facilitator", roles=["facilitator"]),
        "auditor": _user("auditor", roles=["auditor"]),
        "ta_provider": _user("ta_provider", roles=["ta_provider"]),
        "grievance_officer": _user("grievance_officer", roles=["grievance_officer"]),
        "buyer": _user("buyer", roles=["buyer"]),
        "board": _user("board", memberships=[(assoc, "board")]),
        "treasurer": _user("treasurer", memberships=[(assoc, "treasurer")]),
        "member_user": _user("member_user", memberships=[(assoc, "member")]),
        "other_board": _user("other_board", memberships=[(other, "board")]),
    }
    db.session.commit()
    w.users = {p: u.email for p, u in users.items()}
    w.association_id = assoc.id
    board, officer, committee, facilitator = users["board"], users["officer"], users["committee"], users["facilitator"]
    members = [m.id for m in db.session.execute(db.select(Member).where(Member.association_id == assoc.id)
                                                .order_by(Member.id)).scalars()]

    def new_alliance(n, association=assoc, actor=board, member_ids=members):
        call = _call(program, admin, n)
        db.session.commit()
        body = {"association_id": association.id, "call_id": call.id, "title": f"Leche fresca {n}",
                "product": "Leche", "buyer": {"name": "PIL Andina S.A.", "tax_id": "1020304050"},
                "member_ids": member_ids, "requested_grant": "280000.00", "estimated_counterpart": "130000.00"}
        out = _api(app, actor)("post", "/alliances", 201, json=body)
        return db.session.get(Alliance, out["id"])

    def act(alliance, action, actor, **data):
        _api(app, actor)("post", f"/alliances/{alliance.id}/transitions", 200, json={"action": action, **data})
        db.session.refresh(alliance)

    def submitted(n):
        a = new_alliance(n)
        attach(a, board)
        act(a, "submit", board)
        return a

    def eligible(n):
        a = submitted(n)
        score_all(a, officer)
        act(a, "declare_eligible", officer)
        return a

    def preparing(n):
        a = eligible(n)
        act(a, "preselect", committee)
        return start_plan(a, officer, facilitator)

    def plan_submitted(n):
        a = preparing(n)
        complete_plan(a, facilitator)
        act(a, "submit_plan", board)
        return a

    def set_state(alliance, state):  # as the stages' helpers do for a stretch their tests do not walk
        alliance.state = state
        db.session.commit()
        return alliance

    def executing(n):
        a = new_alliance(n)
        attach(a, board)
        in_execution(a, officer, facilitator, board)
        return a, records(a)

    def records(a):
        """What the execution, assistance and monitoring pages of an alliance in execution show."""
        ids = {}
        treasurer = _api(app, users["treasurer"])
        line = a.budget_lines[0]
        data = {k: str(v) for k, v in expense_data(line, amount="1500.00", number="F-AX").items()}
        data["receipt"] = (io.BytesIO(JPEG), "recibo.jpg")
        ids["expense_id"] = treasurer("post", f"/alliances/{a.id}/expenses", 201, data=data,
                                      content_type="multipart/form-data")["id"]
        ids["contribution_id"] = treasurer("post", f"/alliances/{a.id}/contributions", 201, data={
            "kind": "cash", "description": "Aporte de socios", "amount": "5000.00", "contributed_on": TODAY,
            "evidence": (io.BytesIO(JPEG), "deposito.jpg")}, content_type="multipart/form-data")["id"]
        ids["report_id"] = treasurer("post", f"/alliances/{a.id}/accountability-reports", 201, json={
            "period_start": "2020-01-01", "period_end": TODAY})["id"]
        treasurer("post", f"/accountability-reports/{ids['report_id']}/transitions", 200, data={
            "action": "submit", "assembly_approved_on": TODAY, "file": (io.BytesIO(PDF), "acta.pdf")},
            content_type="multipart/form-data")  # with the assembly's minutes
        proc = _api(app, board)("post", f"/alliances/{a.id}/procurements", 201, json={
            "description": "Tanque de frío", "budget_line_id": line.id, "method": "comparison",
            "estimated_amount": "90000.00"})
        ids["procurement_id"] = proc["id"]
        quotation = _api(app, board)("post", f"/procurements/{proc['id']}/quotations", 201, data={
            "supplier": "Frío Andino", "amount": "88000.00", "file": (io.BytesIO(PDF), "cotizacion.pdf")},
            content_type="multipart/form-data")
        ids["quotation_id"] = quotation["quotations"][0]["id"]  # the answer is the procurement
        ta = ta_line(a)
        provider = _api(app, officer)("post", "/ta-providers", 201, json={
            "name": "Agrotec SRL", "tax_id": "1020304", "email": "agrotec@example.org"})
        contract = _api(app, board)("post", f"/alliances/{a.id}/ta-contracts", 201, json={
            "provider_id": provider["id"], "budget_line_id": ta.id, "amount": "30000.00",
            "starts_on": TODAY, "ends_on": (utcnow().date() + timedelta(days=90)).isoformat(),
            "deliverables": [{"description": "Informe 1", "due_on": (utcnow().date() + timedelta(days=30))
                              .isoformat(), "amount": "30000.00"}]})
        ids["contract_id"] = contract["id"]
        ids["deliverable_id"] = contract["deliverables"][0]["id"]
        visit = make_visit(a, officer, actions=1, photos=[upload(JPEG, "foto.jpg")])
        ids["visit_id"] = visit.id
        ids["photo_id"] = visit.photos[0].id
        ids["action_id"] = visit.actions[0].id
        return ids

    built = {}
    n = iter(range(1, 100))
    built["draft"] = new_alliance(next(n))
    attach(built["draft"], board)
    built["submitted"] = submitted(next(n))
    built["returned"] = submitted(next(n))
    act(built["returned"], "return_for_info", officer, comment="Falta la carta del comprador firmada")
    built["withdrawn"] = submitted(next(n))
    act(built["withdrawn"], "withdraw", board, comment="La asamblea decidió retirarse")
    built["ineligible"] = submitted(next(n))
    act(built["ineligible"], "declare_ineligible", officer, comment="No cumple el mínimo de familias")
    built["eligible"] = eligible(next(n))
    built["not_selected"] = eligible(next(n))
    act(built["not_selected"], "not_select", committee)
    built["preselected"] = eligible(next(n))
    act(built["preselected"], "preselect", committee)
    built["plan_in_preparation"] = preparing(next(n))
    fill_budget(built["plan_in_preparation"], facilitator)
    fill_tranches(built["plan_in_preparation"], facilitator)
    db.session.commit()
    built["plan_submitted"] = plan_submitted(next(n))
    built["under_appraisal"] = plan_submitted(next(n))
    act(built["under_appraisal"], "start_appraisal", officer)
    built["committee_review"] = set_state(plan_submitted(next(n)), "committee_review")
    built["rejected"] = set_state(plan_submitted(next(n)), "rejected")
    a = new_alliance(next(n))
    attach(a, board)
    built["approved"] = approved_alliance(a, officer, facilitator, board)
    a = new_alliance(next(n))
    attach(a, board)
    built["agreement_signed"] = signed_alliance(a, officer, facilitator, board)
    for state in EXECUTED:
        built[state], w.ids[state] = executing(next(n))
    act(built["suspended"], "suspend", officer, reason="Visita de supervisión con observaciones")
    act(built["cancelled"], "cancel", officer, reason="La asociación se disolvió")
    for state in ("closing", "closed"):
        complete_report(built[state], board)
        act(built[state], "submit_final_report", board)
    evaluate(built["closed"], officer)
    for state in ("closing", "closed"):
        w.ids[state]["refund_id"] = _api(app, users["finance"])("post", f"/alliances/{built[state].id}/refunds", 201,
                                                                data={"amount": "1000.00", "reference": "DEV-1",
                                                                      "refunded_on": TODAY,
                                                                      "proof": (io.BytesIO(PDF), "devolucion.pdf")},
                                                                content_type="multipart/form-data")["id"]
    refund(built["closed"], users["finance"], amount="197500.00", reference="DEV-2")
    set_state(built["closed"], "closed")  # its checks (contracts closed, expenses reported) are closeout's tests'
    w.alliances = {state: a.id for state, a in built.items()}
    for state, a in built.items():
        ids = w.ids.setdefault(state, {})
        ids.update({"alliance_id": a.id, "number": 1, "kind": "empowerment", "attachment_id": a.attachments[0].id})
        if a.budget_lines:
            ids["line_id"] = a.budget_lines[0].id
        if a.tranches:
            ids["tranche_id"] = a.tranches[0].id
    # a record an alliance does not have: the URL names another alliance's (the one in execution's, the closing
    # one's refund), or, for a record the world has none of (terms of reference), an id no row has
    fallback = {"terms_id": 2**31 - 1, **w.ids["closing"], **w.ids["in_execution"]}
    for state in STATES:
        w.ids[state] = {**fallback, **w.ids[state]}
    assert {s: db.session.get(Alliance, i).state for s, i in w.alliances.items()} == {s: s for s in STATES}
    w.other_alliance_id = new_alliance(99, association=other, actor=users["other_board"], member_ids=[
        m.id for m in db.session.execute(db.select(Member).where(Member.association_id == other.id)).scalars()]).id
    buyer = db.session.execute(db.select(Buyer).where(Buyer.tax_id == "1020304050")).scalar_one()
    link_account(buyer, users["buyer"], admin)
    db.session.commit()
    return w
