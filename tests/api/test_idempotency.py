"""Idempotency keys: a write sent again with the same key (a phone whose connection dropped before the answer)
is recorded once and the repeat answers as the first did; on the pages (hidden field ``idempotency_key``) and
the API (``Idempotency-Key`` header), for expenses, contributions and indicator values."""
import io
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from grants.common import utcnow
from grants.execution.models import Contribution, Expense
from grants.extensions import db
from grants.monitoring.models import IndicatorValue
from grants.web.idempotency import IdempotencyKey, purge
from tests.execution_support import JPEG, TODAY, expense_data, executing
from tests.monitoring_support import indicator, last_month

KEY = "k-3f1c2a9e-0b7d-4e55-9d1a-1b2c3d4e5f60"


@pytest.fixture
def live(alliance, officer, facilitator, board):
    return executing(alliance, officer, facilitator, board)


def count(model):
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def expense_form(live, key=KEY, **kw):
    data = {k: str(v) for k, v in expense_data(live.budget_lines[0], **kw).items()}
    data["receipt"] = (io.BytesIO(JPEG), "foto.jpg")
    if key is not None:
        data["idempotency_key"] = key
    return data


def post_expense(client, live, **kw):
    return client.post(f"/alliances/{live.id}/execution/expenses", data=expense_form(live, **kw),
                       content_type="multipart/form-data")


def test_page_repeat_records_once_and_answers_as_the_first(live, treasurer, login):
    web = login(treasurer)
    first = post_expense(web, live, amount="1500.00")
    assert first.status_code == 302, first.get_data(as_text=True)[:1000]
    again = post_expense(web, live, amount="1500.00")
    assert again.status_code == 303 and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Expense) == 1
    page = web.get(again.headers["Location"]).get_data(as_text=True)
    assert "recorded once" in page or "registró una sola vez" in page
    row = db.session.execute(sa.select(IdempotencyKey)).scalar_one()
    assert row.user_id == treasurer.id and row.status == 302 and row.key == KEY
    # another key is another expense (another document number: a duplicate document is a rule)
    assert post_expense(web, live, key="k-another-key-000001", number="F-2").status_code == 302
    assert count(Expense) == 2


def test_page_without_key_works_as_before(live, treasurer, login):
    web = login(treasurer)
    assert post_expense(web, live, key=None).status_code == 302
    assert post_expense(web, live, key=None, number="F-2").status_code == 302
    assert count(Expense) == 2 and count(IdempotencyKey) == 0


def test_refused_send_stores_no_key_and_the_corrected_one_goes_through(live, treasurer, login):
    web = login(treasurer)
    refused = post_expense(web, live, amount="140000.01")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "le quedan" in page  # the rule's message, in Spanish, not its code
    assert count(IdempotencyKey) == 0 and count(Expense) == 0
    fixed = post_expense(web, live, amount="1400.00")
    assert fixed.status_code == 302 and count(Expense) == 1


def test_keys_are_per_user(live, treasurer, board, login):
    assert post_expense(login(treasurer), live).status_code == 302
    # the same key from another user is that user's own key: a second expense
    assert post_expense(login(board), live, number="F-9").status_code == 302
    assert count(Expense) == 2 and count(IdempotencyKey) == 2


def test_bad_key_is_a_clear_400(live, treasurer, login, api):
    resp = post_expense(login(treasurer), live, key="short")
    assert resp.status_code == 400 and count(Expense) == 0
    body = {k: v for k, v in expense_data(live.budget_lines[0]).items()}
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": "bad key!"})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_request"
    assert count(Expense) == 0


def test_key_reused_for_another_address_is_refused(live, treasurer, login):
    web = login(treasurer)
    assert post_expense(web, live).status_code == 302
    data = {"kind": "cash", "description": "Aporte", "contributed_on": TODAY, "amount": "500.00",
            "idempotency_key": KEY}
    resp = web.post(f"/alliances/{live.id}/execution/contributions", data=data)
    assert resp.status_code == 422 and "Esta clave de idempotencia ya se usó" in resp.get_data(as_text=True)
    assert count(Contribution) == 0


def test_contribution_page_repeat_records_once(live, treasurer, login):
    web = login(treasurer)
    data = {"kind": "cash", "description": "Aporte de socios", "contributed_on": TODAY, "amount": "500.00",
            "idempotency_key": KEY}
    url = f"/alliances/{live.id}/execution/contributions"
    assert web.post(url, data=data).status_code == 302
    assert web.post(url, data=data).status_code == 303
    assert count(Contribution) == 1


def test_indicator_value_page_repeat_records_once(live, board, login):
    fam = indicator(live, "families")
    web = login(board)
    data = {"indicator_id": str(fam.id), "period": last_month(), "value": "30", "women": "14", "men": "16",
            "idempotency_key": KEY}
    url = f"/alliances/{live.id}/monitoring/indicators"
    assert web.post(url, data=data).status_code == 302
    assert web.post(url, data={**data, "value": "31", "men": "17"}).status_code == 303
    v = db.session.execute(sa.select(IndicatorValue)).scalar_one()
    assert str(v.value) == "30.00" and v.version == 1  # the repeat changed nothing


def test_api_expense_repeat_records_once(live, treasurer, api):
    client = api(treasurer)
    body = {k: v for k, v in expense_data(live.budget_lines[0], amount="100.00").items()}
    first = client.post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": KEY})
    assert first.status_code == 201, first.get_json()
    again = client.post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": KEY})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert count(Expense) == 1
    row = db.session.execute(sa.select(IdempotencyKey)).scalar_one()
    assert row.resource_id == first.get_json()["id"] and row.status == 201


def test_api_multipart_expense_and_contribution_repeat(live, treasurer, api):
    client = api(treasurer)
    for _ in range(2):
        data = {k: str(v) for k, v in expense_data(live.budget_lines[0], amount="250.50").items()}
        data["receipt"] = (io.BytesIO(JPEG), "recibo.jpg")
        resp = client.post(f"/alliances/{live.id}/expenses", data=data, content_type="multipart/form-data",
                           headers={"Idempotency-Key": "multipart-key-1"})
        assert resp.status_code == 201
    body = {"kind": "cash", "description": "Aporte", "contributed_on": TODAY, "amount": "500.00"}
    for _ in range(2):
        resp = client.post(f"/alliances/{live.id}/contributions", json=body, headers={"Idempotency-Key": KEY})
        assert resp.status_code == 201
    assert count(Expense) == 1 and count(Contribution) == 1


def test_api_indicator_value_repeat(live, board, api):
    fam = indicator(live, "families")
    url = f"/alliances/{live.id}/indicators/{fam.id}/values"
    data = {"period": last_month(), "value": "30", "women": 14, "men": 16}
    first = api(board).post(url, json=data, headers={"Idempotency-Key": KEY})
    again = api(board).post(url, json={**data, "value": "31", "men": 17}, headers={"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 201 and again.get_json() == first.get_json()
    assert db.session.execute(sa.select(IndicatorValue)).scalar_one().version == 1


def test_api_refused_is_not_stored(live, treasurer, api):
    client = api(treasurer)
    body = {k: v for k, v in expense_data(live.budget_lines[0], amount="140000.01").items()}
    resp = client.post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": KEY})
    assert resp.status_code == 422 and count(IdempotencyKey) == 0
    body["amount"] = "100.00"
    resp = client.post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": KEY})
    assert resp.status_code == 201 and count(Expense) == 1


def test_in_progress_key_answers_409(live, treasurer, api):
    db.session.add(IdempotencyKey(user_id=treasurer.id, key=KEY,
                                  request_path=f"POST /api/v1/alliances/{live.id}/expenses"))
    db.session.commit()
    body = {k: v for k, v in expense_data(live.budget_lines[0]).items()}
    resp = api(treasurer).post(f"/alliances/{live.id}/expenses", json=body, headers={"Idempotency-Key": KEY})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "idempotency_in_progress"
    assert count(Expense) == 0


def test_purge_forgets_old_keys(live, treasurer):
    db.session.add_all([IdempotencyKey(user_id=treasurer.id, key="old-key-0001", request_path="POST /x", status=302,
                                       created_at=utcnow() - timedelta(days=40)),
                        IdempotencyKey(user_id=treasurer.id, key="new-key-0001", request_path="POST /x", status=302)])
    db.session.commit()
    assert purge(30) == 1
    db.session.commit()
    assert [r.key for r in db.session.execute(sa.select(IdempotencyKey)).scalars()] == ["new-key-0001"]


def test_cli_purges_old_keys(app, live, treasurer):
    db.session.add(IdempotencyKey(user_id=treasurer.id, key="old-key-0002", request_path="POST /x", status=302,
                                  created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["grants", "purge-idempotency-keys", "--days", "7"])
    assert result.exit_code == 0 and "Forgot 1 idempotency keys older than 7 days." in result.output
    assert count(IdempotencyKey) == 0
    assert app.test_cli_runner().invoke(args=["grants", "purge-idempotency-keys", "--days", "0"]).exit_code == 2


@pytest.mark.skipif(not os.environ.get("GRANTS_TEST_DATABASE_URL"),
                    reason="concurrency needs PostgreSQL (GRANTS_TEST_DATABASE_URL)")
@pytest.mark.committing  # eight threads, each with its own connection: real commits
def test_same_key_eight_times_at_once_records_once(live, treasurer, api):
    """A phone that retries while the first send is still running: the key's unique row decides."""
    from tests.execution.test_execution_concurrency import race

    body = {k: v for k, v in expense_data(live.budget_lines[0], amount="100.00").items()}
    clients = [api(treasurer) for _ in range(8)]
    for c in clients:
        c.headers["Idempotency-Key"] = KEY
    results = race([(c, f"/alliances/{live.id}/expenses", body) for c in clients])
    statuses = [r.status_code for r in results]
    assert set(statuses) <= {201, 409} and 201 in statuses, [r.get_json() for r in results]
    assert all(r.get_json()["error"]["code"] == "idempotency_in_progress" for r in results if r.status_code == 409)
    assert len({r.get_json()["id"] for r in results if r.status_code == 201}) == 1
    db.session.expire_all()
    assert count(Expense) == 1 and count(IdempotencyKey) == 1
