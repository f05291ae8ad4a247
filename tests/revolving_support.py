"""Helpers for the revolving fund tests: a program with a fund share, an alliance of it that received grant
money, and shortcuts to fill and use the fund."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from grants.alliances.budget import Tranche
from grants.extensions import db
from grants.revolving import services

TODAY = date.today()


def funded(alliance, received="100000.00", state="in_execution"):
    """Give ``alliance`` a disbursed tranche of ``received`` and put it in ``state``."""
    db.session.add(Tranche(alliance_id=alliance.id, number=1, amount=Decimal(received), planned_on=TODAY,
                           state="disbursed", disbursed_amount=Decimal(received), disbursed_on=TODAY))
    alliance.state = state
    db.session.commit()
    return alliance


def members_of(association):
    from grants.associations.models import Member

    return db.session.execute(db.select(Member).where(Member.association_id == association.id)
                              .order_by(Member.id)).scalars().all()


def repay(association, member, amount, actor, **kw):
    data = {"member_id": member.id, "amount": amount, "paid_on": TODAY.isoformat(), "reference": "R-1", **kw}
    mv = services.record_repayment(association, data, actor)
    db.session.commit()
    return mv


def lend(association, member, amount, actor, **kw):
    data = {"member_id": member.id, "amount": amount, "lent_on": TODAY.isoformat(),
            "due_on": (TODAY + timedelta(days=180)).isoformat(), "purpose": "Semilla de papa", **kw}
    loan = services.record_loan(association, data, actor)
    db.session.commit()
    return loan


@pytest.fixture
def fund_program(make_program):
    return make_program(revolving_fund_share="0.10")


@pytest.fixture
def fund_alliance(make_call, make_alliance, fund_program):
    return funded(make_alliance(the_call=make_call(prog=fund_program)))
