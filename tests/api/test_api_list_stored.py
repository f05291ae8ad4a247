"""The API list of alliances stored (grants/alliances/api.py ``stored_json`` on grants/alliances/stored.py, issue
12): a second request is served from the stored body, with the same JSON and headers as a drawn one and an ETag
(If-None-Match: 304); every kind of change that moves the list draws it again; another user's list, the query
string and the language give their own answer; a bad argument stores nothing; a token's request gets no cookie."""
from grants.accounts.models import User
from grants.alliances.api import LIST_ENDPOINT
from grants.alliances.models import Alliance, AllianceMember
from grants.associations.models import Association, Buyer
from grants.extensions import db as _db
from grants.programs.models import Program
from tests.api.test_api_support import assert_error
from tests.statements import statements
from tests.stored_support import change, mark, stored_row

LIST = "/alliances?per_page=50"


def _items(client, path=LIST):
    resp = client.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["items"]


def test_a_second_request_is_served_stored_with_the_same_answer_and_an_etag(db, api, officer, alliance):
    client = api(officer)
    first = client.get(LIST)
    assert first.status_code == 200 and first.mimetype == "application/json" and first.headers["ETag"]
    assert "Set-Cookie" not in first.headers  # a token's request: no session
    assert stored_row(officer, LIST_ENDPOINT) is not None
    with statements(db.engine) as seen:
        second = client.get(LIST)
    assert second.get_data() == first.get_data() and second.headers["ETag"] == first.headers["ETag"]
    assert not [s for s in seen if "FROM alliance_members" in s or s.startswith("SELECT alliances.")], seen
    assert second.get_json()["items"][0]["code"] == alliance.code and second.get_json()["total"] == 1
    mark(officer, LIST_ENDPOINT, alliance.code, "CODIGO-GUARDADO")
    assert _items(client)[0]["code"] == "CODIGO-GUARDADO"


def test_if_none_match_gives_304_until_the_list_moves(db, api, officer, alliance):
    client = api(officer)
    etag = client.get(LIST).headers["ETag"]
    same = client.get(LIST, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""
    change(Alliance, alliance.id, title="Miel de altura")
    moved = client.get(LIST, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert moved.get_json()["items"][0]["title"] == "Miel de altura"


def test_each_kind_of_change_draws_the_list_again(db, api, officer, alliance, make_alliance):
    members = list(alliance.member_ids)
    client = api(officer)
    _items(client)
    change(Alliance, alliance.id, state="submitted")
    assert _items(client)[0]["state"] == "submitted"
    change(Association, alliance.association_id, name="Asociación Nuevo Nombre")
    assert _items(client)[0]["association_name"] == "Asociación Nuevo Nombre"
    _db.session.delete(_db.session.get(AllianceMember, (alliance.id, members[0])))
    _db.session.commit()
    assert _items(client)[0]["families"] == len(members) - 1
    change(Program, alliance.call.program_id, currency="USD")  # shared: a program
    assert _items(client)[0]["currency"] == "USD"
    change(Buyer, alliance.buyer_id, name="Compradora Renombrada")  # shared: a buyer
    assert _items(client)[0]["buyer"]["name"] == "Compradora Renombrada"
    second = make_alliance(title="Quinua real orgánica")
    assert [i["code"] for i in _items(client)] == [second.code, alliance.code]


def test_another_region_leaves_the_stored_list_good(db, api, officer, other_officer, other_board, other_association,
                                                    make_alliance, alliance):
    there = make_alliance(assoc=other_association, actor=other_board)
    client = api(other_officer)
    assert [i["code"] for i in _items(client)] == [there.code]
    before = stored_row(other_officer, LIST_ENDPOINT)
    mark(other_officer, LIST_ENDPOINT, there.code, "CODIGO-GUARDADO")
    change(Alliance, alliance.id, title="Otra cosa")
    assert _items(client)[0]["code"] == "CODIGO-GUARDADO" and stored_row(other_officer, LIST_ENDPOINT).validator == before.validator
    change(Alliance, there.id, title="Miel de Potosí")
    assert _items(client)[0]["code"] == there.code


def test_each_user_query_string_and_language_has_its_own_answer(db, api, officer, other_officer, board, other_board,
                                                               other_association, make_alliance, alliance):
    there = make_alliance(assoc=other_association, actor=other_board)
    change(Alliance, there.id, state="submitted")
    codes = {u.id: [i["code"] for i in _items(api(u))] for u in (officer, other_officer, board, other_board)}
    assert codes[officer.id] == codes[board.id] == [alliance.code]
    assert codes[other_officer.id] == codes[other_board.id] == [there.code]
    assert all(stored_row(u, LIST_ENDPOINT) is not None for u in (officer, other_officer, board, other_board))  # a row each
    client = api(other_officer)
    assert _items(client, "/alliances?state=draft") == []
    assert client.get("/alliances?per_page=1&page=2").get_json() == {"items": [], "page": 2, "per_page": 1,
                                                                     "total": 1}
    assert _items(client)[0]["state_title"] == "Presentado"
    change(User, other_officer.id, locale="en")  # a column no list shows: no stamp moves
    assert _items(client)[0]["state_title"] == "Submitted"
    assert stored_row(other_officer, LIST_ENDPOINT, "es") is not None and stored_row(other_officer, LIST_ENDPOINT, "en") is not None


def test_a_bad_argument_stores_nothing(db, api, officer, alliance):
    client = api(officer)
    assert_error(client.get("/alliances?state=flying"), 400, "bad_request")
    assert_error(client.get("/alliances?per_page=101"), 400, "bad_request")
    assert stored_row(officer, LIST_ENDPOINT) is None
