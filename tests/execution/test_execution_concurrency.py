"""No overspending under load: twenty expenses at once against one line, each a tenth of it, accept at most
ten. On PostgreSQL each thread posts through its own API client (its own app context, session and
connection); on SQLite through HTTP to gunicorn with two worker processes (tests/multiprocess.py)."""
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.execution.models import Expense
from grants.extensions import db
from tests.execution_support import TODAY, executing
from tests.multiprocess import gunicorn_sqlite, race_api  # noqa: F401

pytestmark = pytest.mark.committing


def race(posts):
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(i, client, path, body):
        barrier.wait()
        results[i] = client.post(path, json=body)

    threads = [threading.Thread(target=run, args=(i, *p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.parametrize("source,planned", [("counterpart_cash", "20000.00"), ("grant", "140000.00")])
def test_twenty_expenses_at_once_never_overspend_a_line(alliance, officer, facilitator, board, treasurer, race_api,
                                                        program, source, planned):
    live = executing(alliance, officer, facilitator, board)
    program.minor_purchase_limit = Decimal("999999.00")
    db.session.commit()
    line = live.budget_lines[0]
    tenth = str(Decimal(planned) / 10)
    clients = [race_api(treasurer) for _ in range(20)]
    posts = [(c, f"/alliances/{live.id}/expenses",
              {"budget_line_id": line.id, "spent_on": TODAY, "amount": tenth, "source": source,
               "supplier": "Proveedor", "document_type": "invoice", "document_number": f"F-{i}"})
             for i, c in enumerate(clients)]
    results = race(posts)
    statuses = [r.status_code for r in results]
    assert statuses.count(201) == 10, statuses
    assert all(s in (201, 422) for s in statuses), [r.get_json() for r in results]
    refused = [r.get_json()["error"]["details"] for r in results if r.status_code == 422]
    assert all(d[0]["rule"] == "line_funds_exceeded" for d in refused)
    db.session.expire_all()
    total = db.session.execute(sa.select(sa.func.sum(Expense.amount)).where(Expense.budget_line_id == line.id)
                               ).scalar()
    assert total == Decimal(planned)
    events = db.session.execute(sa.select(sa.func.count()).select_from(Event).where(
        Event.object_type == "expense", Event.action == "record")).scalar()
    assert events == 10


def test_twenty_expenses_at_once_never_spend_more_grant_than_received(alliance, officer, facilitator, board,
                                                                     treasurer, race_api, program):
    """The line has room (140,000.00) but only 5,000.00 of grant cash came in: ten 500.00 expenses pass, the
    other ten are refused with ``grant_cash_exceeded`` (issue 13: 11 were accepted under two workers)."""
    live = executing(alliance, officer, facilitator, board, disbursed="5000.00")
    program.minor_purchase_limit = Decimal("999999.00")
    db.session.commit()
    line = live.budget_lines[0]
    posts = [(race_api(treasurer), f"/alliances/{live.id}/expenses",
              {"budget_line_id": line.id, "spent_on": TODAY, "amount": "500.00", "source": "grant",
               "supplier": "Proveedor", "document_type": "invoice", "document_number": f"G-{i}"})
             for i in range(20)]
    results = race(posts)
    statuses = [r.status_code for r in results]
    assert statuses.count(201) == 10 and statuses.count(422) == 10, [r.get_json() for r in results]
    assert all([d["rule"] for d in r.get_json()["error"]["details"]] == ["grant_cash_exceeded"]
               for r in results if r.status_code == 422)
    db.session.expire_all()
    spent = db.session.execute(sa.select(sa.func.sum(Expense.amount)).where(Expense.alliance_id == live.id,
                                                                            Expense.source == "grant")).scalar()
    assert spent == Decimal("5000.00")
