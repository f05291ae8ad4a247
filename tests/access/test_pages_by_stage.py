"""Who sees what at each stage (issue 14, item 5): every page of an alliance × every state of the alliance workflow ×
every persona gets the status tests/access/stages.py writes down (no cell accepts "anything"). The world
(tests/access/world.py) is built once for the module; the tests only GET: every page in every state for the
personas whose rights change with the state, in one state of each class of states for the others
(``states_to_ask``)."""
import pytest

from grants.accounts.models import User
from tests.access.stages import PAGES, alliance_pages, expected, states_to_ask, url
from tests.access.world import ANON, PERSONAS, STATES
from tests.conftest import WebClient


def test_every_alliance_page_has_its_expectations(app):
    assert sorted(r.endpoint for r in alliance_pages(app)) == sorted(PAGES)


def test_the_expectations_have_no_anything_cell():
    cells = {expected(e, s, p) for e in PAGES for s in STATES for p in PERSONAS}
    assert cells == {200, 302, 403, 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_by_stage(app, world, db, persona):
    if persona == ANON:
        client = None  # a new client for each page: the login page's flashed message would pile up in its cookie
    else:
        user = db.session.execute(db.select(User).where(User.email == world.users[persona])).scalar_one()
        client = WebClient(app, user).client
    wrong = []
    for rule in alliance_pages(app):
        for state in states_to_ask(persona):
            path = url(rule, world.ids[state])
            resp = (client or app.test_client()).get(path)
            status, location = resp.status_code, resp.headers.get("Location", "")
            resp.close()
            want = expected(rule.endpoint, state, persona)
            if status != want or (want == 302 and "/login" not in location):
                wrong.append(f"{rule.endpoint} [{state}] {path}: {status}, expected {want}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
