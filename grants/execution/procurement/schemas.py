"""The input models of procurement: open (``ProcurementIn``), a quotation (``QuotationIn``), award / close /
cancel (``ProcurementTransitionIn``)."""
from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator

from ...schemas import Model
from ...schemas.types import Id
from ..models import DIRECT_REASONS, PROCUREMENT_METHODS
from ...schemas.fields import PositiveAmount, choice, refuse, required_text

Method = choice(PROCUREMENT_METHODS, _l("Choose minor, comparison or direct."))
DirectReason = choice(DIRECT_REASONS, _l("Direct contracting is only for a single supplier, an emergency or a "
                                         "repeat order."))


class ProcurementIn(Model):
    """Open a procurement. The method against the program's limit (``method_not_allowed``) and the assembly
    decision are the service's."""

    description: required_text(300)
    budget_line_id: Id
    method: Method
    estimated_amount: PositiveAmount
    direct_reason: DirectReason | None = None
    #: direct contracting: the registered assembly decision that approved it (instead of the minutes file)
    assembly_decision_id: Id | None = None

    @model_validator(mode="after")
    def _direct_has_a_reason(self):
        if self.method != "direct":
            self.direct_reason = self.assembly_decision_id = None
        elif self.direct_reason is None:
            refuse(type(self), {"direct_reason": _l("Direct contracting is only for a single supplier, an emergency "
                                                    "or a repeat order.")})
        return self


class QuotationIn(Model):
    """A supplier's quotation (its file, required, is the service's)."""

    supplier: required_text(200)
    amount: PositiveAmount


class ProcurementTransitionIn(Model):
    """Award, close or cancel a procurement through its workflow (grants/workflows/procurement.py)."""

    action: str = Field(min_length=1, max_length=60, description="award, close, cancel")
    quotation_id: Id | None = None
    justification: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    reason: str | None = Field(None, max_length=5000)
    #: award of a direct contracting: the registered assembly decision that approved it
    assembly_decision_id: Id | None = None
