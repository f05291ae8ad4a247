"""The input models of technical assistance (issue 14: one schema per operation). Each is the one definition of
its operation's input: the API validates a request body against it, a page validates its form against it
(``grants.schemas.from_form``), the demo and the tests may pass a mapping (``as_body``); the service receives
the validated model and checks only what needs the database (a provider of the registry, a technical
assistance line of this alliance, invited providers) and the business rules.

Operations: a provider of the registry (``ProviderIn``); terms of reference (``TermsIn``), invitations
(``InvitationsIn``), a proposal (``ProposalIn``), its technical score (``ScoreIn``), the selection
(``SelectionIn``); a contract with its deliverables (``ContractIn``); a deliverable's action
(``DeliverableActionIn``: submit, accept, reject); closing a contract with the provider's rating (``CloseIn``)."""
from datetime import date
from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from ..schemas import Model
from ..schemas.fields import PositiveAmount, optional_text, required_text, whole
from ..schemas.types import Id

MAX_DELIVERABLES = 30


def _email(value):
    if value and "@" not in value:
        raise PydanticCustomError("value_error", str(_l("Enter an email address such as name@example.org.")))
    return value


def _rating(value):
    """A score of 1 to 5 (the page's select sends text); anything else: "Rate from 1 to 5."."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise PydanticCustomError("value_error", str(_l("Rate from 1 to 5.")))
    return value


def _some_deliverables(items):
    if not items:
        raise PydanticCustomError("value_error", str(_l("List at least one deliverable.")))
    if len(items) > MAX_DELIVERABLES:
        raise PydanticCustomError("value_error", str(_l("At most %(n)s deliverables.", n=MAX_DELIVERABLES)))
    return items


Email = Annotated[optional_text(200), AfterValidator(_email)]
#: the provider's rating on closing a contract: 1 to 5
Rating = Annotated[int, BeforeValidator(_rating), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5})]


class ProviderIn(Model):
    """A provider of the registry. ``user_id``: an account with the ``ta_provider`` role (the service checks)."""

    name: required_text(200)
    tax_id: optional_text(40) | None = None
    email: Email | None = None
    phone: optional_text(40) | None = None
    user_id: Id | None = None


class DeliverableIn(Model):
    description: required_text(300)
    due_on: date
    amount: PositiveAmount


class ContractIn(Model):
    """Contract a provider. Whether the provider, the line (technical assistance, of this alliance) and the
    terms exist, and the money rules, are the service's."""

    provider_id: Id
    budget_line_id: Id
    amount: PositiveAmount
    starts_on: date
    ends_on: date
    deliverables: Annotated[list[DeliverableIn], Field(max_length=MAX_DELIVERABLES),
                            AfterValidator(_some_deliverables)]
    terms_id: Id | None = Field(None, description="the terms of reference whose selection this contract carries out")

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, ends_on, info):
        """At its field, beside every other field's error (``starts_on`` is validated before it)."""
        starts_on = info.data.get("starts_on")
        if starts_on is not None and ends_on < starts_on:
            raise PydanticCustomError("value_error", str(_l("The contract must end after it starts.")))
        return ends_on


class DeliverableActionIn(Model):
    """A deliverable's action: ``submit`` (with a note; the file beside it), ``accept``, ``reject`` (comment)."""

    action: required_text(60) = Field(description="submit, accept, reject")
    note: optional_text(5000) | None = None
    comment: optional_text(5000) | None = None


class CloseIn(Model):
    """Close a contract rating the provider: quality and timeliness from 1 to 5, a comment."""

    quality: Rating
    timeliness: Rating
    comment: optional_text(2000) | None = None


class TermsIn(Model):
    """Terms of reference. Whether the line is a technical assistance line of this alliance is the service's."""

    budget_line_id: Id
    scope: required_text(5000)
    deliverables: required_text(5000)
    budget: PositiveAmount
    duration_days: whole(1, 3650)
    profile: required_text(5000)
    technical_weight: whole(0, 100) = Field(70, description="percent of the total given to the technical score")


class InvitationsIn(Model):
    """Providers of the registry to invite; fewer than three distinct ones need a written ``reason``."""

    provider_ids: list[Id] = Field(default_factory=list, max_length=50)
    reason: optional_text(5000) | None = Field(None, description="required when fewer than three are invited")


class ProposalIn(Model):
    """An invited provider's price (the file beside it)."""

    provider_id: Id | None = Field(None, description="the board names the provider; a provider sends its own")
    price: PositiveAmount


class ScoreIn(Model):
    technical_score: whole(0, 100)


class SelectionIn(Model):
    proposal_id: Id
    justification: required_text(5000)
