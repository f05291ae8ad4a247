"""The business intention's inputs, one model per operation (issue 14): draft (``AllianceCreate``) and change
(``AlliancePatch``). The API validates its body against them, the pages their forms (``from_form``), and the
services (grants/alliances/services.py) receive the validated model and check what needs the database: the
association and the call, the buyer, the member families, and a title or product left blank (listed with
those in one refusal)."""
from pydantic import Field

from ..schemas import Model, Patch
from ..schemas.fields import optional_text
from ..schemas.types import AmountStr, Id

#: the most member families one body may name
MAX_MEMBERS = 2000


class BuyerIn(Model):
    name: str = Field(min_length=1, max_length=200)
    tax_id: str | None = Field(None, max_length=40)


class AllianceCreate(Model):
    call_id: Id
    association_id: Id
    title: optional_text(200)
    product: optional_text(120)
    #: a buyer to find by tax ID or register; or ``buyer_id`` of a registered one
    buyer: BuyerIn | None = None
    buyer_id: Id | None = None
    member_ids: list[Id] = Field(default_factory=list, max_length=MAX_MEMBERS)
    requested_grant: AmountStr = None
    estimated_counterpart: AmountStr = None


class AlliancePatch(Patch):
    title: optional_text(200) = None
    product: optional_text(120) = None
    buyer: BuyerIn | None = None
    buyer_id: Id | None = None
    member_ids: list[Id] = Field(None, max_length=MAX_MEMBERS)
    requested_grant: AmountStr = None
    estimated_counterpart: AmountStr = None
