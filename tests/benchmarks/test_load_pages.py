"""benchmarks/load.py measures real pages: every page it names answers 200 to its role (the agreement PDF row
measured a 404 for a while: a path without the funding prefix, and an alliance without an agreement)."""
import sqlalchemy as sa

from benchmarks import load
from grants.associations.models import Association
from grants.demo import seed_scale
from grants.demo.scale import SCALE_REGIONS
from grants.funding.models import Agreement


def test_every_page_of_the_load_benchmark_answers_200(db, login, admin, make_user):
    seed_scale(40, members=10, details=True, expenses=6)
    db.session.commit()
    first = load._first_of_each_stage(db)
    executing = first["in_execution"]
    load._agreement(db, executing.id)
    assert db.session.execute(sa.select(Agreement).where(Agreement.alliance_id == executing.id)).scalar()
    association = db.session.get(Association, executing.association_id)
    users = {"admin": admin, "officer": make_user(roles=["officer"], regions=[r for r, _m in SCALE_REGIONS]),
             "board": make_user(memberships=[(association, "board")]),
             "treasurer": make_user(memberships=[(association, "treasurer")])}
    clients = {who: login(user) for who, user in users.items()}
    checked = []
    for label, path, who in load._pages(first):
        if who not in clients:  # /healthz and the portal (anonymous), the API list (a token): elsewhere
            continue
        resp = clients[who].get(path)
        assert resp.status_code == 200, (label, path, resp.status_code)
        checked.append(label)
    assert "agreement PDF" in checked
    pdf = clients["officer"].get(f"/funding/alliances/{executing.id}/agreement.pdf")
    assert pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF")
