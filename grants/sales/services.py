"""Deliveries to the buyer and the buyer's accounts. Services take model objects, validate, change, flush, write
the audit event and never commit (views, API and CLI commit).

Rule codes (422, every one listed at once): ``alliance_not_in_execution`` (deliveries are recorded while the
alliance is in execution, suspended or closing), ``alliance_without_buyer``, ``delivery_amount_mismatch``
(``amount`` ≠ ``quantity`` × ``unit_price`` to the cent), ``delivery_unit_mismatch`` (not the unit of the letter
of intent), ``delivery_not_editable`` (a confirmed delivery is final), ``delivery_not_confirmed`` (a payment before
the confirmation), ``payment_exceeds_amount``, ``buyer_role_missing`` (linking an account without the role
``buyer``); field errors ``required`` / ``invalid``. Transitions (``confirm``, ``dispute`` with ``reason``,
``resend``) go through the engine (grants/workflows/delivery.py): 409 ``invalid_transition``, 403 for a role.

Confirmed deliveries feed the standard sales indicators (``sales_volume``, ``sales_value``, ``price_received``)
through the spine (grants/alliances/sales.py): for each month with a confirmed delivery, the sales of the twelve
months up to it (the indicators are "per year"); the price received is value / volume."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..alliances import page
from ..alliances import sales as sales_port
from ..alliances.models import Alliance
from ..common import utcnow
from ..errors import Collector, RuleViolation, ValidationFailed, Violation
from ..extensions import db
from ..money import ZERO, fmt, to_decimal
from ..schemas.fields import as_body
from ..workflows import rules
from ..workflows.delivery import DELIVERY
from .models import BuyerAccount, Delivery
from .permissions import RECORDING
from .schemas import DeliveryIn, DeliveryTransitionIn, PaymentIn

CENT = Decimal("0.01")
FIELD_RULES = ("required", "invalid")
FIELDS = ("delivered_on", "quantity", "unit", "quality", "unit_price", "amount")


def _raise(c):
    if not c.violations:
        return
    if all(v.rule in FIELD_RULES for v in c.violations):
        raise ValidationFailed(_l("Some fields need attention."), c.violations)
    raise RuleViolation(c.violations)


def letter_of(alliance):
    """The buyer's letter of intent of ``alliance`` (dict) or None."""
    return sales_port.letters_of_intent([alliance.id]).get(alliance.id)


# accounts ---------------------------------------------------------------------------------------------------

def link_account(buyer, user, actor):
    """Link ``user`` (global role ``buyer``) to ``buyer``; a user acts for one buyer, so an earlier link moves.
    Raises ``RuleViolation`` (``buyer_role_missing``)."""
    if user is None or not user.has_role("buyer"):
        raise RuleViolation([_violation(rules.BUYER_ROLE_MISSING, _l("Give the account the buyer role first."),
                                        "user_id")])
    link = db.session.get(BuyerAccount, user.id)
    before = link.buyer_id if link is not None else None
    if link is None:
        link = BuyerAccount(user_id=user.id, buyer_id=buyer.id, linked_by_id=actor.id if actor else None)
        db.session.add(link)
    else:
        link.buyer_id, link.linked_by_id, link.linked_at = buyer.id, actor.id if actor else None, utcnow()
    db.session.flush()
    audit.record("buyer_account", user.id, "link", actor, data={"buyer_id": buyer.id, "buyer": buyer.name,
                                                                "previous_buyer_id": before})
    return link


def unlink_account(buyer, user, actor):
    """Remove the link of ``user`` to ``buyer`` (nothing when there is none). Returns whether one was removed."""
    link = db.session.get(BuyerAccount, user.id)
    if link is None or link.buyer_id != buyer.id:
        return False
    db.session.delete(link)
    db.session.flush()
    audit.record("buyer_account", user.id, "unlink", actor, data={"buyer_id": buyer.id, "buyer": buyer.name})
    return True


def accounts_of(buyer):
    return db.session.execute(sa.select(BuyerAccount).where(BuyerAccount.buyer_id == buyer.id)
                              .order_by(BuyerAccount.user_id)).scalars().all()


# deliveries -------------------------------------------------------------------------------------------------

def _violation(rule, message, field=None):
    return Violation(rule, message, field)


def _not_future(c, day, field):
    """A day that has come; listed with the business rules (the refusal names every problem at once)."""
    if day > date.today():
        c.add(rules.INVALID, _l("The date cannot be in the future."), field)


def _values(c, body, letter):
    """What ``body`` (a ``DeliveryIn``: each field's shape checked) records, with the rules that need the letter
    of intent or several fields: the unit (the letter's, required without one), the amount (computed, or equal to
    quantity × unit price), the day (not in the future)."""
    _not_future(c, body.delivered_on, "delivered_on")
    expected_unit = ((letter or {}).get("unit") or "").strip()
    unit = body.unit or expected_unit
    if not unit:
        c.add(rules.REQUIRED, _l("This field is required."), "unit")
    product = (body.quantity * body.unit_price).quantize(CENT)
    amount = product if body.amount is None else body.amount
    if amount != product:
        c.add(rules.DELIVERY_AMOUNT_MISMATCH, _l("The amount (%(amount)s) must equal the quantity times the unit price "
                                             "(%(product)s).", amount=fmt(amount), product=fmt(product)), "amount")
    if unit and expected_unit and unit.casefold() != expected_unit.casefold():
        c.add(rules.DELIVERY_UNIT_MISMATCH, _l("Record the delivery in %(unit)s, the unit of the buyer's letter of "
                                           "intent.", unit=expected_unit), "unit")
    return {"delivered_on": body.delivered_on, "quantity": body.quantity, "unit": expected_unit or unit,
            "quality": body.quality or "", "unit_price": body.unit_price, "amount": amount}


def _state_violations(c, alliance):
    if alliance.state not in RECORDING:
        c.add(rules.ALLIANCE_NOT_IN_EXECUTION, _l("Deliveries are recorded while the alliance is in execution, "
                                              "suspended or closing."))
    if alliance.buyer_id is None:
        c.add(rules.ALLIANCE_WITHOUT_BUYER, _l("The alliance has no buyer: register the buyer of the letter of intent "
                                           "first."))


def _snapshot(values):
    return {k: (fmt(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v)
            for k, v in values.items()}


def record_delivery(alliance, body, actor):
    """Record a delivery to the alliance's buyer: ``body`` a ``DeliveryIn`` (or a mapping read as a form):
    ``delivered_on`` (not in the future), ``quantity``, ``unit`` (the letter's unit when it has one), ``quality``,
    ``unit_price``, ``amount`` (computed when empty, checked when given). Raises ``RuleViolation`` /
    ``ValidationFailed`` listing every problem."""
    body = as_body(DeliveryIn, body)
    c = Collector()
    _state_violations(c, alliance)
    values = _values(c, body, letter_of(alliance))
    _raise(c)
    delivery = Delivery(alliance_id=alliance.id, buyer_id=alliance.buyer_id, state="recorded",
                        recorded_by_id=actor.id if actor else None, **values)
    delivery.alliance = alliance
    db.session.add(delivery)
    db.session.flush()
    audit.record("delivery", delivery.id, "record", actor, data=_snapshot(values), alliance_id=alliance.id,
                 association_id=alliance.association_id)
    return delivery


def correct_delivery(delivery, body, actor):
    """Correct a delivery that is awaiting the buyer or disputed (a disputed one is then sent again with
    ``resend``): ``body`` a ``DeliveryIn`` (the API's ``DeliveryPatch``, its version checked). Raises
    ``RuleViolation`` (``delivery_not_editable`` once confirmed, and the rules of ``record_delivery``)."""
    body = as_body(DeliveryIn, body)
    c = Collector()
    if delivery.state == "confirmed":
        c.add(rules.DELIVERY_NOT_EDITABLE, _l("A confirmed delivery can no longer be changed."))
    alliance = delivery.alliance
    values = _values(c, body, letter_of(alliance))
    _raise(c)
    old = _snapshot({k: getattr(delivery, k) for k in FIELDS})
    for k, v in values.items():
        setattr(delivery, k, v)
    db.session.flush()
    audit.record("delivery", delivery.id, "correct", actor, data={"old": old, "new": _snapshot(values)},
                 alliance_id=alliance.id, association_id=alliance.association_id)
    return delivery


def _payment(c, delivery, paid_on, paid_amount):
    """The payment ``(paid_on, paid_amount)`` of ``delivery``, or None when neither is given (both or none);
    its rules are listed with the others: not more than the delivery, not before it, not in the future."""
    if paid_on is None and paid_amount is None:
        return None
    if paid_on is None:
        c.add(rules.REQUIRED, _l("This field is required."), "paid_on")
    else:
        _not_future(c, paid_on, "paid_on")
        if paid_on < delivery.delivered_on:
            c.add(rules.INVALID, _l("The payment cannot be earlier than the delivery."), "paid_on")
    if paid_amount is None:
        c.add(rules.REQUIRED, _l("This field is required."), "paid_amount")
    elif paid_amount > delivery.amount:
        c.add(rules.PAYMENT_EXCEEDS_AMOUNT, _l("The payment cannot be more than the amount of the delivery "
                                           "(%(amount)s).", amount=fmt(delivery.amount)), "paid_amount")
    return paid_on, paid_amount


def act(delivery, body, actor, reason=None, comment=None, paid_on=None, paid_amount=None):
    """Take ``body.action`` (``body`` a ``DeliveryTransitionIn``; or the action's name with its values as keywords,
    read as a form) on ``delivery`` through the engine: ``confirm`` (the buyer; may carry the payment),
    ``dispute`` (the buyer, with ``reason``), ``resend`` (the association after correcting it). Confirming feeds
    the sales indicators. Raises ``InvalidTransition``, ``Forbidden``, ``RuleViolation``."""
    if not isinstance(body, DeliveryTransitionIn):
        body = as_body(DeliveryTransitionIn, {"action": body, "reason": reason, "comment": comment,
                                              "paid_on": paid_on, "paid_amount": paid_amount})
    action = body.action
    data = {"reason": body.reason or ""} if action == "dispute" else {}
    pay = None
    if action == "confirm":
        c = Collector()
        pay = _payment(c, delivery, body.paid_on, body.paid_amount)
        DELIVERY.check(delivery, action, actor, data)  # state and role first: a refused action says why
        _raise(c)

    def effect(obj, transition, data):
        if transition.name == "dispute":
            obj.dispute_reason = data["reason"][:2000]
            return {"reason": obj.dispute_reason}
        if transition.name == "confirm":
            obj.confirmed_at, obj.confirmed_by_id = utcnow(), actor.id
            if pay is not None:
                obj.paid_on, obj.paid_amount = pay
                return {"paid_on": pay[0].isoformat(), "paid_amount": fmt(pay[1])}
        return None

    DELIVERY.apply(delivery, action, actor, comment=body.comment or None, data=data, effect=effect)
    db.session.flush()
    if action == "confirm":
        feed(delivery.alliance, actor)
    return delivery


def record_payment(delivery, body, actor):
    """The buyer records (or corrects) the payment of a confirmed delivery: ``body`` a ``PaymentIn`` (or a mapping
    read as a form): ``paid_on``, ``paid_amount``. Raises ``RuleViolation`` (``delivery_not_confirmed``,
    ``payment_exceeds_amount``) / ``ValidationFailed``."""
    body = as_body(PaymentIn, body)
    c = Collector()
    if delivery.state != "confirmed":
        c.add(rules.DELIVERY_NOT_CONFIRMED, _l("The payment is recorded once the delivery is confirmed."))
    pay = _payment(c, delivery, body.paid_on, body.paid_amount)
    _raise(c)
    old = {"paid_on": delivery.paid_on.isoformat() if delivery.paid_on else None,
           "paid_amount": fmt(delivery.paid_amount) if delivery.paid_amount is not None else None}
    delivery.paid_on, delivery.paid_amount = pay
    db.session.flush()
    audit.record("delivery", delivery.id, "pay", actor, data={"old": old, "paid_on": pay[0].isoformat(),
                                                              "paid_amount": fmt(pay[1])},
                 alliance_id=delivery.alliance_id, association_id=delivery.alliance.association_id)
    return delivery


# figures ----------------------------------------------------------------------------------------------------

@sales_port.provide("confirmed_sales")
def confirmed_totals(alliance_id):
    """The confirmed sales of one alliance, in one query: ``count``, ``volume``, ``value``, ``paid``, ``price``
    (value / volume, or None), ``unit``, and how many deliveries await the buyer or are disputed."""
    figures = page.held(alliance_id) or {}
    if all(name in figures for name in _TOTALS):  # the alliance page read them with the alliance
        got = {name: figures[name] for name in _TOTALS}
    else:
        got = dict(zip(_TOTALS, db.session.execute(sa.select(*_totals_columns(alliance_id).values())).one()))
    volume = Decimal(got["sales_volume"] or 0)
    value = Decimal(got["sales_value"] or 0)
    return {"count": got["sales_count"] or 0, "volume": volume, "value": value,
            "paid": Decimal(got["sales_paid"] or 0),
            "price": (value / volume).quantize(CENT) if volume else None,
            "unit": got["sales_unit"] or got["sales_any_unit"] or "",
            "awaiting": got["sales_awaiting"] or 0, "disputed": got["sales_disputed"] or 0}


def _totals_columns(alliance_id):
    """``confirmed_totals``' figures of one alliance, each a scalar subquery (the alliance page reads them in
    its first statement, ``page.py``; elsewhere they are one statement)."""
    def one(expr, *conds):
        return sa.select(expr).where(Delivery.alliance_id == alliance_id, *conds).scalar_subquery()

    confirmed = Delivery.state == "confirmed"
    return {"sales_count": one(sa.func.count(Delivery.id), confirmed),
            "sales_volume": one(sa.func.sum(Delivery.quantity), confirmed),
            "sales_value": one(sa.func.sum(Delivery.amount), confirmed),
            "sales_paid": one(sa.func.sum(Delivery.paid_amount), confirmed),
            "sales_unit": one(sa.func.max(Delivery.unit), confirmed),
            "sales_any_unit": one(sa.func.max(Delivery.unit)),
            "sales_awaiting": one(sa.func.count(Delivery.id), Delivery.state == "recorded"),
            "sales_disputed": one(sa.func.count(Delivery.id), Delivery.state == "disputed")}


_TOTALS = tuple(_totals_columns(0))
for _name in _TOTALS:
    page.figure(_name)(lambda name=_name: _totals_columns(Alliance.id)[name])


def _month(day):
    return day.year * 12 + day.month - 1


def indicator_figures(deliveries):
    """``{period: {"sales_volume", "sales_value", "price_received"}}`` from confirmed ``deliveries``: for each month
    with a confirmed delivery, the sales of the twelve months up to it."""
    confirmed = [d for d in deliveries if d.state == "confirmed"]
    by_month = defaultdict(lambda: [ZERO, ZERO])
    for d in confirmed:
        by_month[_month(d.delivered_on)][0] += d.quantity
        by_month[_month(d.delivered_on)][1] += d.amount
    out = {}
    for m in sorted(by_month):
        volume = sum((v[0] for k, v in by_month.items() if m - 11 <= k <= m), ZERO)
        value = sum((v[1] for k, v in by_month.items() if m - 11 <= k <= m), ZERO)
        out[f"{m // 12:04d}-{m % 12 + 1:02d}"] = {
            "sales_volume": to_decimal(volume), "sales_value": to_decimal(value),
            "price_received": (value / volume).quantize(CENT) if volume else None}
    return out


def feed(alliance, actor):
    """Write the sales indicators of ``alliance`` from its confirmed deliveries (see the module)."""
    deliveries = db.session.execute(sa.select(Delivery).where(Delivery.alliance_id == alliance.id,
                                                              Delivery.state == "confirmed")).scalars().all()
    return sales_port.feed_indicators(alliance, indicator_figures(deliveries), actor)
