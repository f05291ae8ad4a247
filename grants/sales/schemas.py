"""The input models of the deliveries to the buyer (issue 14: one schema per operation): record or correct a
delivery (``DeliveryIn``; the API's correction ``DeliveryPatch`` adds the ``version`` read), confirm, dispute or
resend it (``DeliveryTransitionIn``), record its payment (``PaymentIn``), link an account to a buyer (``LinkIn``).

Each is the one definition of its input: the API validates the body against it, the pages their form
(``grants.schemas.from_form``), and the services receive it. The models check the shape of each field
(present, a date, an amount above zero, a length); what the refusal lists together with the business rules
(a date in the future, the letter's unit, the amount against quantity × price, a payment before the delivery)
stays in ``grants/sales/services.py``."""
from datetime import date

from pydantic import Field

from ..schemas import Model
from ..schemas.fields import PositiveAmount, optional_text, required_text, whole
from ..schemas.types import MAX_INT, Id


class DeliveryIn(Model):
    """Record (or correct) a delivery: ``amount`` must equal ``quantity`` × ``unit_price`` (computed when left
    out); ``unit`` is the letter of intent's when empty."""

    delivered_on: date
    quantity: PositiveAmount
    unit: optional_text(30) | None = Field(None, description="the letter of intent's unit when empty")
    quality: optional_text(300) | None = None
    unit_price: PositiveAmount
    amount: PositiveAmount | None = Field(None, description="must equal quantity × unit_price (computed when left "
                                                            "out)")


class DeliveryPatch(DeliveryIn):
    """Correct a delivery (awaiting the buyer or disputed): every field again, and the ``version`` read."""

    version: whole(0, MAX_INT)


class DeliveryTransitionIn(Model):
    """``confirm`` (optionally with the payment), ``dispute`` (with ``reason``), ``resend``."""

    action: required_text(60)
    reason: optional_text(2000) | None = Field(None, description="dispute: why (required)")
    comment: optional_text(2000) | None = None
    paid_on: date | None = Field(None, description="confirm: the payment, when already made")
    paid_amount: PositiveAmount | None = None


class PaymentIn(Model):
    """The buyer records (or corrects) the payment of a confirmed delivery."""

    paid_on: date
    paid_amount: PositiveAmount


class LinkIn(Model):
    """Link an account (global role ``buyer``) to a buyer."""

    user_id: Id
