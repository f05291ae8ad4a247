"""Supervision visits: recording, photos checked by type and served only to insiders, the follow-up workflow
(answer, close, reopen; wrong roles refused), notifications and audit events; pages and permissions."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.errors import Forbidden, InvalidTransition, RuleViolation
from grants.extensions import db
from grants.monitoring import visits as visit_svc
from grants.monitoring.models import Visit
from grants.notifications.models import Notification
from grants.uploads import UnsupportedType
from grants.workflows import rules
from tests.monitoring_support import JPEG, PDF, PNG, TODAY, executing, make_visit, upload, visit_data


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def notes_for(user):
    """The user's notifications that point to a visit."""
    return db.session.scalars(sa.select(Notification.subject).where(
        Notification.user_id == user.id, Notification.link.like("%/monitoring/visits/%"))).all()


def test_visit_with_actions_notifies_the_association(live, officer, board, treasurer, member_user):
    v = make_visit(live, officer, actions=2, photos=[upload(JPEG, "galpon.jpg")])
    assert v.rating == "needs_attention" and v.participants == 18 and v.officer_id == officer.id
    assert [a.state for a in v.actions] == ["open", "open"]
    assert len(v.photos) == 1 and v.photos[0].content_type == "image/jpeg"
    assert len(notes_for(board)) == 1
    assert notes_for(treasurer) and not notes_for(member_user)
    kinds = db.session.scalars(sa.select(Event.object_type).where(Event.alliance_id == live.id)).all()
    assert "supervision_visit" in kinds and "visit_photo" in kinds


def test_visit_without_actions_notifies_nobody(live, officer, board):
    make_visit(live, officer, actions=0)
    assert notes_for(board) == []


def test_visit_rules(live, officer):
    data = visit_data(visited_on=(TODAY + timedelta(days=1)).isoformat(), rating="great")
    data["actions"][0]["due_on"] = (TODAY - timedelta(days=5)).isoformat()
    with pytest.raises(RuleViolation) as exc:
        visit_svc.record_visit(live, data, officer)
    assert sorted((v.rule, v.field) for v in exc.value.details) == [
        ("due_before_visit", "actions.0.due_on"), ("invalid", "rating"), ("visit_in_future", "visited_on")]
    db.session.rollback()
    data = visit_data()
    data["actions"][0]["due_on"] = (TODAY - timedelta(days=1)).isoformat()
    with pytest.raises(RuleViolation) as exc:
        visit_svc.record_visit(live, data, officer)
    assert [(v.rule, v.field) for v in exc.value.details] == [("due_before_visit", "actions.0.due_on")]
    db.session.rollback()
    live.state = "agreement_signed"
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        visit_svc.record_visit(live, visit_data(), officer)
    assert [v.rule for v in exc.value.details] == [rules.ALLIANCE_NOT_IN_EXECUTION]


def test_photo_checked_by_content_not_name(live, officer):
    v = make_visit(live, officer)
    with pytest.raises(UnsupportedType):
        visit_svc.add_photo(v, upload(PDF, "foto.jpg"), officer)
    db.session.rollback()
    p = visit_svc.add_photo(v, upload(PNG, "bebedero.png"), officer, "El bebedero")
    db.session.commit()
    assert p.content_type == "image/png" and p.caption == "El bebedero"


def test_follow_up_workflow(live, officer, board, treasurer):
    v = make_visit(live, officer)
    a = v.actions[0]
    with pytest.raises(Forbidden):
        visit_svc.act(a, "answer", treasurer, answer="hecho")
    db.session.rollback()
    with pytest.raises(Forbidden):
        visit_svc.act(a, "answer", officer, answer="hecho")
    db.session.rollback()
    with pytest.raises(InvalidTransition):
        visit_svc.act(a, "close", officer)
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        visit_svc.act(a, "answer", board, answer="  ")
    assert [d.rule for d in exc.value.details] == [rules.REQUIRED]
    db.session.rollback()
    visit_svc.act(a, "answer", board, answer="Bebedero instalado", evidence=upload(PDF, "acta.pdf"))
    db.session.commit()
    assert a.state == "answered" and a.evidence_content_type == "application/pdf"
    assert len(notes_for(officer)) == 1
    with pytest.raises(Forbidden):
        visit_svc.act(a, "close", board)
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        visit_svc.act(a, "reopen", officer)
    assert [d.rule for d in exc.value.details] == [rules.COMMENT_REQUIRED]
    db.session.rollback()
    visit_svc.act(a, "reopen", officer, comment="Falta la foto del bebedero")
    db.session.commit()
    assert a.state == "open" and a.officer_comment == "Falta la foto del bebedero"
    visit_svc.act(a, "answer", board, answer="Foto adjunta", evidence=upload(JPEG, "foto.jpg"))
    visit_svc.act(a, "close", officer)
    db.session.commit()
    assert a.state == "closed" and a.closed_at is not None
    trail = db.session.execute(sa.select(Event.action, Event.from_state, Event.to_state).where(
        Event.object_type == "follow_up_action", Event.object_id == a.id).order_by(Event.id)).all()
    assert [tuple(t) for t in trail] == [("answer", "open", "answered"), ("reopen", "answered", "open"),
                                         ("answer", "open", "answered"), ("close", "answered", "closed")]


# pages ------------------------------------------------------------------------------------------------

def test_visit_pages_and_photo_served_only_to_insiders(live, login, officer, board, member_user, auditor,
                                                       other_board, other_officer, ta_provider):
    v = make_visit(live, officer, photos=[upload(JPEG, "galpon.jpg")])
    p = v.photos[0]
    url = f"/alliances/{live.id}/monitoring/visits/{v.id}/photos/{p.id}"
    for insider in (officer, board, member_user, auditor):
        resp = login(insider).get(url)
        assert resp.status_code == 200 and resp.data == JPEG and resp.mimetype == "image/jpeg"
        assert login(insider).get(f"/alliances/{live.id}/monitoring/visits/{v.id}").status_code == 200
    for outsider in (other_board, other_officer, ta_provider):
        assert login(outsider).get(url).status_code == 404
        assert login(outsider).get(f"/alliances/{live.id}/monitoring/visits/{v.id}").status_code == 404
    # a photo id under another visit: 404
    other = make_visit(live, officer)
    assert login(board).get(f"/alliances/{live.id}/monitoring/visits/{other.id}/photos/{p.id}").status_code == 404


def test_record_visit_page(live, login, officer, board):
    url = f"/alliances/{live.id}/monitoring/visits"
    base = {"visited_on": TODAY.isoformat(), "place": "Achacachi", "participants": "12", "findings": "Bien",
            "rating": "satisfactory", "actions-0-description": "Pintar el galpón",
            "actions-0-due_on": (TODAY + timedelta(days=10)).isoformat()}

    def form(data=JPEG, **kw):
        return dict(base, photos=(io.BytesIO(data), "a.jpg"), **kw)

    assert login(board).post(url, data=form(), content_type="multipart/form-data").status_code == 403
    bad = form(rating="")
    resp = login(officer).post(url, data=bad, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Pintar el galpón" in resp.get_data(as_text=True)
    resp = login(officer).post(url, data=form(), content_type="multipart/form-data")
    assert resp.status_code == 302
    v = db.session.scalars(sa.select(Visit)).one()
    assert len(v.actions) == 1 and len(v.photos) == 1
    wrong = form(PDF)
    assert login(officer).post(url, data=wrong, content_type="multipart/form-data").status_code == 415
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 1


def test_action_pages(live, login, officer, board, member_user):
    v = make_visit(live, officer)
    a = v.actions[0]
    url = f"/alliances/{live.id}/monitoring/actions/{a.id}"
    assert login(member_user).post(url, data={"action": "answer", "answer": "x"}).status_code == 403
    assert login(officer).post(url, data={"action": "answer", "answer": "x"}).status_code == 403
    page = login(board).get(f"/alliances/{live.id}/monitoring/visits/{v.id}").get_data(as_text=True)
    assert f'id="answer-form-{a.id}"' in page
    resp = login(board).post(url, data={"action": "answer", "answer": "Hecho",
                                        "evidence": (io.BytesIO(PNG), "foto.png")},
                             content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.refresh(a)
    assert a.state == "answered"
    ev = login(member_user).get(f"/alliances/{live.id}/monitoring/actions/{a.id}/evidence")
    assert ev.status_code == 200 and ev.data == PNG
    resp = login(officer).post(url, data={"action": "reopen", "comment": ""})
    assert resp.status_code == 422
    assert login(officer).post(url, data={"action": "close"}).status_code == 302
    db.session.refresh(a)
    assert a.state == "closed"
    assert login(officer).post(url, data={"action": "bogus"}).status_code == 400


def test_alliance_page_links(live, login, board, officer):
    html = login(board).get(f"/alliances/{live.id}").get_data(as_text=True)
    assert 'id="monitoring"' in html and 'id="indicators-link"' in html and 'id="visits-link"' in html
