"""The input models of reallocations: request (``ReallocationIn``), the officer's decision
(``ReallocationDecisionIn``)."""
from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator

from ...schemas import Model
from ...schemas.types import Id
from ..models import REALLOCATION_SOURCES
from ...schemas.fields import PositiveAmount, choice, refuse, required_text

ReallocationSource = choice(REALLOCATION_SOURCES, _l("Choose the source of money to move."))


class ReallocationIn(Model):
    """Move ``amount`` of ``source`` from one line to another. The lines being this alliance's, the free share,
    the funds left and the financing rules are the service's."""

    from_line_id: Id
    to_line_id: Id
    amount: PositiveAmount
    justification: required_text(5000)
    source: ReallocationSource = Field("grant", description="grant, counterpart_cash or counterpart_in_kind")

    @model_validator(mode="after")
    def _two_lines(self):
        if self.from_line_id == self.to_line_id:
            refuse(type(self), {"to_line_id": _l("Choose two different lines.")})
        return self


class ReallocationDecisionIn(Model):
    """The officer's ``approve`` or ``refuse`` (with a comment)."""

    action: str = Field(min_length=1, max_length=20, description="approve or refuse")
    comment: str | None = Field(None, max_length=5000)
