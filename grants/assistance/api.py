"""API endpoints of the assistance stage (API.md): the registry of TA providers, contracts with their
deliverables, and the deliverables' transitions (``submit`` is multipart with ``action`` and ``file``).
Payments are expenses with ``deliverable_id`` on ``/alliances/{id}/expenses``."""
from datetime import date

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from ..alliances.api import load_alliance
from ..api.core import (Out, api_user, dump, endpoint, known_action, listing, load, paginate, permitted, reading,
                        require, rows_of)
from ..schemas.types import MoneyStr
from ..workflows.deliverable import DELIVERABLE
from . import services as svc
from .models import Contract, Deliverable, Provider
from .schemas import ContractIn, DeliverableActionIn, ProviderIn
from .permissions import can_keep_registry, can_manage, can_see_registry, can_view_contract, contract_filter

TAGS = ("assistance",)


class ProviderOut(Out):
    id: int
    name: str
    tax_id: str
    email: str
    phone: str
    user_id: int | None = None
    contracts: int
    closed_contracts: int
    quality: str | None = None
    timeliness: str | None = None


class DeliverableOut(Out):
    id: int
    contract_id: int
    position: int
    description: str
    due_on: date
    amount: MoneyStr
    state: str
    overdue: bool
    note: str | None = None
    comment: str | None = None
    file_sha256: str | None = None
    file_filename: str | None = None
    actions: list[str]
    version: int


class ContractOut(Out):
    id: int
    alliance_id: int
    provider_id: int
    provider_name: str
    budget_line_id: int
    terms_id: int | None = None
    amount: MoneyStr
    starts_on: date
    ends_on: date
    state: str
    quality: int | None = None
    timeliness: int | None = None
    deliverables: list[DeliverableOut]
    version: int


def provider_out(p):
    q, t = p.average("quality"), p.average("timeliness")
    return dump(ProviderOut, {"id": p.id, "name": p.name, "tax_id": p.tax_id, "email": p.email, "phone": p.phone,
                              "user_id": p.user_id, "contracts": len(p.contracts),
                              "closed_contracts": len(p.ratings), "quality": None if q is None else str(q),
                              "timeliness": None if t is None else str(t)})


def deliverable_out(d):
    data = {k: getattr(d, k) for k in ("id", "contract_id", "position", "description", "due_on", "amount", "state",
                                       "overdue", "note", "comment", "file_sha256", "file_filename", "version")}
    return dump(DeliverableOut, {**data, "actions": [t.name for t in DELIVERABLE.available(d, api_user())]})


def contract_out(c):
    data = {k: getattr(c, k) for k in ("id", "alliance_id", "provider_id", "budget_line_id", "terms_id", "amount",
                                       "starts_on",
                                       "ends_on", "state", "quality", "timeliness", "version")}
    return dump(ContractOut, {**data, "provider_name": c.provider.name,
                              "deliverables": [deliverable_out(d) for d in c.deliverables]})


@endpoint("/ta-providers", summary="The registry of technical assistance providers, with their ratings",
          response=ProviderOut, paginated=True, tags=TAGS, name="ta_providers")
def list_providers():
    require(can_see_registry(api_user()), _l("The registry is kept by boards, officers and administrators."))
    return paginate(sa.select(Provider).order_by(Provider.name, Provider.id), provider_out)


@endpoint("/ta-providers", ["POST"], summary="Add a provider to the registry", body=ProviderIn,
          response=ProviderOut, status=201, tags=TAGS, name="create_ta_provider")
def create_provider(body):
    """Boards, officers and admins. ``user_id``: an account with the ``ta_provider`` role (422 otherwise)."""
    require(can_keep_registry(api_user()), _l("The registry is kept by boards, officers and administrators."))
    p = svc.create_provider(body, api_user())
    return provider_out(p)


listing("/alliances/<int:alliance_id>/ta-contracts", summary="The alliance's TA contracts",
        response=ContractOut, tags=TAGS, name="alliance_ta_contracts", load=load_alliance,
        rows=lambda alliance: rows_of(Contract, alliance, Contract.id), answer=contract_out)


_contracting = permitted(load_alliance, can_manage, _l("Only the association's board contracts technical assistance."))


@endpoint("/alliances/<int:alliance_id>/ta-contracts", ["POST"], summary="Contract a TA provider",
          body=ContractIn, response=ContractOut, status=201, tags=TAGS, name="create_ta_contract")
def create_contract(alliance_id, body):
    """The association board, while the alliance is in execution. Rules (422): ``contract_amount_exceeded``
    (above the line's available grant money), ``deliverables_mismatch`` (the deliverables do not sum exactly
    to ``amount``)."""
    return contract_out(svc.create_contract(_contracting(alliance_id), body, api_user()))


@endpoint("/ta-contracts", summary="The TA contracts this user may see (a TA provider: its own)",
          response=ContractOut, paginated=True, tags=TAGS, name="ta_contracts")
def list_contracts():
    return paginate(sa.select(Contract).where(contract_filter(api_user())).order_by(Contract.id), contract_out)


reading("/ta-contracts/<int:contract_id>", summary="One TA contract", response=ContractOut, tags=TAGS,
        name="ta_contract", load=lambda contract_id: load(Contract, contract_id,
                                                          lambda c: can_view_contract(api_user(), c)),
        answer=contract_out)


@endpoint("/deliverables/<int:deliverable_id>/transitions", ["POST"], summary="Take a deliverable action",
          body=DeliverableActionIn, multipart={"file": "submit: the deliverable (PDF, JPEG, PNG)"},
          response=DeliverableOut, tags=TAGS, name="deliverable_transition")
def deliverable_transition(deliverable_id, body):
    """``submit`` (the contract's provider, or the board on its behalf; multipart with ``file``), ``accept``,
    ``reject`` with ``comment`` (association board). Unknown action: 400; wrong state: 409; role: 403."""
    d = load(Deliverable, deliverable_id, lambda d: can_view_contract(api_user(), d.contract))
    known_action(body.action, DELIVERABLE)
    svc.transition(d, body.action, api_user(), comment=body.comment, note=body.note, file=request.files.get("file"))
    return deliverable_out(d)


from . import api_selection  # noqa: E402,F401  (the selection endpoints)
