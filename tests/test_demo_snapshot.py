"""The demo's copy for the tests (tests/demo_snapshot.py) puts back a table that refers to itself in an order
PostgreSQL accepts: a federation before the associations that belong to it."""
from grants.associations.models import Association
from tests.demo_snapshot import parents_first


def test_a_federation_is_put_back_before_its_associations():
    rows = [{"id": 22, "parent_id": 31}, {"id": 23, "parent_id": None}, {"id": 24, "parent_id": 31},
            {"id": 31, "parent_id": None}, {"id": 32, "parent_id": 24}]
    ordered = [r["id"] for r in parents_first(Association.__table__, rows)]
    assert sorted(ordered) == [22, 23, 24, 31, 32]
    for row in rows:
        if row["parent_id"] is not None:
            assert ordered.index(row["parent_id"]) < ordered.index(row["id"]), ordered
