"""The sales stage's work waiting (grants/alliances/tasks.py), each source in one or two queries:

- ``delivery_to_confirm``: the buyer's own account confirms or disputes each delivery awaiting it;
- ``delivery_disputed``: the officer of the region follows up each delivery the buyer disputes (the follow-up a
  dispute opens), until the association corrects it and sends it again;
- ``delivery_to_correct``: the association's board and treasurer correct each disputed delivery and send it
  again."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..alliances import tasks
from ..alliances.models import Alliance
from .models import Delivery
from .permissions import buyer_id_of


#: the alliance states in which deliveries are recorded, confirmed or disputed (the sales services')
DELIVERY_STATES = ("in_execution", "suspended", "closing", "closed")


def _rows(*conds):
    return tasks.rows(tasks.with_currency(
        sa.select(Delivery, Alliance).join(Alliance, Alliance.id == Delivery.alliance_id))
        .where(tasks.scope(), *conds).order_by(Delivery.updated_at, Delivery.id).limit(tasks.LIMIT))


def _url(d):
    return url_for("sales.delivery", delivery_id=d.id)


def _detail(d):
    return f"{d.delivered_on.isoformat()} · {d.quantity} {d.unit}"


@tasks.source("delivery_to_confirm", states=DELIVERY_STATES, beyond=("buyer",))
def to_confirm(user, today):
    if not user.has_role("buyer"):
        return []
    buyer_id = buyer_id_of(user)
    if buyer_id is None:
        return []
    rows = _rows(Delivery.buyer_id == buyer_id, Delivery.state == "recorded")
    return [tasks.Task("delivery_to_confirm", _l("Confirm or dispute a delivery"), _url(d), alliance=a,
                       since=d.updated_at, detail=_detail(d), amount=d.amount, currency=cur) for d, a, cur in rows]


@tasks.source("delivery_disputed", states=DELIVERY_STATES)
def disputed(user, today):
    if not user.has_role("officer"):
        return []
    rows = _rows(tasks.officer_filter(user), Delivery.state == "disputed")
    return [tasks.Task("delivery_disputed", _l("Follow up a delivery the buyer disputes"), _url(d), alliance=a,
                       since=d.updated_at, detail=d.dispute_reason or _detail(d), amount=d.amount, currency=cur)
            for d, a, cur in rows]


@tasks.source("delivery_to_correct", states=DELIVERY_STATES)
def to_correct(user, today):
    ids = sorted(user.association_ids("board", "treasurer"))
    if not ids:
        return []
    rows = _rows(Alliance.association_id.in_(ids), Delivery.state == "disputed")
    return [tasks.Task("delivery_to_correct", _l("Correct the delivery the buyer disputes and send it again"),
                       _url(d), alliance=a, since=d.updated_at, detail=d.dispute_reason or _detail(d),
                       amount=d.amount, currency=cur) for d, a, cur in rows]
