"""The home's "alliances you can see" by state (issue 12): from the portfolio's stored cells when the user sees
every alliance or whole regions, counted otherwise; the same numbers as a count either way."""
import re

import sqlalchemy as sa

from grants.alliances.models import Alliance
from grants.alliances.permissions import alliance_filter
from grants.web.main import state_counts
from tests.statements import statements


def _counted(db, user):
    return dict(db.session.execute(sa.select(Alliance.state, sa.func.count()).where(alliance_filter(user))
                                   .group_by(Alliance.state)).all())


def _table(html):
    return {s: int(n) for s, n in re.findall(r'alliances/\?state=([a-z_]+)".*?<td class="num">(\d+)</td>', html, re.S)}


def test_the_counts_are_the_visible_alliances_by_state(db, app, login, make_alliance, other_association,
                                                       other_board, officer, other_officer, admin, board,
                                                       make_user, association):
    here = make_alliance()
    make_alliance()
    there = make_alliance(assoc=other_association, actor=other_board)
    here.state = "submitted"  # the intake checks belong to the proposals tests; the cells follow the flush
    db.session.commit()
    both = make_user(roles=["officer"], regions=["Potosí"], memberships=[(association, "board")], name="Doble")
    with app.test_request_context():
        for user in (officer, other_officer, admin, board, other_board, both):
            assert state_counts(user) == _counted(db, user), user.name
        assert state_counts(officer) == {"draft": 1, "submitted": 1}
        assert state_counts(other_officer) == {"draft": 1} and state_counts(admin)["draft"] == 2
        assert state_counts(both) == {"draft": 2, "submitted": 1}  # his region's and his association's
    web = login(officer)
    with statements(db.engine) as seen:
        html = web.get("/dashboard").get_data(as_text=True)
    assert _table(html) == {"draft": 1, "submitted": 1}
    # the officer's count reads the stored cells, not every alliance of his regions
    assert not [s for s in seen if "GROUP BY alliances.state" in s], seen
    assert there.id and _table(login(admin).get("/dashboard").get_data(as_text=True)) == {"draft": 2, "submitted": 1}
