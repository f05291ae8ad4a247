"""API endpoints of procurement (API.md): procurements, quotations with files, award/close/cancel."""

from flask import request
from flask_babel import lazy_gettext as _l

from ...alliances.api import load_alliance
from ...api.core import Out, api_user, dump, endpoint, known_action, listing, load, reading, rows_of
from ...schemas.types import MoneyStr, UtcDateTime
from ...workflows.procurement import PROCUREMENT
from . import services as svc
from ..models import Procurement
from ..api import TAGS, _visible, recorded
from .schemas import ProcurementIn, ProcurementTransitionIn, QuotationIn

BUYERS = _l("Only the association's treasurer or board buy.")


class QuotationOut(Out):
    id: int
    supplier: str
    amount: MoneyStr
    file_sha256: str | None = None
    file_filename: str | None = None
    created_at: UtcDateTime


class ProcurementOut(Out):
    id: int
    alliance_id: int
    budget_line_id: int
    description: str
    method: str
    estimated_amount: MoneyStr
    direct_reason: str | None = None
    assembly_sha256: str | None = None
    assembly_decision_id: int | None = None
    state: str
    awarded_quotation_id: int | None = None
    justification: str | None = None
    quotations: list[QuotationOut]
    actions: list[str]
    version: int


def procurement_out(p):
    data = {k: getattr(p, k) for k in ProcurementOut.model_fields if k != "actions"}
    data["actions"] = [t.name for t in PROCUREMENT.available(p, api_user())]
    return dump(ProcurementOut, data)


def load_procurement(procurement_id):
    return load(Procurement, procurement_id, _visible)


listing("/alliances/<int:alliance_id>/procurements", summary="The alliance's procurements",
        response=ProcurementOut, tags=TAGS, name="execution_procurements", load=load_alliance,
        rows=lambda alliance: rows_of(Procurement, alliance, Procurement.id), answer=procurement_out)


@endpoint("/alliances/<int:alliance_id>/procurements", ["POST"], summary="Open a procurement",
          body=ProcurementIn, multipart={"file": "Direct contracting: the general assembly's approval"},
          response=ProcurementOut, status=201, tags=TAGS, name="open_procurement")
def open_procurement(alliance_id, body):
    """``method_not_allowed`` (minor above the limit); direct needs ``direct_reason``."""
    alliance = load_alliance(alliance_id)
    return recorded(alliance, lambda user: svc.create_procurement(alliance, body, user, request.files.get("file")),
                    procurement_out, BUYERS)


reading("/procurements/<int:procurement_id>", summary="One procurement with its quotations",
        response=ProcurementOut, tags=TAGS, name="execution_procurement", load=load_procurement,
        answer=procurement_out)


@endpoint("/procurements/<int:procurement_id>/quotations", ["POST"], summary="Add a quotation with its file",
          body=QuotationIn, multipart={"file": "The quotation: photo or PDF (required)"}, response=ProcurementOut,
          status=201, tags=TAGS, name="add_quotation")
def add_quotation(procurement_id, body):
    p = load_procurement(procurement_id)
    return recorded(p.alliance, lambda user: svc.add_quotation(p, body, request.files.get("file"), user),
                    lambda q: procurement_out(p), BUYERS)


@endpoint("/procurements/<int:procurement_id>/transitions", ["POST"], summary="Award, close or cancel",
          body=ProcurementTransitionIn, multipart={"file": "award of a direct contracting: the assembly's approval"},
          response=ProcurementOut, tags=TAGS, name="procurement_transition")
def procurement_transition(procurement_id, body):
    """``award`` (board; ``quotation_id``, ``justification`` when not the lowest): ``quotations_missing``,
    ``assembly_approval_missing``, ``justification_required``; ``close``; ``cancel`` with ``comment``."""
    p = load_procurement(procurement_id)
    known_action(body.action, PROCUREMENT)
    data = body.model_dump(exclude={"action"}, exclude_none=True)
    if body.action == "cancel" and not data.get("comment"):
        data["comment"] = data.get("reason")
    svc.procurement_action(p, body.action, api_user(), data, request.files.get("file"))
    return procurement_out(load_procurement(procurement_id))
