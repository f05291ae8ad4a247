"""Helpers for the tests of deliveries to the buyer: an alliance in execution whose buyer's letter of intent says
1,200 kg a year at 5.00, the buyer's own account linked to it, and another buyer with its own account."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.associations.models import Buyer
from grants.extensions import db
from grants.proposals.models import Profile
from grants.sales import services
from tests.execution_support import executing

TODAY = date.today()


def letter(alliance, volume="1200.00", unit="kg", price="5.00"):
    profile = db.session.execute(sa.select(Profile).where(Profile.alliance_id == alliance.id)).scalar()
    if profile is None:
        profile = Profile(alliance_id=alliance.id)
        db.session.add(profile)
    profile.loi_volume, profile.loi_unit, profile.loi_price = Decimal(volume), unit, Decimal(price)
    db.session.commit()


def delivery_data(quantity="100.00", unit_price="5.00", amount=None, days_ago=3, **kw):
    data = {"delivered_on": (TODAY - timedelta(days=days_ago)).isoformat(), "quantity": quantity, "unit": "kg",
            "quality": "Leche fría, 3,2 % de grasa", "unit_price": unit_price}
    if amount is not None:
        data["amount"] = amount
    data.update(kw)
    return data


def deliver(alliance, actor, **kw):
    d = services.record_delivery(alliance, delivery_data(**kw), actor)
    db.session.commit()
    return d


@pytest.fixture
def selling(alliance, officer, facilitator, board):
    executing(alliance, officer, facilitator, board)
    letter(alliance)
    return alliance


@pytest.fixture
def buyer_user(make_user, selling, admin):
    user = make_user(roles=["buyer"], name="Beatriz Compradora")
    services.link_account(selling.buyer, user, admin)
    db.session.commit()
    return user


@pytest.fixture
def other_buyer_user(make_user, admin):
    other = Buyer(name="Delizia S.A.", tax_id="9988776655")
    db.session.add(other)
    db.session.commit()
    user = make_user(roles=["buyer"], name="Diego de Delizia")
    services.link_account(other, user, admin)
    db.session.commit()
    return user
