"""API of the assembly register (API.md ``/associations/{id}/assemblies``): list, register (multipart, with
the minutes in ``file`` and the decisions as a JSON text), one assembly, its minutes file. The board and the
officer of the region register; auditors, finance and the association's other roles read; another
association's assembly is a 404."""
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l

from ..api.core import (ApiError, Out, api_user, child_of, dump, endpoint, listing, load, reading, require, rows_of,
                        stored_file)
from ..schemas.types import UtcDateTime
from ..workflows import rules
from . import assemblies
from .assemblies_models import Assembly
from .models import Association
from .schemas import AssemblyIn
from .permissions import can_register_assembly, can_view_assemblies, can_view_association

TAGS = ("assemblies",)


class DecisionOut(Out):
    id: int
    position: int
    kind: str
    text: str
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    #: votes for outnumber votes against (a decision without votes was taken by consensus)
    adopted: bool


class AssemblyOut(Out):
    id: int
    association_id: int
    held_on: date
    kind: str
    place: str
    women: int
    men: int
    families_present: int | None = None
    #: active member families when the assembly was registered
    members_total: int
    quorum_required: int
    quorum_met: bool
    notes: str | None = None
    minutes_sha256: str
    minutes_filename: str
    #: the minutes file: GET it with the same token
    minutes: str
    decisions: list[DecisionOut]
    created_at: UtcDateTime


def assembly_out(a):
    data = {k: getattr(a, k) for k in AssemblyOut.model_fields if k not in ("decisions", "minutes")}
    data["decisions"] = [{k: getattr(d, k) for k in DecisionOut.model_fields} for d in a.decisions]
    data["minutes"] = f"/api/v1/associations/{a.association_id}/assemblies/{a.id}/minutes"
    return dump(AssemblyOut, data)


def _association(association_id):
    """The association (404 when not visible) whose register the user may read (403 otherwise)."""
    association = load(Association, association_id, lambda x: can_view_association(api_user(), x))
    require(can_view_assemblies(api_user(), association), _l("You may not read this association's assemblies."))
    return association


_assembly = child_of(_association, Assembly, parent="association_id")

listing("/associations/<int:association_id>/assemblies", summary="The assembly register of an association",
        response=AssemblyOut, tags=TAGS, name="list_assemblies", load=_association, answer=assembly_out,
        rows=lambda association: rows_of(Assembly, association, Assembly.held_on.desc(), Assembly.id.desc(),
                                         key="association_id"))


@endpoint("/associations/<int:association_id>/assemblies", ["POST"], summary="Register an assembly",
          body=AssemblyIn, multipart={"file": "The minutes of the assembly: PDF, JPEG or PNG (required)"},
          response=AssemblyOut, status=201, tags=TAGS, name="register_assembly")
def register_assembly(association_id, body):
    """The board, the officer of the region or an admin. The quorum is computed against the active member
    families. 422 ``assembly_already_registered`` (same date and kind), field errors (``required`` minutes,
    more votes than people present); 413/415 for the file."""
    association = _association(association_id)
    require(can_register_assembly(api_user(), association), _l("Only the board and the officer register assemblies."))
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, rules.BAD_REQUEST, _l("Send the assembly as multipart/form-data with the minutes in 'file'."))
    a = assemblies.register_assembly(association, body, request.files.get("file"), api_user())
    return assembly_out(a)


reading("/associations/<int:association_id>/assemblies/<int:assembly_id>", summary="One assembly",
        response=AssemblyOut, tags=TAGS, name="get_assembly", load=_assembly, answer=assembly_out)


@endpoint("/associations/<int:association_id>/assemblies/<int:assembly_id>/minutes",
          summary="The minutes file of an assembly", content_type="image/jpeg, image/png, application/pdf",
          tags=TAGS, name="assembly_minutes_file")
def assembly_minutes(association_id, assembly_id):
    return stored_file(_assembly(association_id=association_id, assembly_id=assembly_id), "minutes")
