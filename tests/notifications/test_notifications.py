"""Notifications: in the app and by e-mail through a real SMTP server on loopback (aiosmtpd); mail
leaves only after the commit, never on rollback, and a dead server never breaks the request."""
import logging
import socket
import time

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from grants.extensions import db
from grants.notifications import mail
from grants.notifications.models import Notification
from grants.notifications.services import notify, unread_count

from tests.proposal_support import act, attach, ready, submitted  # noqa: F401


class Keeper:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    keeper = Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SENDER="alianzas@example.org")
    try:
        yield keeper
    finally:
        app.config.update(saved)
        controller.stop()


def received(keeper, count, timeout=5):
    deadline = time.monotonic() + timeout
    while len(keeper.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return keeper.messages


def notes(user):
    return db.session.execute(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).scalars().all()


def test_a_submission_tells_the_officers_of_the_region(smtp, ready, board, officer, other_officer, make_user):
    colleague = make_user(roles=["officer"], regions=["La Paz", "Oruro"], name="Otro Oficial")
    act(ready, "submit", board)
    assert [n.link for n in notes(officer)] == [f"/alliances/{ready.id}"]
    assert ready.code in notes(officer)[0].subject and ready.association.name in notes(officer)[0].body
    assert len(notes(colleague)) == 1 and notes(other_officer) == [] and notes(board) == []
    msgs = received(smtp, 2)
    assert sorted(m.rcpt_tos[0] for m in msgs) == sorted([officer.email, colleague.email])
    assert msgs[0].mail_from == "alianzas@example.org"
    assert ready.code.encode() in msgs[0].content


def test_every_decision_reaches_the_board_with_the_comment(smtp, submitted, board, officer, make_user, association,
                                                           member_user):
    second = make_user(memberships=[(association, "board")], name="Sara Secretaria")
    smtp.messages.clear()
    act(submitted, "return_for_info", officer, comment="Adjunten la carta firmada por PIL")
    for user in (board, second):
        (note,) = notes(user)
        assert "Adjunten la carta firmada por PIL" in note.body and "Oscar Oficial" in note.body
    assert notes(member_user) == []  # members read the alliance page; decisions go to the board
    msgs = received(smtp, 2)
    assert sorted(m.rcpt_tos[0] for m in msgs) == sorted([board.email, second.email])
    assert "Adjunten la carta firmada por PIL" in msgs[0].content.decode()


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(smtp, app, board, officer):
    notify([officer], "Asunto", "Cuerpo", "/x")
    time.sleep(0.2)
    assert smtp.messages == []  # queued, not sent
    db.session.rollback()
    db.session.commit()
    time.sleep(0.2)
    assert smtp.messages == [] and notes(officer) == []
    notify([officer], "Asunto", "Cuerpo", "/x")
    db.session.commit()
    assert [m.rcpt_tos for m in received(smtp, 1)] == [[officer.email]]


def test_a_refused_action_sends_nothing(smtp, alliance, board, officer, api):
    resp = api(board).post(f"/alliances/{alliance.id}/transitions", json={"action": "submit"})
    assert resp.status_code == 422
    time.sleep(0.2)
    assert smtp.messages == [] and notes(officer) == []


def test_a_dead_mail_server_is_logged_and_never_breaks_the_request(app, ready, board, officer, api, caplog):
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    try:
        with caplog.at_level(logging.ERROR, logger="grants.mail"):
            resp = api(board).post(f"/alliances/{ready.id}/transitions", json={"action": "submit"})
    finally:
        app.config.update(saved)
    assert resp.status_code == 200, resp.get_json()
    db.session.refresh(ready)
    assert ready.state == "submitted" and len(notes(officer)) == 1
    assert any("unreachable" in r.getMessage() for r in caplog.records)


def test_without_a_mail_server_only_the_app_is_told(app, ready, board, officer):
    assert not app.config.get("MAIL_SERVER")
    act(ready, "submit", board)
    assert len(notes(officer)) == 1
    assert mail.OUTBOX not in db.session.info


def test_messages_follow_the_recipients_language(smtp, make_user, officer):
    english = make_user(roles=["officer"], regions=["La Paz"], locale="en")
    from flask_babel import lazy_gettext as _l

    notify([english, officer], _l("Your business intention %(code)s", code="X-1"), _l("Hello"), None)
    db.session.commit()
    assert notes(english)[0].subject == "Your business intention X-1"
    assert len(received(smtp, 2)) == 2


# the page and the API ---------------------------------------------------------------------------

def test_the_page_lists_and_marks_read_and_the_header_counts(officer, submitted, login):
    client = login(officer)
    home = client.get("/dashboard").get_data(as_text=True)
    assert 'class="count"' in home and ">1</span>" in home
    assert unread_count(officer) == 1
    page = client.get("/notifications/").get_data(as_text=True)
    assert submitted.code in page and f'href="/alliances/{submitted.id}"' in page
    assert unread_count(officer) == 0
    assert 'class="count"' not in client.get("/dashboard").get_data(as_text=True)


def test_the_api_lists_my_notifications_only(officer, submitted, board, api):
    mine = api(officer).get("/notifications?unread=1").get_json()
    assert mine["total"] == 1 and mine["items"][0]["link"] == f"/alliances/{submitted.id}"
    assert api(board).get("/notifications").get_json()["total"] == 0
    other = api(board).post("/notifications/read", json={"ids": [mine["items"][0]["id"]]})
    assert other.status_code == 200 and other.get_json()["marked"] == 0  # not theirs
    resp = api(officer).post("/notifications/read", json={})
    assert resp.get_json() == {"marked": 1, "unread": 0}
    assert api(officer).get("/notifications?unread=1").get_json()["total"] == 0
    assert api(officer).post("/notifications/read", json={"ids": ["x"]}).status_code == 400
    assert api().get("/notifications").status_code == 401


def test_the_board_hears_of_each_decision_up_to_preselection(board, submitted, officer, committee):
    from tests.proposal_support import english, score_all

    english(board)
    score_all(submitted, officer)
    act(submitted, "declare_eligible", officer)
    act(submitted, "preselect", committee)
    subjects = [n.subject for n in notes(board)]
    assert len(subjects) == 2 and all(submitted.code in s for s in subjects)
    assert "Eligible" in subjects[0] and "Preselected" in subjects[1]
    assert unread_count(board) == 2


@pytest.mark.committing
def test_the_notifications_shown_stay_read_the_edge_commits_the_read(officer, submitted, login, db):
    """The page is a GET that writes: the request edge (grants/web/edge.py) commits it, not the view."""
    db.session.commit()
    login(officer).get("/notifications/")
    db.session.rollback()  # the test's session sees only what the request committed
    assert unread_count(officer) == 0
