"""The common world of the fixtures (tests/factories.py ``base_world``): built through the services once per process
and copied back for the later tests. The copy must be the very database the services built: every table's rows,
the audit chain whole, the fixtures' objects those of the copy; and it is made in the order the test asks."""
import pytest
import sqlalchemy as sa

from grants.alliances.cards import PageStamp
from grants.alliances.stored import ScopeStamp
from grants.associations.services import member_counts
from grants.audit.models import Event
from grants.audit.services import verify_chain
from tests.demo_snapshot import dump_rows, restore_rows
from tests.factories import _SNAPSHOTS, _world_part


@pytest.mark.parametrize("turn", [1, 2])  # the first builds (in a fresh process), the second gets the copy
def test_the_copy_is_what_the_services_built(db, request, alliance, association, board, call, officer, turn):
    part = _world_part(request.node)
    assert part == ("admin", "program", "call", "association", "board", "alliance", "officer")
    key = next(k for k in _SNAPSHOTS if k[0] == part)
    refs, tables = _SNAPSHOTS[key]
    assert dump_rows(db) == tables  # nothing more, nothing less, nothing changed
    assert (alliance.association, alliance.call, board.memberships[0].association) == (association, call, association)
    assert member_counts(association)["total"] == 25 and officer.has_role("officer")
    assert {name: obj.id for name, obj in request.getfixturevalue("base_world").items()} == \
        {name: pk for name, (_model, pk) in refs.items()}
    assert verify_chain() == (len(tables["events"]), None)  # last: it lets go of the session's objects


def test_the_world_stops_at_a_fixture_that_may_write(request, officer, make_user, association):
    """In the order pytest sets them up; a factory (``make_user``) writes nothing until it is called."""
    assert _world_part(request.node) == ("officer", "admin", "association")


@pytest.fixture
def written_before(make_user):
    return make_user(name="Antes del mundo")


def test_a_fixture_that_writes_first_leaves_the_rest_to_be_built_in_turn(request, written_before, association, admin,
                                                                          db):
    assert _world_part(request.node) == ()
    made = db.session.execute(sa.select(Event.object_type, Event.object_id).order_by(Event.id)).all()
    # made in the order asked, as without the copy: this user, the admin, then the association
    assert made.index(("user", written_before.id)) < made.index(("user", admin.id)) < \
        made.index(("association", association.id))


_HANDED_OUT = []


@pytest.mark.parametrize("turn", [1, 2])
def test_a_copy_never_hands_an_id_out_again(db, association, make_user, turn):
    """PostgreSQL's sequences are not rolled back with a test: the copy moves them past its rows, never back
    (two processes on one database, or a rolled-back row's id seen by another connection, would collide)."""
    user = make_user(name=f"Después de la copia {turn}")
    if db.engine.dialect.name == "postgresql" and _HANDED_OUT:
        assert user.id > max(_HANDED_OUT)
    _HANDED_OUT.append(user.id)


def test_a_copy_goes_in_over_stamps_left_after_the_emptying(db):
    """A bump after the last emptying (a flush at its commit, a live server's late request) leaves rows in the
    stored pages' stamp tables, which have no parent: the copy replaces them instead of colliding with them
    (PostgreSQL's run failed with "duplicate key ... pk_scope_stamps" before)."""
    db.session.execute(PageStamp.__table__.insert(), [{"alliance_id": 0, "stamp": 7}])
    db.session.execute(ScopeStamp.__table__.insert(), [{"scope": "region:La Paz", "stamp": 7}])
    db.session.commit()
    restore_rows(db, {"page_stamps": [{"alliance_id": 0, "stamp": 2}],
                      "scope_stamps": [{"scope": "region:La Paz", "stamp": 3}]})
    assert db.session.execute(sa.select(PageStamp.alliance_id, PageStamp.stamp)).all() == [(0, 2)]
    assert db.session.execute(sa.select(ScopeStamp.scope, ScopeStamp.stamp)).all() == [("region:La Paz", 3)]
