"""API endpoints of alliances (see API.md): the business intention, its actions, its audit trail
and its documents. An alliance the user may not see answers 404."""
import hashlib
import os
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app, request, send_file
from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .. import uploads
from ..api.core import (Model, Out, api_user, check_version, choice_arg, dump, endpoint, int_arg, known_action,
                        load, paginate, require, text_arg, touch)
from ..api.core import page_args  # the list's page, for its member links in one statement (issue 12)
from ..common import utcnow
from ..extensions import db
from ..schemas.types import AmountStr, Id, MoneyStr, UtcDateTime
from ..associations.models import Association
from ..audit.models import Event
from ..errors import NotFound
from ..workflows import ALLIANCE
from . import cards, services, stored
from .models import ATTACHMENT_KINDS, Alliance, AllianceMember, Attachment
from .permissions import alliance_filter, can_view_alliance
from .schemas import AllianceCreate, AlliancePatch

class BuyerOut(Out):
    id: int
    name: str
    tax_id: str | None = None


class AllianceOut(Out):
    id: int
    code: str
    call_id: int
    association_id: int
    association_name: str
    title: str
    product: str
    buyer_id: int | None = None
    buyer: BuyerOut | None = None
    #: the member families taking part
    member_ids: list[int]
    #: their count (read only)
    families: int
    requested_grant: AmountStr
    estimated_counterpart: AmountStr
    #: the program's currency
    currency: str
    state: str
    state_title: str
    facilitator_id: int | None = None
    version: int
    state_changed_at: UtcDateTime
    created_at: UtcDateTime
    updated_at: UtcDateTime


class TransitionOut(Out):
    action: str
    label: str
    target: str
    target_title: str
    #: data the action needs beside ``action`` (e.g. ``facilitator_id``, ``reason``)
    requires: list[str]
    comment_required: bool


class TransitionIn(Model):
    """``{"action": "submit", "comment": "..."}``; the action's extra data beside it."""

    model_config = {"extra": "allow"}

    action: str = Field(min_length=1, max_length=60)
    comment: str | None = Field(None, max_length=5000)
    #: when given, the action is refused (409 ``stale_version``) if the alliance changed meanwhile
    version: Id | None = None
    facilitator_id: Id | None = None
    reason: str | None = Field(None, max_length=5000)
    counterpart_deposit_reference: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _scalar_extras(self):
        extra = self.model_extra or {}
        if len(extra) > 20:
            raise PydanticCustomError("too_many_fields", "At most 20 extra fields.")
        for key, value in extra.items():
            if len(key) > 60 or not (value is None or isinstance(value, (str, int, bool))):
                raise PydanticCustomError("scalar_type", "Extra data must be strings, numbers or booleans: {key}",
                                          {"key": key[:60]})
            if isinstance(value, str) and len(value) > 5000:
                raise PydanticCustomError("string_too_long", "{key} is too long.", {"key": key[:60]})
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**31 - 1:
                raise PydanticCustomError("number_too_large", "{key} is too large.", {"key": key[:60]})
        return self


class EventOut(Out):
    id: int
    object_type: str
    object_id: int | None = None
    alliance_id: int | None = None
    action: str
    from_state: str | None = None
    to_state: str | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    created_at: UtcDateTime
    comment: str | None = None
    data: dict[str, Any]
    #: the event's link in the hash chain of the audit trail
    hash: str


class AttachmentIn(Model):
    kind: Literal[ATTACHMENT_KINDS]


class AttachmentOut(Out):
    id: int
    alliance_id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None = None
    created_at: UtcDateTime


def alliance_out(alliance, member_ids=None):
    """``member_ids``: the alliance's member ids when the caller read them already (a list), else its links."""
    data = {k: getattr(alliance, k) for k in ("id", "code", "call_id", "association_id", "title", "product",
                                              "buyer_id", "buyer", "families", "requested_grant",
                                              "estimated_counterpart", "state", "facilitator_id", "version",
                                              "state_changed_at", "created_at", "updated_at")}
    data["member_ids"] = alliance.member_ids if member_ids is None else member_ids
    data.update(association_name=alliance.association.name, currency=alliance.call.program.currency,
                state_title=str(ALLIANCE.title(alliance.state)))
    return dump(AllianceOut, data)


class TrancheFields(Out):
    """What every answer about a tranche says first: the tranche as the plan schedules it (the plan's
    ``TrancheOut``, the funding stage's ``FundedTrancheOut``)."""
    id: int
    alliance_id: int
    number: int
    amount: MoneyStr
    planned_on: date
    conditions: str
    state: str


def load_alliance(alliance_id):
    """The alliance, or 404 when it does not exist or the user may not see it (no leak)."""
    return load(Alliance, alliance_id, lambda a: can_view_alliance(api_user(), a))


def visible_rows(model, *order):
    """The select of the ``model`` rows of the alliances this user may see (the stages' queues), by default
    the longest unchanged first."""
    return (sa.select(model).join(Alliance, Alliance.id == model.alliance_id).where(alliance_filter(api_user()))
            .order_by(*(order or (model.updated_at, model.id))))


# the alliance -----------------------------------------------------------------------------------


@endpoint("/alliances", summary="List the alliances this user may see", response=AllianceOut, paginated=True,
          tags=("alliances",),
          query={"state": ("Only this state", {"type": "string", "enum": list(ALLIANCE.states)}),
                 "call_id": ("Only this call", {"type": "integer"}),
                 "association_id": ("Only this association", {"type": "integer"}),
                 "q": "Part of the code, title, product or association name"})
def list_alliances():
    query = sa.select(Alliance).where(alliance_filter(api_user())).order_by(Alliance.id.desc())
    state = choice_arg("state", ALLIANCE.states)
    if state:
        query = query.where(Alliance.state == state)
    for name, column in (("call_id", Alliance.call_id), ("association_id", Alliance.association_id)):
        value = int_arg(name)
        if value is not None:
            query = query.where(column == value)
    q = text_arg("q")
    if q:
        q = q.lower()
        query = query.join(Association, Association.id == Alliance.association_id).where(sa.or_(*(
            sa.func.lower(col).contains(q, autoescape=True)
            for col in (Alliance.title, Alliance.code, Alliance.product, Association.name))))
    # member_ids as plain ids: one statement for the page's links (the page's ids chosen again inside it), read
    # when the first alliance is written; no link objects, none per alliance
    page, per_page = page_args()
    chosen = query.with_only_columns(Alliance.id).limit(per_page).offset((page - 1) * per_page)
    links = {}

    def serialize(alliance):
        if not links:
            links[None] = []
            for aid, mid in db.session.execute(sa.select(AllianceMember.alliance_id, AllianceMember.member_id)
                                               .where(AllianceMember.alliance_id.in_(chosen))
                                               .order_by(AllianceMember.alliance_id, AllianceMember.member_id)):
                links.setdefault(aid, []).append(mid)
        return alliance_out(alliance, links.get(alliance.id, []))

    return stored_json(LIST_ENDPOINT, lambda: paginate(query, serialize))


#: the stored answers of the list (grants/alliances/stored.py): one row per user and language, the query string in
#: its variant
LIST_ENDPOINT = "api.list_alliances"


def stored_json(endpoint, answer):
    """The JSON answer ``answer()`` (a dict) of this user for ``endpoint``: served from its stored row while
    nothing of the user's scope moved (the query string, the day and the code in its variant), else drawn and
    stored in the request's transaction (``endpoint`` commits it). With an ``ETag`` (the body's hash): a request
    whose ``If-None-Match`` names it gets 304 without the body. Query arguments are checked before (a bad one
    answers 400 and stores nothing)."""
    user = api_user()
    body, validator, shared, key = stored.read(endpoint, user)
    if body is None:
        body = current_app.json.response(answer()).get_data(as_text=True)
        # stored.store would take the CSRF token out of the body: a JSON body holds none, and asking for one
        # would give a token's request a session cookie
        row = {"endpoint": endpoint, "viewer_id": user.id, "lang": cards.lang(), "variant": key,
               "validator": validator, "shared": shared, "body": body, "built_at": utcnow()}
        cards._upsert(stored.StoredPage.__table__, row, ["endpoint", "viewer_id", "lang"],
                      lambda stmt: {k: stmt.excluded[k] for k in ("variant", "validator", "shared", "body",
                                                                   "built_at")}, db.session)
    resp = current_app.response_class(body, mimetype="application/json")
    resp.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    return resp.make_conditional(request)


@endpoint("/alliances", ["POST"], summary="Draft a business intention (association board)", body=AllianceCreate,
          response=AllianceOut, status=201, tags=("alliances",), name="create_alliance")
def create_alliance(body):
    """``buyer`` ``{name, tax_id}`` is found by its tax ID or registered; ``buyer_id`` names a
    registered one. Only the association's board may draft (403)."""
    return alliance_out(services.create_alliance(body, api_user()))


@endpoint("/alliances/<int:alliance_id>", summary="One alliance", response=AllianceOut, tags=("alliances",))
def get_alliance(alliance_id):
    return alliance_out(load_alliance(alliance_id))


@endpoint("/alliances/<int:alliance_id>", ["PATCH"], summary="Change the business intention (board; draft or "
          "returned)", body=AlliancePatch, response=AllianceOut, tags=("alliances",), name="update_alliance")
def update_alliance(alliance_id, body):
    alliance = load_alliance(alliance_id)
    touch(alliance)
    services.update_alliance(alliance, body, api_user())
    return alliance_out(alliance)


# actions ----------------------------------------------------------------------------------------


def _transition_out(t):
    return dump(TransitionOut, {"action": t.name, "label": str(t.label), "target": t.target,
                                "target_title": str(ALLIANCE.title(t.target)), "requires": list(t.requires),
                                "comment_required": t.comment_required})


@endpoint("/alliances/<int:alliance_id>/transitions", summary="The actions this user may take now",
          response=TransitionOut, many=True, tags=("alliances",))
def list_transitions(alliance_id):
    """By state and role; the rules are checked when the action is taken."""
    alliance = load_alliance(alliance_id)
    return [_transition_out(t) for t in ALLIANCE.available(alliance, api_user())]


@endpoint("/alliances/<int:alliance_id>/transitions", ["POST"], summary="Take an action",
          body=TransitionIn, response=AllianceOut, tags=("alliances",), name="take_action")
def take_action(alliance_id, body):
    """``action`` is one of the alliance actions of API.md; its data travels beside it
    (``facilitator_id``, ``reason``, ``counterpart_deposit_reference``). Unknown action: 400; not
    possible in this state: 409 ``invalid_transition``; role: 403; rules: 422 ``rule_violation``
    listing every broken rule."""
    alliance = load_alliance(alliance_id)
    known_action(body.action, ALLIANCE)
    if body.version is not None:
        check_version(alliance, body.version)
    data = body.model_dump(exclude={"action", "version"}, exclude_none=True)
    services.take_action(alliance, body.action, api_user(), data)
    return alliance_out(alliance)


@endpoint("/alliances/<int:alliance_id>/events", summary="The audit trail of the alliance", response=EventOut,
          paginated=True, tags=("alliances",))
def list_events(alliance_id):
    alliance = load_alliance(alliance_id)
    query = sa.select(Event).where(Event.alliance_id == alliance.id).order_by(Event.id)
    return paginate(query, lambda e: dump(EventOut, {**e.as_dict(), "created_at": e.created_at}))


# attachments ------------------------------------------------------------------------------------


@endpoint("/alliances/<int:alliance_id>/attachments", summary="The documents of the alliance",
          response=AttachmentOut, paginated=True, tags=("attachments",))
def list_attachments(alliance_id):
    alliance = load_alliance(alliance_id)
    query = sa.select(Attachment).where(Attachment.alliance_id == alliance.id).order_by(Attachment.id)
    return paginate(query, lambda a: dump(AttachmentOut, a))


@endpoint("/alliances/<int:alliance_id>/attachments", ["POST"], summary="Attach a document (PDF, JPEG or PNG)",
          body=AttachmentIn, multipart={"file": "The document: PDF, JPEG or PNG, checked by its content"},
          response=AttachmentOut, status=201, tags=("attachments",), name="add_attachment")
def add_attachment(alliance_id, body):
    """Multipart: ``kind`` and ``file``. The SHA-256 of the content is recorded. Too large: 413;
    not a PDF, JPEG or PNG: 415."""
    from flask import request

    user = api_user()
    alliance = load_alliance(alliance_id)
    require(services.can_upload(user, alliance), _l("You may not attach documents to this alliance."))
    att = services.add_attachment(alliance, body.kind, request.files.get("file"), user)
    return dump(AttachmentOut, att)


@endpoint("/alliances/<int:alliance_id>/attachments/<int:attachment_id>", summary="Download a document",
          content_type="application/pdf, image/jpeg, image/png", tags=("attachments",))
def get_attachment(alliance_id, attachment_id):
    alliance = load_alliance(alliance_id)
    att = load(Attachment, attachment_id, lambda a: a.alliance_id == alliance.id)
    path = uploads.path_for(att.sha256)
    if not os.path.exists(path):
        raise NotFound(_l("The file is missing from the store."))
    return send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.filename)
