"""The stored home (grants/web/main.py ``home_content`` on grants/alliances/stored.py, issue 12): a second view is
served from the database; every kind of change that moves a home's tasks or counts draws it again (no stale
home); a change in another region leaves an officer's home good; one viewer never gets another's home; the
language and the day are the request's; a home whose tasks the stamps do not follow (the grievance office's, a
buyer's) is drawn each time."""
import re
from datetime import date, timedelta

import sqlalchemy as sa

from grants.accounts.models import Membership, OfficerRegion, User
from grants.alliances import cards
from grants.alliances.models import Alliance
from grants.associations.models import Association
from grants.extensions import db as _db
from grants.grievances import services as grievance_svc
from grants.monitoring.models import FollowUpAction
from grants.programs.models import Call
from tests.execution_support import executing
from tests.monitoring_support import make_visit
from tests.statements import statements
from tests.stored_support import change, mark, stored_row

HOME = "/dashboard"
ENDPOINT = "main.dashboard"


def _get(web):
    resp = web.get(HOME)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _codes(html):
    return re.findall(r'data-code="([a-z_]+)"', html)


def test_a_second_view_is_served_from_the_stored_home(db, login, officer, alliance):
    change(Alliance, alliance.id, state="submitted")
    web = login(officer)
    assert "intention_to_screen" in _codes(_get(web)) and stored_row(officer, ENDPOINT) is not None
    mark(officer, ENDPOINT, alliance.code, "CODIGO-GUARDADO")
    assert "CODIGO-GUARDADO" in _get(web)
    with statements(db.engine) as seen:
        html = _get(web)
    assert "CODIGO-GUARDADO" in html and cards.CSRF not in html
    assert len(seen) <= 3, seen  # the session's user (and its rows), the home's one probe: nothing drawn


def test_an_alliance_s_state_draws_the_tasks_and_counts_again(db, login, officer, alliance):
    web = login(officer)
    html = _get(web)
    assert "intention_to_screen" not in _codes(html) and "state=draft" in html
    change(Alliance, alliance.id, state="submitted")
    html = _get(web)
    assert _codes(html) == ["intention_to_screen"] and "state=submitted" in html and "state=draft" not in html


def test_a_new_alliance_of_the_board_s_association_draws_its_home_again(db, login, board, alliance,
                                                                          make_alliance):
    web = login(board)
    assert _codes(_get(web)) == ["intention_to_complete"]
    second = make_alliance(title="Quinua real orgánica")
    html = _get(web)
    assert _codes(html) == ["intention_to_complete"] * 2 and second.code in html


def test_a_row_of_a_stage_draws_the_officer_s_home_again(db, login, officer, facilitator, board, alliance):
    visit = make_visit(executing(alliance, officer, facilitator, board), officer)
    web = login(officer)
    assert "follow_up_to_close" not in _codes(_get(web))
    change(FollowUpAction, visit.actions[0].id, state="answered")
    assert "follow_up_to_close" in _codes(_get(web))


def test_the_association_s_name_and_the_user_s_own_name_draw_the_home_again(db, login, board, alliance):
    web = login(board)
    _get(web)
    change(Association, alliance.association_id, name="Asociación Nuevo Nombre")
    assert "Asociación Nuevo Nombre" in _get(web)
    change(User, board.id, name="Bernarda Renombrada")
    assert "Bernarda Renombrada" in _get(web)


def test_a_new_membership_and_new_regions_draw_the_home_again(db, login, make_user, officer, other_officer,
                                                              other_board, other_association, make_alliance):
    there = make_alliance(assoc=other_association, actor=other_board)
    somebody = make_user(name="Sin asociación")
    web = login(somebody)
    assert _codes(_get(web)) == []
    _db.session.add(Membership(user_id=somebody.id, association_id=other_association.id, role="board"))
    _db.session.commit()
    html = _get(web)
    assert _codes(html) == ["intention_to_complete"] and there.code in html
    change(Alliance, there.id, state="submitted")
    far = login(officer)
    assert there.code not in _get(far) and "intention_to_screen" not in _codes(_get(far))
    _db.session.add(OfficerRegion(user_id=officer.id, region="Potosí"))
    _db.session.commit()
    assert "intention_to_screen" in _codes(_get(far))
    _db.session.execute(sa.delete(OfficerRegion.__table__).where(OfficerRegion.user_id == officer.id,
                                                                 OfficerRegion.region == "Potosí"))
    _db.session.commit()  # a write past the flush: the scope's keys are in the variant all the same
    assert "intention_to_screen" not in _codes(_get(far))


def test_a_call_s_title_shared_draws_the_committee_s_home_again(db, login, committee, alliance):
    change(Alliance, alliance.id, state="eligible")
    web = login(committee)
    assert "intention_to_preselect" in _codes(_get(web))
    change(Call, alliance.call_id, title="Convocatoria renombrada")
    assert "Convocatoria renombrada" in _get(web)


def test_a_change_in_another_region_leaves_an_officer_s_home_good(db, login, officer, other_officer, other_board,
                                                                  other_association, make_alliance, alliance):
    there = make_alliance(assoc=other_association, actor=other_board)
    change(Alliance, there.id, state="submitted")
    potosi = login(other_officer)
    assert there.code in _get(potosi)
    before = stored_row(other_officer, ENDPOINT)
    mark(other_officer, ENDPOINT, there.code, "CODIGO-GUARDADO")
    change(Alliance, alliance.id, state="submitted")  # La Paz moves
    change(Association, alliance.association_id, name="Otro nombre")
    assert "CODIGO-GUARDADO" in _get(potosi)  # still the stored home: nothing of Potosí moved
    assert stored_row(other_officer, ENDPOINT).validator == before.validator
    change(Alliance, there.id, title="Miel de Potosí")
    assert "CODIGO-GUARDADO" not in _get(potosi)


def test_one_viewer_never_gets_another_s_home(db, login, make_user, officer, board, other_board, alliance,
                                             other_association, make_alliance):
    there = make_alliance(assoc=other_association, actor=other_board)
    twin = make_user(roles=["officer"], regions=["La Paz"], name="Otro Oficial")
    pages = {u.id: _get(login(u)) for u in (officer, twin, board, other_board)}
    assert "Oscar Oficial" in pages[officer.id] and "Otro Oficial" in pages[twin.id]
    assert "Oscar Oficial" not in pages[twin.id]
    assert alliance.code in pages[board.id] and there.code not in pages[board.id]
    assert there.code in pages[other_board.id] and alliance.code not in pages[other_board.id]
    assert len({stored_row(u, ENDPOINT).body for u in (officer, twin, board, other_board)}) == 4


def test_each_language_has_its_own_home(db, login, board, alliance):
    web = login(board)
    assert "Completar y presentar" in _get(web)
    change(User, board.id, locale="en")  # a column no home shows: no stamp moves
    html = _get(web)
    assert "Complete and submit the business intention" in html and "Completar y presentar" not in html
    assert stored_row(board, ENDPOINT, "es") is not None and stored_row(board, ENDPOINT, "en") is not None


def test_another_day_draws_the_home_again(db, login, board, alliance, monkeypatch):
    web = login(board)
    _get(web)
    mark(board, ENDPOINT, alliance.code, "CODIGO-GUARDADO")
    assert "CODIGO-GUARDADO" in _get(web)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(cards, "date", Tomorrow)  # the clock the variant reads: the next day
    assert "CODIGO-GUARDADO" not in _get(web)


def test_the_grievance_office_s_home_is_drawn_each_time(db, login, grievance_officer):
    web = login(grievance_officer)
    _get(web)
    g = grievance_svc.file_grievance({"category": "favoritism", "description": "Texto", "anonymous": True}, None)
    _db.session.commit()
    assert g.tracking_code in _get(web)  # a grievance without an alliance moves no stamp
    assert stored_row(grievance_officer, ENDPOINT) is None


def test_a_buyer_s_home_is_drawn_each_time_unless_the_scope_is_every_alliance(db, login, make_user, admin,
                                                                              officer, facilitator, board, alliance):
    """A buyer's deliveries are on alliances no region or association of theirs places: their home is drawn on each
    view (a new delivery shows at once); with a role that sees every alliance it is stored, and still redrawn."""
    from grants.sales import services as sales_svc
    from tests.sales_support import deliver, letter

    live = executing(alliance, officer, facilitator, board)
    letter(live)
    buyer = make_user(roles=["buyer"], name="Beatriz Compradora")
    sales_svc.link_account(live.buyer, buyer, admin)
    _db.session.commit()
    web = login(buyer)
    assert "delivery_to_confirm" not in _codes(_get(web))
    deliver(live, board)
    assert "delivery_to_confirm" in _codes(_get(web)) and stored_row(buyer, ENDPOINT) is None
    auditing = make_user(roles=["buyer", "auditor"], name="Compradora Auditora")
    sales_svc.link_account(live.buyer, auditing, admin)
    _db.session.commit()
    both = login(auditing)
    assert _codes(_get(both)).count("delivery_to_confirm") == 1 and stored_row(auditing, ENDPOINT) is not None
    deliver(live, board, days_ago=2)
    assert _codes(_get(both)).count("delivery_to_confirm") == 2
