"""The input model of a counterpart contribution (``ContributionIn``); void is ``VoidIn``
(grants/execution/schemas.py)."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from pydantic import model_validator

from ...money import amount_hint
from ...schemas import Model
from ...schemas.types import Id
from ..models import CONTRIBUTION_KINDS, IN_KIND_TYPES
from ...schemas.fields import PastDate, PositiveAmount, choice, refuse, required_text
from ..schemas import Quantity

ContributionKind = choice(CONTRIBUTION_KINDS, _l("Choose cash or in kind."))
InKindType = choice(IN_KIND_TYPES, _l("Choose what was contributed in kind."))


class ContributionIn(Model):
    """Record a counterpart contribution: cash, or in kind (with what it was); the amount, or ``quantity`` ×
    ``unit_value`` (labour days × the daily value). Whether the line is this alliance's is the service's."""

    kind: ContributionKind
    in_kind_type: InKindType | None = None
    description: required_text(300)
    amount: PositiveAmount | None = None
    quantity: Quantity | None = None
    unit_value: PositiveAmount | None = None
    contributed_on: PastDate
    budget_line_id: Id | None = None

    @model_validator(mode="after")
    def _complete(self):
        errors = {}
        if self.kind == "in_kind" and self.in_kind_type is None:
            errors["in_kind_type"] = _l("Choose what was contributed in kind.")
        if self.kind == "cash":
            self.in_kind_type = None
        example = amount_hint()
        if self.quantity is not None or self.unit_value is not None:
            if self.quantity is None:
                errors["quantity"] = _l("Enter a quantity greater than zero.")
            if self.unit_value is None:
                errors["unit_value"] = _l("Enter an amount greater than zero, such as %(example)s.", example=example)
        elif self.amount is None:
            errors["amount"] = _l("Enter an amount greater than zero, such as %(example)s.", example=example)
        if errors:
            refuse(type(self), errors)
        return self

    @property
    def total(self):
        """The amount, or quantity × unit value to the cent."""
        if self.quantity is not None and self.unit_value is not None:
            return (self.quantity * self.unit_value).quantize(Decimal("0.01"))
        return self.amount
