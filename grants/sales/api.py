"""API endpoints of the deliveries to the buyer (API.md "Voice, the buyer..."): ``/alliances/{id}/deliveries``
(GET, POST by the association's board or treasurer), ``/buyers/{id}/deliveries`` (GET: the buyer's own account and
the staff), ``/deliveries/{id}`` (GET, PATCH: correct), ``/deliveries/{id}/transitions`` (GET the actions this user
may take; POST ``confirm`` (optionally with ``paid_on``, ``paid_amount``), ``dispute`` with ``reason``, ``resend``),
``/deliveries/{id}/payment`` (POST ``paid_on``, ``paid_amount``: the buyer), ``/alliances/{id}/sales`` (the
confirmed totals), ``/buyers/{id}/accounts`` (GET, POST ``user_id``; DELETE ``/{user_id}``: officers and admins).
Same services and permissions as the pages; whoever may not see a delivery gets 404."""
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..alliances.models import Alliance
from ..alliances.permissions import alliance_filter
from ..api.core import (Out, api_user, check_version, dump, endpoint, in_state, known_action, load, no_content,
                        paginate, permitted, reading, require)
from ..schemas.types import AmountStr, MoneyStr, UtcDateTime
from ..associations.models import Buyer
from ..errors import NotFound
from ..extensions import db
from ..workflows.delivery import DELIVERY
from . import services
from .models import Delivery
from .schemas import DeliveryIn, DeliveryPatch, DeliveryTransitionIn, LinkIn, PaymentIn
from .permissions import (buyer_id_of, can_link, can_record, can_view_buyer_deliveries, can_view_deliveries,
                          can_view_delivery, is_buyer_of)

TAGS = ("sales",)


class DeliveryOut(Out):
    id: int
    alliance_id: int
    alliance_code: str
    buyer_id: int
    delivered_on: date
    quantity: AmountStr
    unit: str
    quality: str
    unit_price: MoneyStr
    amount: MoneyStr
    state: str
    state_title: str
    dispute_reason: str | None = None
    paid_on: date | None = None
    paid_amount: MoneyStr | None = None
    confirmed_at: UtcDateTime | None = None
    version: int


class ActionOut(Out):
    action: str
    label: str
    target: str
    requires: list[str]


class SalesOut(Out):
    alliance_id: int
    confirmed_deliveries: int
    volume: AmountStr
    unit: str
    value: MoneyStr
    price_received: MoneyStr | None = None
    paid: MoneyStr
    awaiting_buyer: int
    disputed: int


class AccountOut(Out):
    user_id: int
    buyer_id: int
    name: str
    email: str
    linked_at: UtcDateTime


def delivery_out(d):
    data = {k: getattr(d, k) for k in DeliveryOut.model_fields if hasattr(d, k)}
    return dump(DeliveryOut, {**data, "alliance_code": d.alliance.code, "state_title": str(d.state_title),
                              "quality": d.quality or ""})


def _load_alliance(alliance_id):
    return load(Alliance, alliance_id, lambda a: can_view_deliveries(api_user(), a))


def _load_delivery(delivery_id):
    return load(Delivery, delivery_id, lambda d: can_view_delivery(api_user(), d))


_recording = permitted(_load_alliance, can_record, _l("Only the association's board or treasurer records deliveries."))


@endpoint("/alliances/<int:alliance_id>/deliveries", summary="Deliveries of the alliance to its buyer",
          response=DeliveryOut, paginated=True, tags=TAGS, name="alliance_deliveries",
          query={"state": "recorded, confirmed or disputed"})
def list_alliance_deliveries(alliance_id):
    q = sa.select(Delivery).where(Delivery.alliance_id == _load_alliance(alliance_id).id)
    return paginate(in_state(q, Delivery.state, tuple(DELIVERY.states)).order_by(Delivery.delivered_on, Delivery.id),
                    delivery_out)


@endpoint("/alliances/<int:alliance_id>/deliveries", ["POST"], summary="Record a delivery to the buyer",
          body=DeliveryIn, response=DeliveryOut, status=201, tags=TAGS, name="record_delivery")
def record_delivery(alliance_id, body):
    """The association's board or treasurer (403). Rules (422, all listed): ``alliance_not_in_execution``,
    ``alliance_without_buyer``, ``delivery_amount_mismatch``, ``delivery_unit_mismatch``, ``invalid``."""
    return delivery_out(services.record_delivery(_recording(alliance_id), body, api_user()))


@endpoint("/alliances/<int:alliance_id>/sales", summary="The sales the buyer confirmed", response=SalesOut,
          tags=TAGS, name="alliance_sales")
def alliance_sales(alliance_id):
    """Whoever may see the alliance (members included: social control). Only confirmed deliveries count."""
    alliance = _load_alliance(alliance_id)
    t = services.confirmed_totals(alliance.id)
    return dump(SalesOut, {"alliance_id": alliance.id, "confirmed_deliveries": t["count"], "volume": t["volume"],
                           "unit": t["unit"] or "", "value": t["value"], "price_received": t["price"],
                           "paid": t["paid"], "awaiting_buyer": t["awaiting"], "disputed": t["disputed"]})


@endpoint("/buyers/<int:buyer_id>/deliveries", summary="Deliveries to one buyer", response=DeliveryOut,
          paginated=True, tags=TAGS, name="buyer_deliveries", query={"state": "recorded, confirmed or disputed"})
def list_buyer_deliveries(buyer_id):
    """The buyer's own account (all its alliances) and officers (their regions), admins, auditors, finance.
    Another buyer's account: 404."""
    buyer = load(Buyer, buyer_id, lambda b: can_view_buyer_deliveries(api_user(), b))
    q = sa.select(Delivery).join(Alliance, Alliance.id == Delivery.alliance_id).where(Delivery.buyer_id == buyer.id)
    if buyer_id_of(api_user()) != buyer.id:
        q = q.where(alliance_filter(api_user()))
    return paginate(in_state(q, Delivery.state, tuple(DELIVERY.states)).order_by(Delivery.delivered_on, Delivery.id),
                    delivery_out)


reading("/deliveries/<int:delivery_id>", summary="One delivery", response=DeliveryOut, tags=TAGS, name="delivery",
        load=_load_delivery, answer=delivery_out)


@endpoint("/deliveries/<int:delivery_id>", ["PATCH"], summary="Correct a delivery (awaiting the buyer or disputed)",
          body=DeliveryPatch, response=DeliveryOut, tags=TAGS, name="correct_delivery")
def correct_delivery(delivery_id, body):
    """The association's board or treasurer (403); stale ``version``: 409. Rules: ``delivery_not_editable`` (a
    confirmed delivery), and those of recording."""
    d = _load_delivery(delivery_id)
    require(can_record(api_user(), d.alliance), _l("Only the association's board or treasurer corrects deliveries."))
    check_version(d, body.version)
    services.correct_delivery(d, body, api_user())
    return delivery_out(d)


@endpoint("/deliveries/<int:delivery_id>/transitions", summary="Actions this user may take on the delivery now",
          response=ActionOut, many=True, tags=TAGS, name="delivery_transitions")
def list_delivery_transitions(delivery_id):
    d = _load_delivery(delivery_id)
    return [dump(ActionOut, {"action": t.name, "label": str(t.label), "target": t.target, "requires": list(t.requires)})
            for t in DELIVERY.available(d, api_user())]


@endpoint("/deliveries/<int:delivery_id>/transitions", ["POST"], summary="Confirm, dispute or resend a delivery",
          body=DeliveryTransitionIn, response=DeliveryOut, tags=TAGS, name="delivery_transition")
def delivery_transition(delivery_id, body):
    """``confirm`` and ``dispute`` (with ``reason``: 422 ``required``) by the buyer's own account only; ``resend``
    by the association after correcting a disputed delivery. Unknown action: 400; wrong state: 409
    ``invalid_transition``; role: 403. Confirming feeds the sales indicators."""
    d = _load_delivery(delivery_id)
    known_action(body.action, DELIVERY)
    services.act(d, body, api_user())
    return delivery_out(d)


@endpoint("/deliveries/<int:delivery_id>/payment", ["POST"], summary="The buyer records the payment of a delivery",
          body=PaymentIn, response=DeliveryOut, tags=TAGS, name="delivery_payment")
def delivery_payment(delivery_id, body):
    """The buyer's own account (403 for anyone else). Rules: ``delivery_not_confirmed``, ``payment_exceeds_amount``,
    ``invalid`` (in the future, before the delivery)."""
    d = _load_delivery(delivery_id)
    require(is_buyer_of(api_user(), d.buyer_id), _l("Only the buyer's own account records its payments."))
    services.record_payment(d, body, api_user())
    return delivery_out(d)


def _account_out(link):
    return dump(AccountOut, {"user_id": link.user_id, "buyer_id": link.buyer_id, "name": link.user.name,
                             "email": link.user.email, "linked_at": link.linked_at})


def _load_buyer_for_links(buyer_id):
    require(can_link(api_user()), _l("Only officers and admins link accounts to a buyer."))
    return load(Buyer, buyer_id)


@endpoint("/buyers/<int:buyer_id>/accounts", summary="Accounts acting for a buyer", response=AccountOut, many=True,
          tags=TAGS, name="buyer_accounts")
def list_buyer_accounts(buyer_id):
    buyer = _load_buyer_for_links(buyer_id)
    return [_account_out(link) for link in services.accounts_of(buyer)]


@endpoint("/buyers/<int:buyer_id>/accounts", ["POST"], summary="Link an account (role buyer) to a buyer",
          body=LinkIn, response=AccountOut, status=201, tags=TAGS, name="link_buyer_account")
def link_buyer_account(buyer_id, body):
    """Officers and admins (403). Rule: ``buyer_role_missing``. A user acts for one buyer: an earlier link moves."""
    buyer = _load_buyer_for_links(buyer_id)
    user = db.session.get(User, body.user_id)
    if user is None:
        raise NotFound(_l("Not found."))
    link = services.link_account(buyer, user, api_user())
    return _account_out(link)


@endpoint("/buyers/<int:buyer_id>/accounts/<int:user_id>", ["DELETE"], summary="Remove an account's link to a buyer",
          status=204, tags=TAGS, name="unlink_buyer_account")
def unlink_buyer_account(buyer_id, user_id):
    buyer = _load_buyer_for_links(buyer_id)
    user = load(User, user_id)
    if not services.unlink_account(buyer, user, api_user()):
        raise NotFound(_l("Not found."))
    return no_content()

