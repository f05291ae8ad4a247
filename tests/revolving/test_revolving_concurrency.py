"""No overdrawn fund under load: twenty loans at once, each a tenth of the balance, accept exactly ten; the
balance ends at 0.00 and never goes negative. On PostgreSQL each thread posts through its own API client
(its own app context, session and connection); on SQLite through HTTP to gunicorn with two worker
processes (tests/multiprocess.py)."""
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.audit.models import Event
from grants.extensions import db
from grants.revolving import services
from grants.revolving.models import Loan, Movement, RevolvingFund
from tests.multiprocess import gunicorn_sqlite, race_api  # noqa: F401
from tests.revolving_support import TODAY, fund_alliance, fund_program, members_of  # noqa: F401

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


def test_twenty_loans_at_once_never_overdraw_the_fund(fund_alliance, association, treasurer, admin, race_api):
    services.deposit_from_grant(fund_alliance, "10000.00", admin, TODAY)
    db.session.commit()
    members = members_of(association)
    clients = [race_api(treasurer) for _ in range(20)]
    path = f"/associations/{association.id}/revolving-fund/loans"
    posts = [(c, path, {"member_id": members[i].id, "amount": "1000.00", "lent_on": TODAY.isoformat(),
                        "due_on": (TODAY + timedelta(days=90)).isoformat(), "purpose": f"Préstamo {i}"})
             for i, c in enumerate(clients)]
    results = race(posts)
    statuses = [r.status_code for r in results]
    assert statuses.count(201) == 10, statuses
    assert all(s in (201, 422) for s in statuses), [r.get_json() for r in results]
    refused = [r.get_json()["error"]["details"] for r in results if r.status_code == 422]
    assert all([d["rule"] for d in details] == ["fund_insufficient"] for details in refused)
    db.session.expire_all()
    fund = db.session.execute(sa.select(RevolvingFund)).scalar_one()
    assert fund.balance == Decimal("0.00")
    assert db.session.execute(sa.select(sa.func.count(Loan.id))).scalar() == 10
    balances = db.session.execute(sa.select(Movement.balance_after).order_by(Movement.id)).scalars().all()
    assert min(balances) == Decimal("0.00") and sorted(balances, reverse=True) == balances
    events = db.session.execute(sa.select(sa.func.count()).select_from(Event).where(
        Event.action == "record_loan")).scalar()
    assert events == 10


def test_first_movements_at_once_create_one_fund(fund_alliance, association, treasurer, race_api):
    """The fund row is created on first use: two first repayments at once make one fund with both."""
    members = members_of(association)
    path = f"/associations/{association.id}/revolving-fund/repayments"
    posts = [(race_api(treasurer), path, {"member_id": members[i].id, "amount": "10.00", "paid_on": TODAY.isoformat(),
                                     "reference": f"R-{i}"}) for i in range(6)]
    results = race(posts)
    assert [r.status_code for r in results] == [201] * 6, [r.get_json() for r in results]
    db.session.expire_all()
    fund = db.session.execute(sa.select(RevolvingFund)).scalar_one()
    assert fund.balance == Decimal("60.00")


def test_repayments_at_once_never_exceed_the_loan(fund_alliance, association, treasurer, admin, race_api):
    services.deposit_from_grant(fund_alliance, "1000.00", admin, TODAY)
    loan = services.record_loan(association, {"member_id": members_of(association)[0].id, "amount": "500.00",
                                              "lent_on": TODAY.isoformat(),
                                              "due_on": (TODAY + timedelta(days=30)).isoformat(),
                                              "purpose": "Semilla"}, treasurer)
    db.session.commit()
    path = f"/associations/{association.id}/revolving-fund/loans/{loan.id}/repayments"
    posts = [(race_api(treasurer), path, {"amount": "100.00", "paid_on": TODAY.isoformat(), "reference": f"R-{i}"})
             for i in range(10)]
    statuses = [r.status_code for r in race(posts)]
    assert statuses.count(201) == 5 and statuses.count(422) == 5, statuses
    db.session.expire_all()
    loan = db.session.get(Loan, loan.id)
    assert loan.repaid == Decimal("500.00") and loan.state == "repaid"
    assert db.session.execute(sa.select(RevolvingFund.balance)).scalar_one() == Decimal("1000.00")
