from tests.plan_helpers import start_plan, complete_plan
from grants.alliances.services import take_action
from grants.plans import services, review
from grants.extensions import db

def test_pages(db, alliance, officer, facilitator, board, login, committee):
    start_plan(alliance, officer, facilitator)
    web = login(facilitator)
    base = f"/alliances/{alliance.id}/plan"
    for path in ["/", "/sections", "/budget", "/tranches", "/cash-flow", "/indicators", "/assessments/empowerment", "/appraisal", "/reviews", "/revisions", "/plan.pdf", "/budget.xlsx"]:
        r = web.get(base + path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[-3000:])
    r = web.get(f"/alliances/{alliance.id}")
    assert r.status_code == 200 and 'id="plan"' in r.get_data(as_text=True)
    complete_plan(alliance, facilitator)
    for path in ["/", "/sections", "/budget", "/tranches", "/cash-flow", "/indicators", "/assessments/capacity", "/plan.pdf"]:
        r = web.get(base + path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[-3000:])
    print(web.get(base + "/budget").get_data(as_text=True)[-9000:])
