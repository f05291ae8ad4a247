"""The alliance page asks the task sources about that alliance only (issue 12): it shows the work waiting on it
however many other alliances wait for the same person, and does not read theirs."""
import sqlalchemy as sa

from grants.alliances import cards, tasks
from grants.alliances.models import Alliance
from grants.demo import seed_scale
from grants.demo.scale import SCALE_REGIONS
from tests.statements import statements


def test_the_page_shows_its_task_when_more_than_the_home_limit_wait(db, login, admin, make_user):
    seed_scale(420, members=6)
    db.session.commit()
    submitted = db.session.execute(sa.select(Alliance).where(Alliance.state == "submitted")
                                   .order_by(Alliance.state_changed_at.desc(), Alliance.id.desc())).scalars().all()
    assert len(submitted) > tasks.LIMIT  # the newest is not among the home page's first LIMIT tasks
    officer = make_user(roles=["officer"], regions=[r for r, _m in SCALE_REGIONS])
    newest = submitted[0]
    html = login(officer).get(f"/alliances/{newest.id}").get_data(as_text=True)
    assert 'id="also-waiting"' in html or 'id="next-step-link"' in html, html[:3000]
    assert f"/alliances/{newest.id}/screen" in html.split('id="next-step"')[1].split("</section>")[0]


def test_sources_skip_states_they_cannot_serve(db, login, admin, make_user):
    """The page of an alliance in execution does not ask the sources of the intention, the plan or the
    closeout (and a source asked gets the one alliance: ``tasks.scope()``)."""
    seed_scale(90, members=6, details=True)
    db.session.commit()
    executing = db.session.execute(sa.select(Alliance).where(Alliance.state == "in_execution")
                                   .order_by(Alliance.id).limit(1)).scalar()
    officer = make_user(roles=["officer"], regions=[r for r, _m in SCALE_REGIONS])
    client = login(officer)
    client.get(f"/alliances/{executing.id}")
    cards.bump([executing.id])  # drawn again, not served from its stored parts (alliances/cards.py)
    with statements(db.engine) as seen:
        assert client.get(f"/alliances/{executing.id}").status_code == 200
    # the intention to screen, the plan to appraise and the alliance to close select alliances by state
    assert not [s for s in seen if "alliances.state = " in s or "alliances.state IN" in s], seen


def test_an_id_beyond_the_column_is_not_found(db, login, admin):
    """The page loads the alliance with its records in one statement: an id PostgreSQL's INTEGER cannot hold
    answers 404, not 500."""
    client = login(admin)
    for ident in ("99999999999999999999", "2147483648", "0"):
        assert client.get(f"/alliances/{ident}").status_code == 404, ident
