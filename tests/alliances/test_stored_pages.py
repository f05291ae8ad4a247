"""The stored pages over many alliances (grants/alliances/stored.py, issue 12): a second view is served from the
database; every kind of change that moves a list draws it again (no stale list), while a change in another
region leaves an officer's stored list good (the point of the scope stamps); one viewer never gets another's
list; the CSRF token, the language and the query string are the request's own."""
import sqlalchemy as sa
from flask import g
from flask_wtf.csrf import generate_csrf

from grants.accounts.models import OfficerRegion, User
from grants.alliances import cards, stored
from grants.alliances.models import Alliance
from grants.associations.models import Association
from grants.extensions import db as _db
from grants.programs.models import Call
from tests.statements import statements

LIST = "/alliances/"


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
