"""The stored pages over many alliances (grants/alliances/stored.py, issue 12): a second view is served from the
database; every kind of change that moves a list draws it again (no stale list), while a change in another
region leaves an officer's stored list good (the point of the scope stamps); one viewer never gets another's
list; the CSRF token, the language and the query string are the request's own."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import g, session
from flask_wtf.csrf import generate_csrf

from grants.accounts.models import OfficerRegion, User
from grants.alliances import cards, stored
from grants.alliances.models import Alliance
from grants.associations.models import Association
from grants.execution.models import AccountabilityReport
from grants.extensions import db as _db
from grants.programs.models import Call
from tests.execution_support import executing
from tests.proposal_support import act, attach
from tests.statements import statements

LIST = "/alliances/"


@pytest.fixture
def intention(alliance, board):
    """A draft that passes every intake check (tests/proposal_support.py's ``ready``)."""
    attach(alliance, board)
    return alliance


def _get(client, path=LIST):
    resp = client.get(path)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _row(user, endpoint="alliances.index", lang="es"):
    s = stored.StoredPage
    return _db.session.execute(sa.select(s.body, s.validator, s.shared, s.variant, s.built_at).where(
        s.endpoint == endpoint, s.viewer_id == user.id, s.lang == lang)).first()


def _mark(user, text, marker, endpoint="alliances.index"):
    """Edit ``user``'s stored body behind the app's back (no stamp moves): a view that shows ``marker`` was
    served from the stored row."""
    s = stored.StoredPage
    _db.session.execute(sa.update(s.__table__).where(s.endpoint == endpoint, s.viewer_id == user.id)
                        .values(body=sa.func.replace(s.body, text, marker)))
    _db.session.commit()


def _all_drawn_again(webs, model, ident, column, value):
    """Each of ``webs`` views its list, ``model``'s ``column`` becomes ``value``: each list shows it."""
    for web in webs:
        _get(web)
    setattr(_db.session.get(model, ident), column, value)
    _db.session.commit()
    assert all(value in _get(web) for web in webs)


def test_a_second_view_is_served_from_the_stored_list(db, login, officer, alliance):
    web = login(officer)
    first = _get(web)
    assert alliance.code in first and _row(officer) is not None
    _mark(officer, alliance.code, "CODIGO-GUARDADO")
    assert "CODIGO-GUARDADO" in _get(web)
    with statements(db.engine) as seen:
        _get(web)
    assert len(seen) <= 3, seen  # the session's user (and its rows), the list's one probe: nothing drawn


def test_an_alliance_s_state_draws_the_list_again(db, login, officer, alliance):
    web = login(officer)
    assert "Borrador" in _get(web)
    db.session.get(Alliance, alliance.id).state = "submitted"
    db.session.commit()
    rows = _get(web).split("<tbody>")[1].split("</tbody>")[0]
    assert "Borrador" not in rows and "Presentado" in rows


def test_an_association_s_name_draws_the_list_again(db, login, officer, board, alliance):
    _all_drawn_again([login(officer), login(board)], Association, alliance.association_id, "name",
                     "Asociación Nuevo Nombre")


def test_an_association_moved_to_another_region_leaves_one_list_and_enters_the_other(
        db, login, officer, other_officer, alliance):
    la_paz, potosi = login(officer), login(other_officer)
    assert alliance.code in _get(la_paz) and alliance.code not in _get(potosi)
    db.session.get(Association, alliance.association_id).region = "Potosí"
    db.session.commit()
    assert alliance.code not in _get(la_paz)
    assert alliance.code in _get(potosi)


def test_a_new_alliance_in_the_region_draws_the_list_again(db, login, officer, alliance, make_alliance):
    web = login(officer)
    _get(web)
    second = make_alliance(title="Quinua real orgánica")
    assert second.code in _get(web)


def test_a_deleted_alliance_leaves_the_list(db, login, officer, alliance, make_alliance):
    second = make_alliance(title="Quinua real orgánica")
    web = login(officer)
    assert second.code in _get(web)
    db.session.execute(sa.delete(cards.PageFragment.__table__).where(cards.PageFragment.alliance_id == second.id))
    db.session.delete(db.session.get(Alliance, second.id))
    db.session.commit()
    html = _get(web)
    assert second.code not in html and alliance.code in html


def test_a_call_s_name_shared_draws_every_list_again(db, login, officer, other_officer, alliance):
    # the filter's calls: shared by every list, of every region
    _all_drawn_again([login(officer), login(other_officer)], Call, alliance.call_id, "title",
                     "Convocatoria renombrada")


def test_the_officer_s_regions_draw_the_list_again(db, login, other_officer, alliance):
    web = login(other_officer)
    assert alliance.code not in _get(web)
    db.session.add(OfficerRegion(user_id=other_officer.id, region="La Paz"))
    db.session.commit()
    assert alliance.code in _get(web)
    db.session.execute(sa.delete(OfficerRegion.__table__).where(OfficerRegion.user_id == other_officer.id,
                                                                 OfficerRegion.region == "La Paz"))
    db.session.commit()  # a write past the flush: the scope's keys are in the variant all the same
    assert alliance.code not in _get(web)


def test_a_change_in_another_region_leaves_an_officer_s_list_good(db, login, officer, other_officer, other_board,
                                                                   other_association, make_alliance, alliance):
    potosi_alliance = make_alliance(assoc=other_association, actor=other_board, families=3)
    potosi = login(other_officer)
    assert potosi_alliance.code in _get(potosi)
    before = _row(other_officer)
    _mark(other_officer, potosi_alliance.code, "CODIGO-GUARDADO")
    # La Paz moves: its alliance, its association, a new alliance there
    db.session.get(Alliance, alliance.id).title = "Otra cosa"
    db.session.get(Association, alliance.association_id).name = "Otro nombre"
    db.session.commit()
    make_alliance(title="Quinua real orgánica")
    assert "CODIGO-GUARDADO" in _get(potosi)  # still the stored list: nothing of Potosí moved
    assert _row(other_officer).validator == before.validator
    db.session.get(Alliance, potosi_alliance.id).title = "Miel de Potosí"
    db.session.commit()
    assert "CODIGO-GUARDADO" not in _get(potosi)


def test_one_viewer_never_gets_another_s_list(db, login, admin, officer, board, other_board, alliance, make_alliance,
                                              other_association):
    other = make_alliance(assoc=other_association, actor=other_board, families=0)
    admin_web, officer_web, board_web, other_web = login(admin), login(officer), login(board), login(other_board)
    admin_html = _get(admin_web)
    assert alliance.code in admin_html and other.code in admin_html
    officer_html = _get(officer_web)
    assert alliance.code in officer_html and other.code not in officer_html
    board_html = _get(board_web)
    assert alliance.code in board_html and other.code not in board_html
    other_html = _get(other_web)
    assert other.code in other_html and alliance.code not in other_html
    bodies = [_row(u).body for u in (admin, officer, board, other_board)]
    assert len(set(bodies)) == 4


def test_the_query_string_gives_its_own_answer(db, login, officer, alliance, make_alliance):
    second = make_alliance(title="Quinua real orgánica")
    db.session.get(Alliance, second.id).state = "submitted"
    db.session.commit()
    web = login(officer)
    everything = _get(web)
    assert alliance.code in everything and second.code in everything
    drafts = _get(web, LIST + "?state=draft")
    assert alliance.code in drafts and second.code not in drafts
    assert second.code in _get(web, LIST + "?q=quinua") and alliance.code not in _get(web, LIST + "?q=quinua")
    assert second.code in _get(web)  # back to no filter: drawn again, the one row holds the last variant


def test_each_language_has_its_own_list(db, login, officer, alliance):
    web = login(officer)
    assert "Borrador" in _get(web)
    db.session.get(User, officer.id).locale = "en"  # a column no list shows: no stamp moves
    db.session.commit()
    html = _get(web)
    assert "Draft" in html and "Borrador" not in html
    assert _row(officer, lang="es") is not None and _row(officer, lang="en") is not None


def test_the_csrf_token_is_the_request_s(app, db, officer):
    def draw():
        return f'<input name="csrf_token" value="{generate_csrf()}">'

    with app.test_request_context("/alliances/"):
        first_token = generate_csrf()
        first = str(stored.page("test.csrf", draw, user=officer))
    assert first_token in first
    body = _row(officer, endpoint="test.csrf").body
    assert first_token not in body and cards.CSRF in body
    with app.test_request_context("/alliances/"):
        g.pop("csrf_token", None)  # another session's token (g lives as long as the test's app context)
        second_token = generate_csrf()
        second = str(stored.page("test.csrf", lambda: "NOT DRAWN", user=officer))
    assert second_token != first_token
    assert second_token in second and first_token not in second


def test_an_association_without_alliances_bumps_its_own_scope(db, make_association):
    association = make_association(region="Oruro", members=0)
    stamps = dict(db.session.execute(sa.select(stored.ScopeStamp.scope, stored.ScopeStamp.stamp)).all())
    before = stamps.get(stored.association_key(association.id), 0)
    db.session.get(Association, association.id).name = "Asociación sin alianzas"
    db.session.commit()
    after = db.session.execute(sa.select(stored.ScopeStamp.stamp).where(
        stored.ScopeStamp.scope == stored.association_key(association.id))).scalar()
    assert after == before + 1


SCREENING = "/screening"
REPORTS = "/accountability-reports/"


def test_the_screening_queue_is_stored_and_drawn_again_by_a_submission(db, login, officer, other_officer, board,
                                                                        intention):
    la_paz, potosi = login(officer), login(other_officer)
    assert intention.code not in _get(la_paz, SCREENING)
    _get(potosi, SCREENING)
    before = _row(other_officer, endpoint="proposals.queue")
    act(intention, "submit", board)
    assert intention.code in _get(la_paz, SCREENING)
    assert intention.code not in _get(potosi, SCREENING)
    assert _row(other_officer, endpoint="proposals.queue").validator == before.validator  # Potosí did not move


def test_the_screening_queue_s_ages_are_drawn_on_each_view(db, login, officer, board, intention):
    act(intention, "submit", board)
    submitted = intention
    web = login(officer)
    html = _get(web, SCREENING)
    assert submitted.code in html and "0 días" in html and 'class="age late"' not in html
    body = _row(officer, endpoint="proposals.queue").body
    assert "<grants-age since=" in body and "0 días" not in body  # stored without its age
    long_ago = (submitted.state_changed_at - timedelta(days=20, hours=1)).isoformat()
    _mark(officer, submitted.state_changed_at.isoformat(), long_ago, endpoint="proposals.queue")
    html = _get(web, SCREENING)  # served as stored: the age is counted now, from the stored moment
    assert '<span class="age late">20 días</span>' in html and "<grants-age" not in html
    db.session.get(User, officer.id).locale = "en"
    db.session.commit()
    assert '<span class="age">0 days</span>' in _get(web, SCREENING)


def test_the_accountability_queue_is_drawn_again_by_a_report(db, login, officer, other_officer, facilitator, board,
                                                             treasurer, alliance):
    executing(alliance, officer, facilitator, board)
    la_paz, potosi = login(officer), login(other_officer)
    assert 'id="queue-empty"' in _get(la_paz, REPORTS)
    _get(potosi, REPORTS)
    before = _row(other_officer, endpoint="accountability.queue")
    report = AccountabilityReport(alliance_id=alliance.id, period_start=date(2026, 1, 1),
                                  period_end=date(2026, 6, 30), state="submitted", created_by_id=treasurer.id)
    db.session.add(report)
    db.session.commit()
    assert f'id="queued-report-{report.id}"' in _get(la_paz, REPORTS)
    assert 'id="queue-empty"' in _get(potosi, REPORTS)
    assert _row(other_officer, endpoint="accountability.queue").validator == before.validator
    db.session.get(AccountabilityReport, report.id).state = "approved"
    db.session.commit()
    assert 'id="queue-empty"' in _get(la_paz, REPORTS)
    assert f'id="queued-report-{report.id}"' in _get(la_paz, REPORTS + "?state=approved")


def test_an_alliance_moved_to_another_association_leaves_the_old_board_s_list(db, login, board, other_board,
                                                                               other_association, alliance):
    old_board, new_board = login(board), login(other_board)
    assert alliance.code in _get(old_board) and alliance.code not in _get(new_board)
    db.session.get(Alliance, alliance.id).association_id = other_association.id
    db.session.commit()
    assert alliance.code not in _get(old_board)
    assert alliance.code in _get(new_board)


def test_a_write_past_the_flush_bumped_by_cards_draws_the_lists_again(db, login, officer, alliance):
    web = login(officer)
    _get(web)
    db.session.execute(sa.update(Alliance.__table__).where(Alliance.id == alliance.id).values(title="Café de Yungas"))
    cards.bump({alliance.id})
    db.session.commit()
    assert "Café de Yungas" in _get(web)


def _scope_stamp(key):
    return _db.session.execute(sa.select(stored.ScopeStamp.stamp).where(stored.ScopeStamp.scope == key)).scalar() or 0


def test_the_scopes_are_bumped_as_the_transaction_commits_not_at_each_flush(db, alliance):
    key = stored.region_key("La Paz")
    before = _scope_stamp(key)
    db.session.get(Alliance, alliance.id).title = "Primero"
    db.session.flush()
    assert _scope_stamp(key) == before  # the region's row is not locked from the first flush on
    with db.session.begin_nested():
        db.session.get(Alliance, alliance.id).product = "Miel"
    savepoint = db.session.begin_nested()
    db.session.get(Alliance, alliance.id).title = "Segundo"
    db.session.flush()
    savepoint.rollback()  # a savepoint rolled back: what the transaction moved before it is still to bump
    db.session.commit()
    assert _scope_stamp(key) == before + 1
    db.session.get(Alliance, alliance.id).title = "Tercero"
    db.session.flush()
    db.session.rollback()  # nothing of it is bumped by the next commit
    db.session.commit()
    assert _scope_stamp(key) == before + 1


def test_each_page_of_the_list_is_its_own_answer(app, db, login, officer, alliance, make_alliance):
    second = make_alliance(title="Quinua real orgánica")
    web = login(officer)
    per_page = app.config["PER_PAGE"]
    app.config["PER_PAGE"] = 1
    try:
        first_page, second_page = _get(web), _get(web, LIST + "?page=2")
        assert second.code in first_page and alliance.code not in first_page  # the newest first
        assert alliance.code in second_page and second.code not in second_page
        assert second.code in _get(web, LIST + "?page=1")
    finally:
        app.config["PER_PAGE"] = per_page


def test_a_json_body_is_stored_as_it_is_without_touching_the_session(app, db, officer):
    with app.test_request_context("/api/v1/anything"):
        text = stored.body("test.json", lambda: '{"items": []}', user=officer)
        assert text == '{"items": []}' and "csrf_token" not in g and not session.modified
    assert _row(officer, endpoint="test.json").body == '{"items": []}'
    with app.test_request_context("/api/v1/anything"):
        assert stored.body("test.json", lambda: "NOT DRAWN", user=officer) == '{"items": []}'


@pytest.mark.committing
def test_a_writer_does_not_lock_its_region_s_row_before_it_commits(db, alliance):
    """Another transaction can bump La Paz while a writer of La Paz holds uncommitted flushes (PostgreSQL's row
    locks; SQLite locks the whole file for any writer)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    key = stored.region_key("La Paz")
    stored.bump({key})
    db.session.commit()
    before = _scope_stamp(key)
    db.session.get(Alliance, alliance.id).title = "Sin confirmar"
    db.session.flush()
    with db.engine.connect() as other:
        other.execute(sa.text("SET LOCAL lock_timeout = '2s'"))  # LOCAL: the pooled connection keeps no timeout
        other.execute(sa.update(stored.ScopeStamp.__table__).where(stored.ScopeStamp.scope == key)
                      .values(stamp=stored.ScopeStamp.stamp + 1))
        other.commit()
    db.session.commit()
    assert _scope_stamp(key) == before + 2  # the other's, then the writer's as it committed
