"""Lists load only what they show (issue 12): a list prints each alliance's family count, never its
member rows, so neither its statements nor the rows it loads grow with the members of the alliances.

The ORM ``load`` event counts every Member and AllianceMember object a request builds.
"""
import pytest
import sqlalchemy as sa

from grants.alliances.models import AllianceMember
from grants.associations.models import Member
from grants.demo import seed_scale

HTML_LISTS = ("/alliances/", "/dashboard", "/screening")
API_LIST = "/alliances?per_page=50"


class Loads:
    """Counts ORM objects loaded and statements sent while active."""

    def __init__(self, db):
        self.db = db
        self.objects = {Member: 0, AllianceMember: 0}
        self.statements = 0

    def _load(self, target, _context):
        self.objects[type(target)] += 1

    def _stmt(self, _conn, _cursor, statement, *_args):
        # the test transaction's savepoints are not the page's (a stored list's first view commits; the next
        # request opens a savepoint)
        self.statements += not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))

    def __enter__(self):
        for cls in self.objects:
            sa.event.listen(cls, "load", self._load)
        sa.event.listen(self.db.engine, "before_cursor_execute", self._stmt)
        return self

    def __exit__(self, *exc):
        for cls in self.objects:
            sa.event.remove(cls, "load", self._load)
        sa.event.remove(self.db.engine, "before_cursor_execute", self._stmt)


def _seed(db, members):
    seed_scale(30, members=members)
    db.session.commit()
    db.session.expire_all()


def _measure(db, get, page):
    get(page)  # warm-up (session, caches)
    with Loads(db) as seen:
        resp = get(page)
    assert resp.status_code == 200, (page, resp.status_code)
    return seen


@pytest.mark.parametrize("page", HTML_LISTS)
def test_html_lists_load_no_member_rows(db, login, admin, officer, page):
    _seed(db, members=30)
    for user in (admin, officer):
        seen = _measure(db, login(user).get, page)
        assert seen.objects[Member] == 0, f"{page} as {user.email} loaded {seen.objects[Member]} member rows"
        assert seen.objects[AllianceMember] == 0, (
            f"{page} as {user.email} loaded {seen.objects[AllianceMember]} member links")


def test_api_list_loads_links_but_no_member_rows(db, api, admin):
    _seed(db, members=30)
    client = api(admin)
    seen = _measure(db, client.get, API_LIST)
    body = client.get(API_LIST).get_json()
    assert body["items"] and all(item["families"] == len(item["member_ids"]) for item in body["items"])
    assert seen.objects[Member] == 0, f"the API list loaded {seen.objects[Member]} member rows"


@pytest.mark.parametrize("page", HTML_LISTS)
def test_list_statements_do_not_grow_with_members(db, login, admin, page):
    client = login(admin)
    _seed(db, members=30)
    few = _measure(db, client.get, page).statements
    _seed(db, members=60)
    many = _measure(db, client.get, page).statements
    assert many == few, f"{page}: {few} statements with 30 members per association, {many} with 60 more"


def test_families_counts_links_without_loading_them(db, admin):
    _seed(db, members=30)
    from grants.alliances.models import Alliance

    alliance = db.session.execute(sa.select(Alliance).limit(1)).scalar_one()
    counted = alliance.families
    assert "member_links" not in sa.inspect(alliance).dict
    assert counted == len(alliance.member_links) > 0


@pytest.mark.parametrize("page", HTML_LISTS)
def test_lists_show_alliances(db, login, admin, officer, page):
    """The lists above are not empty in this data (else the checks above would prove nothing)."""
    _seed(db, members=30)
    from grants.alliances.models import Alliance

    codes = db.session.execute(sa.select(Alliance.code)).scalars().all()
    for user in (admin, officer) if page == "/alliances/" else (officer,):
        html = login(user).get(page).get_data(as_text=True)
        assert any(code in html for code in codes), (page, user.email)


CALL_LISTS = ("/programs/calls", "/api/v1/calls?per_page=50")


@pytest.mark.parametrize("page", CALL_LISTS)
def test_call_lists_do_not_query_per_call(db, login, api, admin, committee, make_call, page):
    """A call's regions, criteria and committee load when read: lists of calls load them in bulk."""
    if page.startswith("/api/"):
        token = api(admin)
        get = lambda path: token.get(path[len("/api/v1"):])  # noqa: E731
    else:
        get = login(admin).get
    make_call(regions=["La Paz"], committee_ids=[committee.id])
    few = _measure(db, get, page).statements
    for _ in range(4):
        make_call(regions=["La Paz", "Potosí"], committee_ids=[committee.id])
    many = _measure(db, get, page).statements
    assert many == few, f"{page}: {few} statements with 1 call, {many} with 5"
