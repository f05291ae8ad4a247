"""The demo's buyer as a party (issue 15), through the services only: Snacks Andinos, Colomi's buyer, gets its own
account (linked by the officer); Colomi's treasurer records two deliveries of native potato; the buyer confirms the
first with its payment and disputes the second (the officer sees the dispute on the home page, the treasurer has it
to correct). The sales indicators of Colomi move by the confirmed one only; Colomi is also behind its letter of
intent (``buyer_noncompliance``)."""
from datetime import timedelta

import sqlalchemy as sa

from ..accounts import services as account_services
from ..alliances.models import Alliance
from ..extensions import db
from ..sales import services

BUYER = "Snacks Andinos S.R.L."


def build(tl, spec, users, assocs, buyers):
    """Schedule the steps on the timeline ``tl`` (run from ``seed``); ``spec`` is the buyer's account entry."""
    _key, email, pwd, _label, values = spec
    state = {}

    def colomi():
        return db.session.execute(sa.select(Alliance).where(Alliance.association_id == assocs["colomi"].id)
                                  .order_by(Alliance.id)).scalars().first()

    def account():
        user = account_services.create_user({**values, "email": email, "password": pwd, "locale": "es"},
                                            users["admin"])
        users["comprador"] = user
        services.link_account(buyers[BUYER], user, users["oficial"])

    def deliver(key, days_before, tonnes, quality):
        day = tl.now().date() - timedelta(days=days_before)
        state[key] = services.record_delivery(colomi(), {
            "delivered_on": day.isoformat(), "quantity": tonnes, "unit": "toneladas", "quality": quality,
            "unit_price": "2900.00"}, users["tesorero"])

    def confirm():
        d = state["first"]
        services.act(d, "confirm", users["comprador"], paid_on=tl.now().date().isoformat(), paid_amount=str(d.amount))

    def dispute():
        services.act(state["second"], "dispute", users["comprador"],
                     reason="Llegaron 31 toneladas, no 35, y parte con calibre menor al acordado (menos de 45 mm).")

    tl.at(120, account)
    tl.at(7, deliver, "first", 2, "40.00", "Papa nativa seleccionada, calibre 45–70 mm, sin brotes")
    tl.at(5, confirm)
    tl.at(4, deliver, "second", 1, "35.00", "Papa nativa seleccionada, calibre 45–70 mm")
    tl.at(2, dispute)
