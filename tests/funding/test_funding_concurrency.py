"""No double payment: concurrent requests end with exactly one outcome.

On PostgreSQL each thread sends its request through its own test client, so each request runs in its own
app context with its own session and connection; on SQLite through HTTP to gunicorn with two worker
processes serving the same database file (tests/multiprocess.py)."""
import threading

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.extensions import db as _db
from tests.funding_support import signed_alliance
from tests.multiprocess import gunicorn_sqlite, race_api  # noqa: F401

pytestmark = pytest.mark.committing


def race(clients_and_bodies, path):
    """POST each body at once (a barrier releases the threads together); return the status codes."""
    barrier = threading.Barrier(len(clients_and_bodies))
    results = [None] * len(clients_and_bodies)

    def run(i, client, body):
        barrier.wait()
        results[i] = client.post(path, json=body)

    threads = [threading.Thread(target=run, args=(i, c, b)) for i, (c, b) in enumerate(clients_and_bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def events_of(tranche, action):
    return _db.session.execute(sa.select(Event).where(Event.object_type == "tranche", Event.object_id == tranche.id,
                                                      Event.action == action)).scalars().all()


@pytest.mark.parametrize("rounds", range(3))
def test_two_finance_officers_record_the_same_transfer(alliance, officer, facilitator, board, finance, make_user,
                                                       race_api, rounds):
    from grants.funding.services import tranche_action

    signed_alliance(alliance, officer, facilitator, board)
    first = alliance.tranches[0]
    tranche_action(first, "request", board)
    tranche_action(first, "approve", officer)
    _db.session.commit()
    other = make_user(roles=["finance"], name="Segunda Finanzas")
    clients = [race_api(finance), race_api(other)]
    results = race([(clients[0], {"action": "disburse", "reference": "TRF-A", "disbursed_on": "2026-01-15"}),
                    (clients[1], {"action": "disburse", "reference": "TRF-B", "disbursed_on": "2026-01-15"})],
                   f"/tranches/{first.id}/transitions")
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.get_json() for r in results]
    _db.session.expire_all()
    assert first.state == "disbursed"
    assert len(events_of(first, "disburse")) == 1
    winner = next(r for r in results if r.status_code == 200).get_json()
    assert first.disbursement_reference == winner["reference"]


@pytest.mark.parametrize("rounds", range(3))
def test_approval_racing_a_refusal(alliance, officer, facilitator, board, make_user, race_api, rounds):
    from grants.funding.services import tranche_action

    signed_alliance(alliance, officer, facilitator, board)
    first = alliance.tranches[0]
    tranche_action(first, "request", board)
    _db.session.commit()
    second_officer = make_user(roles=["officer"], regions=["La Paz"], name="Otra Oficial")
    results = race([(race_api(officer), {"action": "approve"}),
                    (race_api(second_officer), {"action": "refuse", "reason": "Faltan documentos"})],
                   f"/tranches/{first.id}/transitions")
    statuses = [r.status_code for r in results]
    assert sorted(statuses) == [200, 409], [r.get_json() for r in results]
    _db.session.expire_all()
    approved = statuses[0] == 200
    assert first.state == ("approved" if approved else "planned")
    assert len(events_of(first, "approve")) == (1 if approved else 0)
    assert len(events_of(first, "refuse")) == (0 if approved else 1)
