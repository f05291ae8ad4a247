"""The alliance page's stored parts (grants/alliances/cards.py, issue 12): a second view is served from the
database; every kind of change that moves the page draws it again (no stale card); one viewer never gets
another's parts, links or actions; the CSRF token and the language are the request's own."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g

from grants.accounts.models import Membership, User
from grants.alliances import cards
from grants.alliances.budget import Tranche
from grants.alliances.models import Alliance
from grants.associations.models import Association, Member
from grants.extensions import db as _db
from grants.funding.models import TrancheFlow
from tests.proposal_support import act, ready, score_all, submitted  # noqa: F401 (fixtures)
from tests.statements import statements


def _path(alliance):
    return f"/alliances/{alliance.id}"


def _page(client, alliance):
    resp = client.get(_path(alliance))
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _rows(alliance, user=None):
    f = cards.PageFragment
    query = sa.select(f.viewer_id, f.part, f.lang, f.html).where(f.alliance_id == alliance.id)
    if user is not None:
        query = query.where(f.viewer_id == user.id)
    return _db.session.execute(query.order_by(f.viewer_id, f.part)).all()


def test_a_second_view_is_served_from_the_stored_parts(db, login, board, alliance):
    web = login(board)
    first = _page(web, alliance)
    assert {(r.part, r.lang) for r in _rows(alliance, board)} == {("page", "es"), ("next", "es")}
    # what is served is the stored row: edited behind the app's back (no stamp moves), the edit is what shows
    db.session.execute(sa.update(cards.PageFragment.__table__).where(
        cards.PageFragment.alliance_id == alliance.id, cards.PageFragment.part == "page")
        .values(html=sa.func.replace(cards.PageFragment.html, alliance.title, "TITULO GUARDADO")))
    db.session.commit()
    second = _page(web, alliance)
    assert "TITULO GUARDADO" in second and alliance.title in first
    with statements(db.engine) as seen:
        _page(web, alliance)
    assert len(seen) == 2, seen  # the session's user, the page's one row: nothing drawn


def test_a_change_of_the_alliance_draws_it_again(db, login, board, alliance):
    web = login(board)
    _page(web, alliance)
    alliance.title = "Miel de Caranavi"
    db.session.commit()
    assert "Miel de Caranavi" in _page(web, alliance)


def test_a_record_of_a_stage_draws_it_again(db, login, board, alliance):
    """An object with an ``alliance_id`` (here a document) bumps its alliance's stamp when flushed."""
    web = login(board)
    assert "Documentos (0)" in _page(web, alliance)
    resp = web.post(f"/alliances/{alliance.id}/attachments",
                    data={"kind": "other", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "acta.pdf")},
                    content_type="multipart/form-data")
    assert resp.status_code == 302
    html = _page(web, alliance)
    assert "Documentos (1)" in html and "acta.pdf" in html


def test_a_transition_draws_both_viewers_pages_again(db, login, board, officer, submitted):
    board_web, officer_web = login(board), login(officer)
    _page(board_web, submitted)
    assert 'value="declare_eligible"' in _page(officer_web, submitted)
    score_all(submitted, officer)
    act(submitted, "declare_eligible", officer)
    after_board, after_officer = _page(board_web, submitted), _page(officer_web, submitted)
    assert 'value="declare_eligible"' not in after_officer
    for html in (after_board, after_officer):
        assert re.search(r'class="badge[^"]*"[^>]*>[^<]*Elegible', html) or "Elegible" in html.split('id="glance"')[1][:600]


def test_a_change_many_alliances_show_draws_them_again(db, login, board, officer, submitted, association):
    """The association's name (shared by its alliances) and a member family's name: its alliances' stamps."""
    web = login(board)
    html = _page(web, submitted)
    member = db.session.execute(sa.select(Member).where(Member.id == submitted.member_ids[0])).scalar_one()
    assert association.name in html and member.full_name in html
    db.session.get(Association, association.id).name = "Asociación Renombrada"
    db.session.get(Member, member.id).full_name = "Socia Renombrada"
    db.session.commit()
    html = _page(web, submitted)
    assert "Asociación Renombrada" in html and "Socia Renombrada" in html


def test_a_viewer_who_loses_the_right_gets_404_not_the_stored_page(db, login, board, alliance):
    web = login(board)
    _page(web, alliance)
    db.session.execute(sa.delete(Membership).where(Membership.user_id == board.id))  # bulk: bumps nothing
    cards.bump_all()  # as the code that removes a membership through the ORM does by its flush
    db.session.commit()
    assert web.get(_path(alliance)).status_code == 404


def test_removing_a_membership_through_the_orm_bumps_its_alliances(db, login, board, alliance):
    web = login(board)
    _page(web, alliance)
    for m in db.session.execute(sa.select(Membership).where(Membership.user_id == board.id)).scalars():
        db.session.delete(m)
    db.session.commit()
    assert web.get(_path(alliance)).status_code == 404


def test_a_new_day_and_new_code_draw_it_again(db, login, board, alliance, monkeypatch):
    web = login(board)
    _page(web, alliance)
    marked = "NO ES DE HOY"
    db.session.execute(sa.update(cards.PageFragment.__table__).values(
        html=sa.func.replace(cards.PageFragment.html, alliance.title, marked)))
    db.session.commit()
    assert marked in _page(web, alliance)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(cards, "date", Tomorrow)
    assert marked not in _page(web, alliance)
    monkeypatch.undo()
    _page(web, alliance)  # today's parts again
    db.session.execute(sa.update(cards.PageFragment.__table__).values(
        html=sa.func.replace(cards.PageFragment.html, alliance.title, marked)))
    db.session.commit()
    assert marked in _page(web, alliance)
    monkeypatch.setattr(cards, "_RELEASE", ["another-release"])
    assert marked not in _page(web, alliance)


def test_one_viewer_never_gets_another_viewers_parts(db, login, board, officer, make_user, association,
                                                     submitted):
    """The officer may declare the intention eligible, the board may not; a second board member has the board's
    actions but rows of their own; each sees their own after both were stored."""
    other_board = make_user(memberships=[(association, "board")], name="Segunda Directiva")
    clients = {u: login(u) for u in (board, officer, other_board)}
    for _round in range(2):  # drawn, then served from storage
        pages = {u: _page(c, submitted) for u, c in clients.items()}
        assert 'value="declare_eligible"' in pages[officer]
        assert 'value="declare_eligible"' not in pages[board]
        assert 'value="declare_eligible"' not in pages[other_board]
        assert 'value="withdraw"' in pages[board] and 'value="withdraw"' not in pages[officer]
    viewers = {r.viewer_id for r in _rows(submitted)}
    assert viewers == {board.id, officer.id, other_board.id}


def test_each_session_gets_its_own_csrf_token(db, app, login, board, ready):
    alliance = ready
    one, two = login(board), login(board)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        _check_tokens(db, one, two, board, alliance)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _check_tokens(db, one, two, board, alliance):
    # the tests push one app context for every request: Flask-WTF would keep the first request's token in ``g``
    g.pop("csrf_token", None)
    page_one = _page(one, alliance)
    g.pop("csrf_token", None)
    page_two = _page(two, alliance)
    token_of = lambda html: re.findall(r'name="csrf_token" value="([^"]+)"', html)  # noqa: E731
    assert token_of(page_one) and token_of(page_two)
    stored = "".join(r.html for r in _rows(alliance, board))
    assert cards.CSRF in stored and not any(t in stored for t in token_of(page_one) + token_of(page_two))
    assert set(token_of(page_one)).isdisjoint(token_of(page_two))  # two sessions, two tokens
    # the token served from storage is the session's: the form it is in is accepted
    g.pop("csrf_token", None)
    again = _page(two, alliance)
    token = token_of(again)[0]
    resp = two.post(f"/alliances/{alliance.id}/transition",
                    data={"csrf_token": token, "action": "submit", "version": str(alliance.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-3000:]
    assert db.session.get(Alliance, alliance.id).state == "submitted"


def test_each_language_has_its_own_parts(db, login, board, alliance):
    web = login(board)
    assert "Su próximo paso" in _page(web, alliance)
    db.session.get(User, board.id).locale = "en"  # a column no card shows: no stamp moves
    db.session.commit()
    html = _page(web, alliance)
    assert "Your next step" in html and "Su próximo paso" not in html
    assert {r.lang for r in _rows(alliance, board)} == {"es", "en"}


def test_every_mapped_table_moves_a_stamp_or_is_known_quiet(db):
    """A flushed object moves its alliance's stamp (``alliance_id``, the alliance, or the record it hangs on),
    else the shared stamp; only the tables no alliance page shows are quiet, and each of them exists."""
    owners = cards._owner_tables()
    tables = {m.local_table.name for m in _db.Model.registry.mappers}
    assert cards.QUIET_TABLES <= tables
    hanging = {m.class_.__name__ for m, links in owners.items() if m != "built" and links}
    assert {"Deliverable", "Quotation", "TrancheFlow", "VisitPhoto", "AssessmentItem",
            "IndicatorActual"} <= hanging


def test_a_record_hanging_on_a_stage_record_bumps_its_alliance(db, alliance):
    """The flush of an object without ``alliance_id`` whose parent has one (read through its foreign key)
    bumps that alliance, not every alliance."""
    stamp = lambda ident: _db.session.execute(sa.select(cards.PageStamp.stamp).where(  # noqa: E731
        cards.PageStamp.alliance_id == ident)).scalar() or 0
    tranche = Tranche(alliance_id=alliance.id, number=1, amount=Decimal("100.00"), planned_on=date.today())
    db.session.add(tranche)
    db.session.commit()
    before, shared = stamp(alliance.id), stamp(cards.SHARED)
    db.session.expire_all()
    flow = TrancheFlow(tranche_id=tranche.id)
    db.session.add(flow)
    db.session.commit()
    assert stamp(alliance.id) == before + 1 and stamp(cards.SHARED) == shared


@pytest.mark.committing
def test_the_stored_parts_are_committed_for_every_worker(db, app, login, board, alliance):
    """A view that draws the page commits its parts (the page edge's write on read): another connection (another
    worker or host) reads them, and serves them."""
    web = login(board)
    _page(web, alliance)
    with _db.engine.connect() as other:
        parts = other.execute(sa.select(cards.PageFragment.part).where(
            cards.PageFragment.alliance_id == alliance.id, cards.PageFragment.viewer_id == board.id)).scalars()
        assert sorted(parts) == ["next", "page"]
    with statements(db.engine) as seen:
        _page(web, alliance)
    assert len(seen) == 2, seen


def test_an_association_change_bumps_its_own_alliances_only(db, alliance, make_alliance, other_association,
                                                           other_board):
    """A member's or the association's own change moves the stamps of that association's alliances: not the
    shared stamp (every stored page in the country), not another association's alliance."""
    stamp = lambda ident: _db.session.execute(sa.select(cards.PageStamp.stamp).where(  # noqa: E731
        cards.PageStamp.alliance_id == ident)).scalar() or 0
    other = make_alliance(assoc=other_association, actor=other_board)
    member = db.session.execute(sa.select(Member).where(Member.association_id == alliance.association_id)
                                .limit(1)).scalar_one()
    db.session.commit()
    mine, theirs, shared = stamp(alliance.id), stamp(other.id), stamp(cards.SHARED)
    member.full_name = "Socia Renombrada"
    db.session.commit()
    db.session.get(Association, alliance.association_id).name = "Asociación Renombrada"
    db.session.commit()
    assert stamp(alliance.id) == mine + 2
    assert stamp(other.id) == theirs and stamp(cards.SHARED) == shared


def test_a_changed_alliance_is_drawn_again_whatever_another_alliances_stamp(db, login, board, alliance,
                                                                           make_alliance):
    """The probe compares a stored part with ITS alliance's stamp: another alliance's stamp equal to the one the
    part was drawn at (once read by a subquery that did not correlate) must not make a stale part good."""
    other = alliance  # the lower id: the first row of page_stamps a stray subquery would read
    mine = make_alliance(title="Alianza de la prueba")
    db.session.commit()
    web = login(board)
    assert "Alianza de la prueba" in _page(web, mine)
    drawn_at = _db.session.execute(sa.select(cards.PageFragment.stamp).where(
        cards.PageFragment.alliance_id == mine.id).limit(1)).scalar_one()
    cards.bump([other.id])
    _db.session.execute(sa.update(cards.PageStamp.__table__).where(cards.PageStamp.alliance_id == other.id)
                        .values(stamp=drawn_at))
    _db.session.get(Alliance, mine.id).title = "Alianza renombrada"
    db.session.commit()
    assert "Alianza renombrada" in _page(web, mine)
