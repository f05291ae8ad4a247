"""Grievance endpoints (API.md "Voice, the buyer..."). ``POST /grievances`` and ``GET
/grievances/track/{tracking_code}`` need no token; the list, the detail, the transitions and the supervision
flag are for grievance officers and admins (anyone else: 403 on the list, 404 on a grievance). The reporter
(``reporter_id``, ``reporter_name``) and ``contact`` are never in the tracking answer."""
from datetime import date

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from ..api.core import Model, Out, api_user, choice_arg, dump, endpoint, int_arg, load, paginate, require, text_arg
from ..schemas.types import UtcDateTime
from ..errors import NotFound
from ..workflows.grievance import STATES
from . import services
from .limits import filing_limit
from .models import CATEGORIES, Grievance
from .permissions import can_list, can_see_reporter, is_staff

TAGS = ("grievances",)


class GrievanceIn(Model):
    category: str = Field(description="favoritism, misuse_of_funds, exclusion, technical_assistance, data_protection, "
                                      "other", max_length=30)
    description: str = Field(max_length=5000)
    alliance_code: str | None = Field(None, max_length=40)
    association_id: int | None = Field(None, ge=1, le=2**31 - 1)
    anonymous: bool = True
    contact: str | None = Field(None, max_length=200, description="seen only by the grievance office")


class FiledOut(Out):
    tracking_code: str
    state: str


class TrackOut(Out):
    tracking_code: str
    state: str
    state_title: str
    category: str
    received_at: UtcDateTime
    acknowledged_at: UtcDateTime | None = None
    investigation_at: UtcDateTime | None = None
    closed_at: UtcDateTime | None = None
    resolve_due_on: date
    public_answer: str | None = None


class GrievanceOut(TrackOut):
    id: int
    description: str
    alliance_id: int | None = None
    alliance_code: str | None = None
    association_id: int | None = None
    region: str | None = None
    ack_due_on: date
    overdue: bool
    escalated_at: UtcDateTime | None = None
    supervision_flagged_at: UtcDateTime | None = None
    has_attachment: bool
    anonymous: bool | None = Field(None, description="null (reserved) unless the reader may see the reporter")
    reporter_id: int | None = Field(None, description="grievance officers and admins only")
    reporter_name: str | None = Field(None, description="grievance officers and admins only")
    contact: str | None = Field(None, description="grievance officers and admins only")
    actions: list[str]
    version: int


class TransitionIn(Model):
    action: str = Field(max_length=40)
    resolution: str | None = Field(None, max_length=5000)
    reason: str | None = Field(None, max_length=5000)


class SupervisionIn(Model):
    flagged: bool


def track_dict(g):
    return {"tracking_code": g.tracking_code, "state": g.state, "state_title": str(g.state_title),
            "category": g.category, "received_at": g.received_at, "acknowledged_at": g.acknowledged_at,
            "investigation_at": g.investigation_at, "closed_at": g.closed_at, "resolve_due_on": g.resolve_due_on,
            "public_answer": g.public_answer}


def grievance_dict(g, user):
    out = {**track_dict(g), "id": g.id, "description": g.description, "alliance_id": g.alliance_id,
           "alliance_code": g.alliance.code if g.alliance else None, "association_id": g.association_id,
           "region": g.region, "ack_due_on": g.ack_due_on, "overdue": services.is_overdue(g),
           "escalated_at": g.escalated_at, "supervision_flagged_at": g.supervision_flagged_at,
           "has_attachment": bool(g.attachment_sha256),
           "actions": [t.name for t in services.available(g, user)], "version": g.version}
    if can_see_reporter(user):
        out.update(anonymous=g.anonymous, reporter_id=g.reporter_id,
                   reporter_name=g.reporter.name if g.reporter else None, contact=g.contact)
    return dump(GrievanceOut, out)


@endpoint("/grievances", ["POST"], summary="File a grievance (no sign-in needed)", body=GrievanceIn,
          response=FiledOut, auth=False, status=201, tags=TAGS, name="file_grievance",
          multipart={"file": "optional photo or document: PDF, JPEG or PNG, checked by its content"})
@filing_limit
def file_grievance(body):
    """Anyone may file, signed in or not. ``anonymous`` (default true) keeps the signed-in user's identity out
    of the grievance. Answers the ``tracking_code`` to follow it at ``/grievances/track/{tracking_code}``.
    Throttled per connection (429 ``throttled``). Rules (422): ``required``, ``invalid``, ``too_long``,
    ``grievance_target_unknown``."""
    user = api_user()
    g = services.file_grievance(body.model_dump(), user, request.files.get("file"))
    return dump(FiledOut, {"tracking_code": g.tracking_code, "state": g.state})


@endpoint("/grievances/track/<string(minlength=12,maxlength=40):tracking_code>", summary="Follow a grievance by its code (no sign-in needed)",
          response=TrackOut, auth=False, tags=TAGS, name="track_grievance")
def track_grievance(tracking_code):
    """State, dates and the public answer; never the reporter, the contact or the description."""
    g = services.find_by_code(tracking_code[:40])
    if g is None:
        raise NotFound(_l("No grievance has this code."))
    return dump(TrackOut, track_dict(g))


@endpoint("/grievances", summary="Grievances (grievance officers and admins)", response=GrievanceOut,
          paginated=True, tags=TAGS, name="list_grievances",
          query={"state": "received, acknowledged, under_investigation, resolved, dismissed",
                 "category": "a grievance category", "region": "the association's region",
                 "alliance_id": "the alliance it is about"})
def list_grievances():
    user = api_user()
    require(can_list(user), _l("Only the grievance office may read grievances."))
    conds = []
    state = choice_arg("state", tuple(STATES))
    category = choice_arg("category", tuple(CATEGORIES))
    region = text_arg("region", 100)
    if state:
        conds.append(Grievance.state == state)
    if category:
        conds.append(Grievance.category == category)
    if region:
        conds.append(Grievance.region == region)
    alliance_id = int_arg("alliance_id")
    if alliance_id is not None:
        conds.append(Grievance.alliance_id == alliance_id)
    return paginate(sa.select(Grievance).where(*conds).order_by(Grievance.received_at.desc(), Grievance.id.desc()),
                    lambda g: grievance_dict(g, user))


def _load(grievance_id):
    user = api_user()
    return load(Grievance, grievance_id, visible=lambda _g: is_staff(user))


@endpoint("/grievances/<grievance_id>", summary="One grievance (grievance officers and admins)",
          response=GrievanceOut, tags=TAGS, name="get_grievance")
def get_grievance(grievance_id):
    return grievance_dict(_load(grievance_id), api_user())


@endpoint("/grievances/<grievance_id>/transitions", ["POST"], summary="Act on a grievance", body=TransitionIn,
          response=GrievanceOut, tags=TAGS, name="grievance_transition")
def grievance_transition(grievance_id, body):
    """``acknowledge``, ``investigate``, ``resolve`` (with ``resolution``, the public answer), ``dismiss``
    (with ``reason``, public too), ``escalate`` (to an administrator; the state stays). 409
    ``invalid_transition`` from a wrong state; 422 ``required``, ``grievance_already_escalated``."""
    g = _load(grievance_id)
    services.transition(g, body.action, api_user(), body.model_dump(exclude={"action"}, exclude_none=True))
    return grievance_dict(g, api_user())


@endpoint("/grievances/<grievance_id>/supervision", ["PUT"], summary="Ask the regional officer to supervise the "
          "alliance", body=SupervisionIn, response=GrievanceOut, tags=TAGS, name="grievance_supervision")
def grievance_supervision(grievance_id, body):
    """A task ``supervision_requested`` on the home page of the officer of the alliance's region, without the
    grievance's text or reporter; the alliance is not changed. 422 ``supervision_needs_alliance`` when the grievance is about no alliance."""
    g = _load(grievance_id)
    services.flag_supervision(g, api_user(), on=body.flagged)
    return grievance_dict(g, api_user())
