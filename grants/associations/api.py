"""API endpoints of associations and their members (see API.md).

Another association's object answers 404; member data is personal: only the board, the officer of
the region and admins see it, auditors see it masked, and every unmasked read is audited."""
from typing import Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..workflows import rules
from .permissions import (association_filter, can_create_association, can_edit_association,
                                     can_view_association, can_view_members, members_masked)
from ..api.core import (Out, api_user, bool_arg, check_version, dump, endpoint, load,
                        page_args, paginate, require, search, text_arg)
from ..schemas.types import Decimal2Str, UtcDateTime
from ..errors import ValidationFailed, Violation
from ..extensions import db
from . import services
from .models import Association, Member
from .schemas import AssociationIn, AssociationPatch, MemberIn, MemberPatch

class AssociationOut(Out):
    id: int
    name: str
    legal_id: str | None = None
    tax_id: str | None = None
    level: int
    parent_id: int | None = None
    municipality: str
    region: str
    founded_year: int | None = None
    bank_name: str | None = None
    #: masked ("••••••••1234") unless the user may edit the association
    bank_account: str | None = None
    phone: str | None = None
    email: str | None = None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class MemberOut(Out):
    id: int
    association_id: int
    full_name: str
    national_id: str
    sex: str
    #: null when masked: a masked reader sees ``birth_decade`` only
    birth_year: int | None = None
    #: "1970s"
    birth_decade: str | None = None
    indigenous: bool
    #: rounded to whole hectares when masked
    hectares: Decimal2Str
    phone: str | None = None
    active: bool
    version: int
    #: true when names, ID numbers and phones are masked, the birth year given as its decade and the
    #: hectares rounded (auditors): the same as the members page and its CSV export show them
    masked: bool


class MemberRemoval(Out):
    id: int
    #: ``deleted``, or ``deactivated`` when the member takes part in an alliance
    result: Literal["deleted", "deactivated"]


def _association_out(assoc):
    data = {k: getattr(assoc, k) for k in AssociationOut.model_fields}
    if not can_edit_association(api_user(), assoc):
        data["bank_account"] = assoc.bank_account_masked or None
    return dump(AssociationOut, data)


def _member_out(member, masked):
    data = {k: getattr(member, k) for k in MemberOut.model_fields if k not in ("masked", "birth_decade")}
    data.update(masked=masked, birth_decade=services.birth_decade(member.birth_year))
    if masked:  # exactly what the members page shows a masked reader (services.masked_member)
        shown = services.masked_member(member)
        data.update(full_name=shown["full_name"], national_id=shown["national_id"], phone=None, birth_year=None,
                    hectares=shown["hectares"])
    return dump(MemberOut, data)


def _visible(assoc):
    return can_view_association(api_user(), assoc)


def _load(association_id):
    return load(Association, association_id, _visible)


def _check_parent(body):
    """A parent the user may not see is reported as unknown (no leak)."""
    parent_id = getattr(body, "parent_id", None)
    if parent_id and "parent_id" in body.model_fields_set:
        parent = db.session.get(Association, parent_id)
        if parent is None or not _visible(parent):
            raise ValidationFailed(_l("Some fields need attention."), [
                Violation(rules.INVALID, _l("Choose an existing parent association."), "parent_id")])


# associations -----------------------------------------------------------------------------------


@endpoint("/associations", summary="List the associations this user may see", response=AssociationOut,
          paginated=True, tags=("associations",),
          query={"region": "Only this region", "q": "Part of the name, legal ID or tax ID"})
def list_associations():
    query = sa.select(Association).where(association_filter(api_user())).order_by(Association.name, Association.id)
    region = text_arg("region", 80)
    if region:
        query = query.where(Association.region == region)
    return paginate(search(query, Association.name, Association.legal_id, Association.tax_id), _association_out)


@endpoint("/associations", ["POST"], summary="Register an association (admins; officers in their regions)",
          body=AssociationIn, response=AssociationOut, status=201, tags=("associations",),
          name="create_association")
def create_association(body):
    user = api_user()
    require(can_create_association(user, body.region),
            _l("Only admins and the officer of the region register associations."))
    _check_parent(body)
    assoc = services.create_association(body, user)
    return _association_out(assoc)


@endpoint("/associations/<int:association_id>", summary="One association", response=AssociationOut,
          tags=("associations",))
def get_association(association_id):
    return _association_out(_load(association_id))


@endpoint("/associations/<int:association_id>", ["PATCH"], summary="Change an association",
          body=AssociationPatch, response=AssociationOut, tags=("associations",), name="update_association")
def update_association(association_id, body):
    """Admins, the officer of the region and the association's board; only admins and the officer of
    the new region may move it to another region."""
    user = api_user()
    assoc = _load(association_id)
    require(can_edit_association(user, assoc), _l("You may not change this association."))
    check_version(assoc, body.version)
    if body.region is not None and body.region.strip() != assoc.region:
        require(can_create_association(user, body.region.strip()),
                _l("Only admins and the officer of the new region may move an association."))
    _check_parent(body)
    services.update_association(assoc, body, user)
    return _association_out(assoc)


# members ----------------------------------------------------------------------------------------


def _members_access(association_id):
    """The association (404 when not visible) and whether its members are masked (403 when the
    user may not see them at all)."""
    user = api_user()
    assoc = _load(association_id)
    require(can_view_members(user, assoc), _l("Member data is confidential."))
    return assoc, members_masked(user, assoc)


def _members_editable(association_id):
    """The association (404 when not visible) and the user, who may change its members (403 otherwise)."""
    user = api_user()
    assoc = _load(association_id)
    require(can_edit_association(user, assoc), _l("You may not change this association's members."))
    return assoc, user


def _load_member(assoc, member_id):
    return load(Member, member_id, lambda m: m.association_id == assoc.id)


def _audit_view(assoc, data):
    audit.record("association", assoc.id, "view_members", api_user(), association_id=assoc.id, data=data)


@endpoint("/associations/<int:association_id>/members", summary="List the member families (confidential)",
          response=MemberOut, paginated=True, tags=("members",),
          query={"q": "Part of the name or ID number (not for masked readers)",
                 "active": ("Only active (true) or inactive (false) members", {"type": "boolean"})})
def list_members(association_id):
    """The board, the officer of the region and admins see the data (each read is audited);
    auditors see names and ID numbers masked."""
    assoc, masked = _members_access(association_id)
    query = sa.select(Member).where(Member.association_id == assoc.id).order_by(Member.full_name, Member.id)
    active = bool_arg("active")
    if active is not None:
        query = query.where(Member.active.is_(active))
    q = (text_arg("q") or "").lower() or None
    require(not (q and masked), _l("Searching member data needs access to it."))
    result = paginate(search(query, Member.full_name, Member.national_id), lambda m: _member_out(m, masked))
    if not masked:
        page, per_page = page_args()
        _audit_view(assoc, {"page": page, "per_page": per_page, "q": q,
                            "member_ids": [m["id"] for m in result["items"]]})
    return result


@endpoint("/associations/<int:association_id>/members", ["POST"], summary="Add a member family",
          body=MemberIn, response=MemberOut, status=201, tags=("members",), name="add_member")
def add_member(association_id, body):
    assoc, user = _members_editable(association_id)
    member = services.add_member(assoc, body, user)
    return _member_out(member, False)


@endpoint("/associations/<int:association_id>/members/<int:member_id>", summary="One member family",
          response=MemberOut, tags=("members",))
def get_member(association_id, member_id):
    assoc, masked = _members_access(association_id)
    member = _load_member(assoc, member_id)
    out = _member_out(member, masked)
    if not masked:
        _audit_view(assoc, {"member_ids": [member.id]})
    return out


@endpoint("/associations/<int:association_id>/members/<int:member_id>", ["PATCH"], summary="Change a member",
          body=MemberPatch, response=MemberOut, tags=("members",), name="update_member")
def update_member(association_id, member_id, body):
    assoc, user = _members_editable(association_id)
    member = _load_member(assoc, member_id)
    check_version(member, body.version)
    services.update_member(member, body, user)
    return _member_out(member, False)


@endpoint("/associations/<int:association_id>/members/<int:member_id>", ["DELETE"], summary="Remove a member",
          response=MemberRemoval, tags=("members",), name="remove_member")
def remove_member(association_id, member_id):
    """A member who takes part in an alliance is kept, marked inactive (``result: deactivated``)."""
    assoc, user = _members_editable(association_id)
    member = _load_member(assoc, member_id)
    mid = member.id
    result = services.remove_member(member, user)
    return dump(MemberRemoval, {"id": mid, "result": result})

from . import assemblies_api  # noqa: E402,F401  (the assembly register endpoints)
