"""Deliveries to the buyer (issue 15): recording with the amount checked, the workflow (only the buyer's own
account confirms or disputes; the association corrects and resends), payments, the sales indicators fed by
confirmed deliveries only, the ``buyer_noncompliance`` alert, the officer's follow-up of a dispute, and who sees
what (another buyer: 404)."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.alliances import alerts, tasks
from grants.audit.models import Event
from grants.errors import Forbidden, InvalidTransition, RuleViolation, ValidationFailed
from grants.extensions import db
from grants.monitoring.models import IndicatorValue
from grants.sales import services
from grants.sales.models import Delivery
from grants.workflows import rules
from tests.sales_support import TODAY, buyer_user, deliver, delivery_data, other_buyer_user, selling  # noqa: F401


def rules_of(exc):
    return sorted(v.rule for v in exc.value.details)


def events(d):
    return db.session.execute(sa.select(Event).where(Event.object_type == "delivery", Event.object_id == d.id)
                              .order_by(Event.id)).scalars().all()


# recording ----------------------------------------------------------------------------------------------------

def test_amount_is_computed_or_checked(selling, board, treasurer):
    d = deliver(selling, board, quantity="120.50", unit_price="4.80")
    assert d.amount == Decimal("578.40") and d.state == "recorded" and d.buyer_id == selling.buyer_id
    d2 = deliver(selling, treasurer, quantity="10.00", unit_price="4.80", amount="48.00")
    assert d2.amount == Decimal("48.00")
    with pytest.raises(RuleViolation) as exc:
        services.record_delivery(selling, delivery_data(quantity="10.00", unit_price="4.80", amount="50.00"), board)
    assert rules_of(exc) == [rules.DELIVERY_AMOUNT_MISMATCH]
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Delivery.id))).scalar() == 2


def test_every_problem_listed_at_once(selling, board):
    with pytest.raises(RuleViolation) as exc:
        services.record_delivery(selling, delivery_data(quantity="10.00", unit_price="4.80", amount="50.00",
                                                        unit="t", delivered_on=(TODAY + timedelta(days=2))
                                                        .isoformat()), board)
    assert rules_of(exc) == [rules.DELIVERY_AMOUNT_MISMATCH, rules.DELIVERY_UNIT_MISMATCH, rules.INVALID]


def test_field_errors_alone(selling, board):
    with pytest.raises(ValidationFailed) as exc:
        services.record_delivery(selling, {"quantity": "diez", "unit_price": ""}, board)
    assert {v.field for v in exc.value.details} == {"delivered_on", "quantity", "unit_price"}


@pytest.mark.parametrize("state", ["approved", "agreement_signed", "closed"])
def test_only_while_executing(selling, board, state):
    selling.state = state
    db.session.commit()
    with pytest.raises(RuleViolation) as exc:
        services.record_delivery(selling, delivery_data(), board)
    assert rules_of(exc) == [rules.ALLIANCE_NOT_IN_EXECUTION]


# the workflow -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona,expected", [
    ("buyer_user", "confirmed"), ("board", Forbidden), ("treasurer", Forbidden), ("officer", Forbidden),
    ("admin", Forbidden), ("other_buyer_user", Forbidden)])
def test_only_the_buyers_own_account_confirms(request, selling, board, buyer_user, persona, expected):
    d = deliver(selling, board)
    before = len(events(d))
    actor = request.getfixturevalue(persona)
    if expected == "confirmed":
        services.act(d, "confirm", actor)
        db.session.commit()
        assert d.state == "confirmed" and d.confirmed_by_id == actor.id
        assert len(events(d)) == before + 1 and events(d)[-1].action == "confirm"
    else:
        with pytest.raises(expected):
            services.act(d, "confirm", actor)
        db.session.rollback()
        assert db.session.get(Delivery, d.id).state == "recorded" and len(events(d)) == before


def test_dispute_needs_a_reason_then_correct_and_resend(selling, board, treasurer, buyer_user):
    d = deliver(selling, board, quantity="100.00")
    with pytest.raises(RuleViolation) as exc:
        services.act(d, "dispute", buyer_user, reason="  ")
    assert rules_of(exc) == [rules.REQUIRED]
    db.session.rollback()
    services.act(d, "dispute", buyer_user, reason="Llegaron 90 kg, no 100")
    db.session.commit()
    assert d.state == "disputed" and d.dispute_reason == "Llegaron 90 kg, no 100"
    with pytest.raises(Forbidden):
        services.act(d, "resend", buyer_user)
    db.session.rollback()
    services.correct_delivery(d, delivery_data(quantity="90.00"), treasurer)
    services.act(d, "resend", treasurer)
    db.session.commit()
    assert d.state == "recorded" and d.amount == Decimal("450.00")
    services.act(d, "confirm", buyer_user)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.act(d, "dispute", buyer_user, reason="tarde")
    db.session.rollback()
    with pytest.raises(RuleViolation) as exc:
        services.correct_delivery(d, delivery_data(quantity="80.00"), board)
    assert rules_of(exc) == [rules.DELIVERY_NOT_EDITABLE]
    assert [e.action for e in events(d)] == ["record", "dispute", "correct", "resend", "confirm"]


def test_payment_rules(selling, board, buyer_user):
    d = deliver(selling, board, quantity="100.00", days_ago=10)
    with pytest.raises(RuleViolation) as exc:
        services.record_payment(d, {"paid_on": TODAY.isoformat(), "paid_amount": "500.00"}, buyer_user)
    assert rules_of(exc) == [rules.DELIVERY_NOT_CONFIRMED]
    db.session.rollback()
    services.act(d, "confirm", buyer_user, paid_on=TODAY.isoformat(), paid_amount="200.00")
    db.session.commit()
    assert d.paid_amount == Decimal("200.00") and d.paid_on == TODAY
    with pytest.raises(RuleViolation) as exc:
        services.record_payment(d, {"paid_on": TODAY.isoformat(), "paid_amount": "500.01"}, buyer_user)
    assert rules_of(exc) == [rules.PAYMENT_EXCEEDS_AMOUNT]
    db.session.rollback()
    services.record_payment(d, {"paid_on": TODAY.isoformat(), "paid_amount": "500.00"}, buyer_user)
    db.session.commit()
    assert db.session.get(Delivery, d.id).paid_amount == Decimal("500.00")


# the indicators, the alert, the follow-up ---------------------------------------------------------------------

def _latest(alliance, code):
    ind = next(i for i in alliance.indicators if i.code == code)
    return db.session.execute(sa.select(IndicatorValue.value).where(IndicatorValue.indicator_id == ind.id)
                              .order_by(IndicatorValue.period.desc()).limit(1)).scalar()


def test_sales_indicators_move_by_confirmed_deliveries_only(selling, board, buyer_user):
    assert _latest(selling, "sales_volume") is None
    one = deliver(selling, board, quantity="100.00", unit_price="5.00", days_ago=0)
    two = deliver(selling, board, quantity="300.00", unit_price="4.00", days_ago=0)
    assert _latest(selling, "sales_volume") is None  # recorded is not sold
    services.act(one, "confirm", buyer_user)
    services.act(two, "dispute", buyer_user, reason="No llegó")
    db.session.commit()
    assert _latest(selling, "sales_volume") == Decimal("100.00")
    assert _latest(selling, "sales_value") == Decimal("500.00")
    assert _latest(selling, "price_received") == Decimal("5.00")
    totals = services.confirmed_totals(selling.id)
    assert (totals["count"], totals["volume"], totals["value"], totals["disputed"]) == (1, Decimal("100.00"),
                                                                                       Decimal("500.00"), 1)


def _start(alliance, months_ago):
    first = alliance.tranches[0]
    first.disbursed_on = alerts.add_months(TODAY, -months_ago)
    db.session.commit()


def _noncompliance(alliance, kind):
    return [a for a in alerts.collect([alliance], TODAY, only="buyer_noncompliance") if a.ref == kind]


def test_alert_when_confirmed_volume_falls_behind(selling, board, buyer_user):
    _start(selling, 6)  # 1,200 kg a year: 600 kg expected after six months; behind by more than 20 %: < 480
    d = deliver(selling, board, quantity="400.00", days_ago=1)
    services.act(d, "confirm", buyer_user, paid_on=TODAY.isoformat(), paid_amount="2000.00")
    db.session.commit()
    found = _noncompliance(selling, "volume")
    assert len(found) == 1 and "400.00" in str(found[0].message)
    more = deliver(selling, board, quantity="100.00", days_ago=1)
    assert _noncompliance(selling, "volume")  # recorded, not confirmed: still behind
    services.act(more, "confirm", buyer_user, paid_on=TODAY.isoformat(), paid_amount="500.00")
    db.session.commit()
    assert not _noncompliance(selling, "volume")
    stored = alerts.open_alerts([selling.id], TODAY)
    assert not [a for a in stored if a.code == rules.BUYER_NONCOMPLIANCE]


def test_alert_when_payments_fall_behind(selling, board, buyer_user):
    _start(selling, 1)
    d = deliver(selling, board, quantity="100.00", days_ago=40)
    services.act(d, "confirm", buyer_user)
    db.session.commit()
    assert _noncompliance(selling, "payment")
    assert [a.code for a in alerts.open_alerts([selling.id], TODAY)].count(rules.BUYER_NONCOMPLIANCE) >= 1
    services.record_payment(d, {"paid_on": TODAY.isoformat(), "paid_amount": "400.00"}, buyer_user)
    db.session.commit()
    assert not _noncompliance(selling, "payment")  # 400 of 500: 20 % behind is within the share


def test_the_share_is_a_program_rule(selling, board, buyer_user):
    _start(selling, 6)
    d = deliver(selling, board, quantity="400.00", days_ago=1)
    services.act(d, "confirm", buyer_user, paid_on=TODAY.isoformat(), paid_amount="2000.00")
    selling.call.program.buyer_noncompliance_share = Decimal("0.40")  # 400 >= 600 × 0.60
    db.session.commit()
    assert not _noncompliance(selling, "volume")


def test_a_dispute_opens_a_follow_up_for_the_officer(app, selling, board, buyer_user, officer, other_officer):
    with app.test_request_context():
        _follow_up(selling, board, buyer_user, officer, other_officer)


def _follow_up(selling, board, buyer_user, officer, other_officer):
    d = deliver(selling, board)
    assert [t.code for t in tasks.collect(buyer_user)[0]] == ["delivery_to_confirm"]
    services.act(d, "dispute", buyer_user, reason="Calidad menor a la acordada")
    db.session.commit()
    mine = [t for t in tasks.collect(officer)[0] if t.code == "delivery_disputed"]
    assert len(mine) == 1 and mine[0].detail == "Calidad menor a la acordada" and f"/deliveries/{d.id}" in mine[0].url
    assert not [t for t in tasks.collect(other_officer)[0] if t.code == "delivery_disputed"]
    assert [t.code for t in tasks.collect(board)[0] if t.code.startswith("delivery")] == ["delivery_to_correct"]
    assert not tasks.collect(buyer_user)[0]


def test_linking_needs_the_buyer_role(selling, make_user, admin):
    plain = make_user(name="Sin rol")
    with pytest.raises(RuleViolation) as exc:
        services.link_account(selling.buyer, plain, admin)
    assert rules_of(exc) == [rules.BUYER_ROLE_MISSING]
