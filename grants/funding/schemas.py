"""The inputs of the funding stage, one model per operation (issue 14): the tranche page's form and the API's
body are validated by the same model; ``services.tranche_action`` receives it and checks the business rules
(the workflow's guards, the transfer's amount and date)."""
from datetime import date

from pydantic import Field

from ..schemas.fields import optional_text
from ..schemas import Model
from ..schemas.types import AmountStr, Id


class TrancheActionIn(Model):
    """What a tranche action carries besides its name."""

    comment: optional_text(5000) | None = None
    #: required by ``refuse``
    reason: optional_text(5000) | None = None
    #: ``disburse``: the bank's reference of the transfer
    reference: optional_text(120) | None = None
    #: ``disburse``: the date of the transfer
    disbursed_on: date | None = None
    #: ``disburse``: the amount transferred (default: the tranche's amount)
    amount: AmountStr | None = None
    #: when given, the action is refused (409 ``stale_version``) if the tranche changed meanwhile
    version: Id | None = None


class TrancheTransitionIn(TrancheActionIn):
    """``{"action": "disburse", "reference": "...", "disbursed_on": "2027-03-01", "amount": "200000.00"}``."""

    action: str = Field(min_length=1, max_length=60, description="request, approve, refuse, disburse")
