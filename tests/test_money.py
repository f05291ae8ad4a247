from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from grants.alliances.models import Alliance
from grants.money import Fixed, fmt, money, share, to_decimal


def test_to_decimal_is_exact_and_refuses_floats():
    assert to_decimal("0.1") + to_decimal("0.2") == Decimal("0.30")
    assert to_decimal(" 1250.005 ") == Decimal("1250.01")  # half up
    assert to_decimal(7) == Decimal("7.00")
    for bad in (0.1, True, None, "", "abc", "NaN", "Infinity", [1]):
        with pytest.raises(ValueError):
            to_decimal(bad)


def test_fmt_and_share():
    assert fmt(Decimal("1250")) == "1250.00"
    assert fmt(None) is None
    assert share(Decimal("70"), Decimal("100")) == Decimal("0.7000")
    assert share(Decimal("1"), Decimal("3")) == Decimal("0.3333")
    assert share(Decimal("1"), Decimal("0")) == Decimal("0.0000")


def test_fixed_type_round_trip_is_exact():
    t = Fixed(2)
    for text in ("0.01", "0.10", "999999999999.99", "14000.00", "-5.25"):
        stored = t.process_bind_param(text, None)
        assert isinstance(stored, int)
        assert t.process_result_value(stored, None) == Decimal(text)
    assert t.process_bind_param(None, None) is None


def test_money_column_exact_in_the_database(db, alliance):
    alliance.requested_grant = money("0.10") + money("0.20")
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Alliance, alliance.id)
    assert fresh.requested_grant == Decimal("0.30")
    assert isinstance(fresh.requested_grant, Decimal)
    big = money("999999999.99")
    fresh.requested_grant = big
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Alliance, alliance.id).requested_grant == big


def test_negative_money_is_refused_by_a_check_constraint(db, alliance):
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Alliance).where(Alliance.id == alliance.id).values(requested_grant=-1))
        db.session.flush()
    db.session.rollback()


def test_unknown_state_is_refused_by_a_check_constraint(db, alliance):
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Alliance).where(Alliance.id == alliance.id).values(state="paid_out"))
        db.session.flush()
    db.session.rollback()
