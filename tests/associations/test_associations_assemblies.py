"""The assembly register (issue 15 part 3): registered once with attendance by sex, quorum, decisions and the
minutes file; the stages point to its decisions (direct contracting, accountability report); permissions
(another association's assembly is a 404); the minutes file only to those who may read the register;
the participation figures on the association page."""
import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from grants.associations import assemblies as svc
from grants.associations.assemblies_models import Assembly
from grants.audit.models import Event
from grants.errors import RuleViolation, ValidationFailed
from grants.execution import procurement as proc_svc
from grants.execution import reports as report_svc
from grants.extensions import db
from grants.workflows import rules as rule_codes
from grants.workflows.report import REPORT
from tests.execution_support import JPEG, PDF, TODAY, executing, upload
from tests.api.test_api_support import assert_error

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def data(**kw):
    base = {"held_on": YESTERDAY, "kind": "ordinary", "place": "Sede de la asociación", "women": 9, "men": 6,
            "decisions": [{"kind": "direct_contracting", "text": "Contratar al único proveedor de repuestos",
                           "votes_for": 12, "votes_against": 1, "votes_abstain": 2},
                          {"kind": "accountability_report", "text": "Aprobar la rendición del semestre"}]}
    return {**base, **kw}


def register(association, actor, **kw):
    a = svc.register_assembly(association, data(**kw), upload(PDF, "acta.pdf"), actor)
    db.session.commit()
    return a


def rules(exc):
    return sorted(v.rule for v in exc.value.violations)


# --- the register and the quorum ----------------------------------------------------------------


def test_register_computes_quorum_against_active_members(association, board):
    # 25 active member families: an ordinary assembly needs 13, an extraordinary one 17
    a = register(association, board)
    assert (a.members_total, a.quorum_required, a.present, a.quorum_met) == (25, 13, 15, True)
    assert [d.position for d in a.decisions] == [1, 2] and a.decisions[0].adopted
    ev = db.session.execute(sa.select(Event).where(Event.object_type == "assembly")).scalars().all()
    assert [e.action for e in ev] == ["record"] and json.loads(ev[0].data)["quorum_met"] is True
    b = register(association, board, kind="extraordinary", women=8, men=8)
    assert (b.quorum_required, b.quorum_met) == (17, False)
    # the families represented count, when the minutes give them
    c = register(association, board, held_on=(date.today() - timedelta(days=3)).isoformat(), women=20, men=10,
                 families_present=12)
    assert (c.counted, c.quorum_met) == (12, False)


def test_registered_once_and_bad_input_refused(association, board):
    register(association, board)
    with pytest.raises(RuleViolation) as exc:
        register(association, board)
    assert rules(exc) == [rule_codes.ASSEMBLY_ALREADY_REGISTERED]
    db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:
        svc.register_assembly(association, data(women="", men="x", held_on="2999-01-01", kind="secret",
                                                families_present=99, decisions=[{"kind": "bribe", "text": ""}]),
                              None, board)
    fields = {v.field for v in exc.value.details}
    assert {"held_on", "kind", "men", "women", "families_present", "decisions-0-kind", "decisions-0-text",
            "file"} <= fields
    with pytest.raises(ValidationFailed) as exc:
        svc.register_assembly(association, data(decisions=[{"kind": "other", "text": "x", "votes_for": 16}]),
                              upload(PDF), board)
    assert [v.field for v in exc.value.details] == ["decisions-0-votes_for"]
    with pytest.raises(Exception) as exc:
        svc.register_assembly(association, data(kind="extraordinary"), upload(b"<html>not a pdf</html>", "acta.pdf"),
                              board)
    assert getattr(exc.value, "status", None) == 415
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Assembly.id))).scalar_one() == 1


def test_participation_figures(association, board):
    assert svc.participation(association)["assemblies"] == 0
    register(association, board)  # 9 women, 6 men, quorum met, 2 decisions
    register(association, board, kind="extraordinary", women=3, men=2,
             decisions=[{"kind": "other", "text": "Cambiar de sede"}])  # no quorum
    f = svc.participation(association)
    assert (f["assemblies"], f["last_12_months"], f["women"], f["men"]) == (2, 2, 12, 8)
    assert f["women_share"] == 60 and f["decisions"] == 3 and f["decisions_with_quorum"] == 2
    assert f["decisions_share"] == 67


# --- the stages point to a decision ---------------------------------------------------------------


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def _direct(live, board, **kw):
    p = proc_svc.create_procurement(live, {"description": "Repuestos", "budget_line_id": live.budget_lines[0].id,
                                           "method": "direct", "direct_reason": "single_supplier",
                                           "estimated_amount": "15000.00", **kw}, board)
    proc_svc.add_quotation(p, {"supplier": "Único", "amount": "15000.00"}, upload(PDF, "q.pdf"), board)
    db.session.commit()
    return p


def test_direct_contracting_accepted_with_an_assembly_decision_refused_without(live, board):
    a = register(live.association, board)
    p = _direct(live, board)
    with pytest.raises(RuleViolation) as exc:
        proc_svc.procurement_action(p, "award", board, {"quotation_id": p.quotations[0].id})
    assert rules(exc) == [rule_codes.ASSEMBLY_APPROVAL_MISSING]
    db.session.rollback()
    # the accountability decision is not a direct contracting approval
    with pytest.raises(RuleViolation) as exc:
        proc_svc.procurement_action(p, "award", board, {"quotation_id": p.quotations[0].id,
                                                        "assembly_decision_id": a.decisions[1].id})
    assert rules(exc) == [rule_codes.ASSEMBLY_DECISION_INVALID]
    db.session.rollback()
    proc_svc.procurement_action(p, "award", board, {"quotation_id": p.quotations[0].id,
                                                    "assembly_decision_id": a.decisions[0].id})
    db.session.commit()
    assert p.state == "awarded" and p.assembly_decision_id == a.decisions[0].id and p.assembly_sha256 is None
    # chosen when the procurement is opened
    q = _direct(live, board, assembly_decision_id=str(a.decisions[0].id))
    proc_svc.procurement_action(q, "award", board, {"quotation_id": q.quotations[0].id})
    assert q.state == "awarded"


def test_decision_of_another_association_without_quorum_or_rejected_refused(live, board, other_association,
                                                                              other_board):
    other = register(other_association, other_board)
    weak = register(live.association, board, women=3, men=2,
                    decisions=[{"kind": "direct_contracting", "text": "Contratar directo"}])
    rejected = register(live.association, board, held_on=(date.today() - timedelta(days=5)).isoformat(),
                        decisions=[{"kind": "direct_contracting", "text": "Contratar directo",
                                    "votes_for": 4, "votes_against": 9}])
    cases = [(other.decisions[0].id, "assembly_decision_invalid"), (weak.decisions[0].id, "assembly_quorum_not_met"),
             (rejected.decisions[0].id, "assembly_decision_not_adopted"), (999999, "assembly_decision_invalid")]
    for decision_id, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            proc_svc.create_procurement(live, {"description": "Repuestos", "budget_line_id": live.budget_lines[0].id,
                                               "method": "direct", "direct_reason": "emergency",
                                               "estimated_amount": "15000.00", "assembly_decision_id": decision_id},
                                        board)
        assert [v.rule for v in exc.value.details] == [code]
        db.session.rollback()
    assert svc.usable_decisions(live.association_id, "direct_contracting") == []


def test_accountability_report_submitted_with_an_assembly_decision(live, board, treasurer, api):
    a = register(live.association, board)
    r = report_svc.create_report(live, {"period_start": "2020-01-01", "period_end": TODAY}, treasurer)
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        report_svc.report_action(r, "submit", treasurer)
    assert rules(exc) == [rule_codes.ASSEMBLY_APPROVAL_MISSING]
    db.session.rollback()
    resp = api(treasurer).post(f"/accountability-reports/{r.id}/transitions",
                               json={"action": "submit", "assembly_decision_id": a.decisions[0].id})
    assert_error(resp, 422)
    assert [d["rule"] for d in resp.get_json()["error"]["details"]] == ["assembly_decision_invalid"]
    resp = api(treasurer).post(f"/accountability-reports/{r.id}/transitions",
                               json={"action": "submit", "assembly_decision_id": a.decisions[1].id})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["state"] == "submitted" and body["assembly_decision_id"] == a.decisions[1].id
    assert body["assembly_approved_on"] == YESTERDAY


def test_procurement_pages_offer_the_registered_decision(live, board, login):
    a = register(live.association, board)
    p = _direct(live, board)
    web = login(board)
    page = web.get(f"/alliances/{live.id}/execution/procurements/{p.id}").get_data(as_text=True)
    assert f'value="{a.decisions[0].id}"' in page and "Contratar al único proveedor" in page
    resp = web.post(f"/alliances/{live.id}/execution/procurements/{p.id}", data={
        "action": "award", "quotation_id": str(p.quotations[0].id), "assembly_decision_id": str(a.decisions[0].id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    page = web.get(f"/alliances/{live.id}/execution/procurements/{p.id}").get_data(as_text=True)
    assert f"/associations/assembly-decisions/{a.decisions[0].id}" in page
    resp = web.get(f"/associations/assembly-decisions/{a.decisions[0].id}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/associations/{live.association_id}/assemblies/{a.id}#decision-1")


# --- pages, permissions, the minutes file ---------------------------------------------------------


def test_register_through_the_page_without_javascript(association, board, login):
    web = login(board)
    page = web.get(f"/associations/{association.id}/assemblies/new")
    assert page.status_code == 200 and "decisions-5-text" in page.get_data(as_text=True)
    form = {"held_on": YESTERDAY, "kind": "ordinary", "women": "10", "men": "5", "place": "Sede",
            "decisions-2-kind": "board_election", "decisions-2-text": "Elegir la nueva directiva",
            "decisions-2-votes_for": "99"}
    resp = web.post(f"/associations/{association.id}/assemblies/new", data={**form, "minutes": (io.BytesIO(JPEG),
                                                                                                "acta.jpg")},
                    content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Elegir la nueva directiva" in html and 'value="99"' in html
    assert db.session.execute(sa.select(sa.func.count(Assembly.id))).scalar_one() == 0
    form["decisions-2-votes_for"] = "14"
    resp = web.post(f"/associations/{association.id}/assemblies/new", data={**form, "minutes": (io.BytesIO(JPEG),
                                                                                                "acta.jpg")},
                    content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    a = db.session.execute(sa.select(Assembly)).scalar_one()
    assert [(d.kind, d.votes_for) for d in a.decisions] == [("board_election", 14)]
    html = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Elegir la nueva directiva" in html and 'id="quorum"' in html
    listing = web.get(f"/associations/{association.id}/assemblies").get_data(as_text=True)
    assert "assembly-participation" in listing
    detail = web.get(f"/associations/{association.id}").get_data(as_text=True)
    assert 'id="assemblies"' in detail and 'id="attendance-by-sex"' in detail


def test_another_associations_assembly_is_404(association, other_association, board, other_board, other_officer,
                                              login, api):
    a = register(association, board)
    b = register(other_association, other_board)
    for user in (other_board, other_officer):
        web = login(user)
        for path in (f"/associations/{association.id}/assemblies", f"/associations/{association.id}/assemblies/{a.id}",
                     f"/associations/{association.id}/assemblies/{a.id}/minutes",
                     f"/associations/assembly-decisions/{a.decisions[0].id}"):
            assert web.get(path).status_code == 404, (user.name, path)
        assert_error(api(user).get(f"/associations/{association.id}/assemblies/{a.id}"), 404, "not_found")
    # an assembly of another association through one's own association's URL: 404
    web = login(board)
    assert web.get(f"/associations/{association.id}/assemblies/{b.id}").status_code == 404
    assert web.get(f"/associations/{association.id}/assemblies/{b.id}/minutes").status_code == 404
    assert_error(api(board).get(f"/associations/{association.id}/assemblies/{b.id}/minutes"), 404, "not_found")


def test_who_reads_and_who_registers(association, board, treasurer, officer, auditor, member_user, committee, login):
    a = register(association, board)
    for user in (board, treasurer, officer, auditor, member_user):
        web = login(user)
        assert web.get(f"/associations/{association.id}/assemblies/{a.id}").status_code == 200, user.name
        minutes = web.get(f"/associations/{association.id}/assemblies/{a.id}/minutes")
        assert minutes.status_code == 200 and minutes.data == PDF and minutes.mimetype == "application/pdf"
    for user in (treasurer, auditor, member_user):
        assert login(user).get(f"/associations/{association.id}/assemblies/new").status_code == 403, user.name
    assert login(officer).get(f"/associations/{association.id}/assemblies/new").status_code == 200
    # the committee may not see the association at all
    assert login(committee).get(f"/associations/{association.id}/assemblies/{a.id}/minutes").status_code == 404


def test_api_register_list_and_minutes(association, board, auditor, api):
    payload = {"held_on": YESTERDAY, "kind": "ordinary", "women": "11", "men": "7",
               "decisions": json.dumps([{"kind": "plan_approval", "text": "Aprobar el plan de negocio",
                                         "votes_for": 17, "votes_against": 0, "votes_abstain": 1}])}
    resp = api(board).post(f"/associations/{association.id}/assemblies", data=payload,
                           content_type="multipart/form-data")
    assert_error(resp, 422)
    assert resp.get_json()["error"]["details"][0]["field"] == "file"
    resp = api(board).post(f"/associations/{association.id}/assemblies",
                           data={**payload, "file": (io.BytesIO(PDF), "acta.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["quorum_met"] is True and body["quorum_required"] == 13 and body["women"] == 11
    assert body["decisions"][0]["kind"] == "plan_approval" and body["decisions"][0]["adopted"] is True
    assert_error(api(auditor).post(f"/associations/{association.id}/assemblies",
                                   data={**payload, "file": (io.BytesIO(PDF), "acta.pdf")},
                                   content_type="multipart/form-data"), 403, "forbidden")
    listed = api(auditor).get(f"/associations/{association.id}/assemblies").get_json()
    assert [x["id"] for x in listed["items"]] == [body["id"]]
    minutes = api(auditor).get(body["minutes"].removeprefix("/api/v1"))
    assert minutes.status_code == 200 and minutes.data == PDF
    again = api(board).post(f"/associations/{association.id}/assemblies",
                            data={**payload, "file": (io.BytesIO(PDF), "acta.pdf")}, content_type="multipart/form-data")
    assert_error(again, 422)
    assert again.get_json()["error"]["details"][0]["rule"] == "assembly_already_registered"


def test_the_empowerment_scorecard_shows_the_register(live, board, login):
    web = login(board)
    page = web.get(f"/alliances/{live.id}/plan/assessments/empowerment").get_data(as_text=True)
    assert 'id="assembly-evidence-assembly_participation"' in page
    register(live.association, board)  # 9 women, 6 men; quorum met; 2 decisions
    page = web.get(f"/alliances/{live.id}/plan/assessments/empowerment").get_data(as_text=True)
    evidence = page.split('id="assembly-evidence-women_leaders"')[1].split("</p>")[0]
    assert "60 %" in evidence and "100 %" in evidence
    assert "assembly-evidence" not in web.get(f"/alliances/{live.id}/plan/assessments/capacity").get_data(
        as_text=True)


def test_the_audit_trail_says_it_in_spanish(association, board, admin, login):
    register(association, board)
    html = login(admin).get("/audit").get_data(as_text=True)
    assert f"registró la asamblea general del {YESTERDAY}" in html and "(assembly)" not in html
