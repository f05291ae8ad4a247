"""The demo's life after the grant: Luribay, closed 395 days ago, receives its first (one-year) follow-up, a visit
of the officer 28 days ago: the association still sells peaches to its buyer and at the fair, two families left,
and the revolving fund's figures are those of the fund that day. Through the service only (nothing commits)."""
from decimal import Decimal

import sqlalchemy as sa

from ..alliances.models import Alliance
from ..associations.models import Association
from ..closeout import followups
from ..extensions import db
from ..revolving import services as revolving

#: days ago of the visit (the year-1 follow-up was due 30 days ago)
VISIT = 28


def first_follow_up(tl, users):
    """Schedule the year-1 follow-up of the demo's closed alliance (Luribay) on ``tl``."""
    tl.at(VISIT, _record, tl, users)


def _record(tl, users):
    alliance = db.session.execute(sa.select(Alliance).join(Association, Association.id == Alliance.association_id)
                                  .where(Alliance.state == "closed", Association.municipality == "Luribay")
                                  ).scalar_one()
    members = [link.member for link in alliance.member_links]
    report = alliance.final_report
    fund = revolving.fund_summary(alliance.association, today=tl.day(VISIT))
    followups.record_follow_up(alliance, {
        "year": 1, "kind": "visit", "held_on": tl.day(VISIT), "still_selling": True, "buyer_kept": True,
        "other_buyers": "Feria dominical de Luribay (durazno de segunda)",
        "sales_volume": (report.sales_volume * Decimal("1.1")).quantize(Decimal("0.01")),
        "sales_unit": report.sales_unit, "sales_value": (report.sales_value * Decimal("1.08")).quantize(Decimal("0.01")),
        "families_active": len(members) - 2, "women_active": sum(m.sex == "F" for m in members[2:]),
        "revolving_fund_balance": fund["balance"], "loans_open": fund["loans_open"],
        "loans_outstanding": fund["loans_outstanding"],
        "notes": "El centro de acopio y la cámara de maduración funcionan. El comprador renovó el contrato por otra "
                 "campaña con el mismo precio de primera. Dos familias dejaron la asociación por migración."},
        users["oficial"], today=tl.day(VISIT))
