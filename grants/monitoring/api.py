"""API endpoints of monitoring (API.md): indicator values by period, supervision visits with photos and
follow-up actions (``/follow-up-actions/{id}/transitions``: ``answer``, ``close``, ``reopen``), and alerts
(``/alerts``, ``/alliances/{id}/alerts``). Same services and permissions as the pages."""
from datetime import date

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from ..alliances import alerts
from ..alliances.api import load_alliance
from ..api.core import (Out, api_user, child_of, choice_arg, dump, endpoint, known_action, listing, load, page_args,
                        paginate, permitted, reading, require, rows_of, stored_file, text_arg)
from ..schemas.types import MoneyStr, UtcDateTime
from ..errors import NotFound
from ..web.idempotency import idempotent
from ..uploads import send_stored
from ..workflows.follow_up import FOLLOW_UP
from . import services as svc
from . import visits as visit_svc
from .alerting import alert_dict, alerts_page, alliance_alerts
from .models import FollowUpAction, IndicatorValue, Visit, VisitPhoto
from .permissions import can_answer, can_record_values, can_see_alerts, can_view, can_visit
from .schemas import ActionTransitionIn, PhotoIn, ValueIn, VisitIn

TAGS = ("monitoring",)


class ValueOut(Out):
    id: int
    indicator_id: int
    alliance_id: int
    period: str
    value: MoneyStr
    women: int | None = None
    men: int | None = None
    note: str
    recorded_by_id: int | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    version: int


class PhotoOut(Out):
    id: int
    visit_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    caption: str


class ActionOut(Out):
    id: int
    visit_id: int
    alliance_id: int
    description: str
    due_on: date
    state: str
    answer: str | None = None
    answered_at: UtcDateTime | None = None
    evidence_sha256: str | None = None
    evidence_filename: str | None = None
    officer_comment: str | None = None
    actions: list[str]
    version: int


class VisitOut(Out):
    id: int
    alliance_id: int
    visited_on: date
    place: str
    participants: int
    findings: str
    rating: str
    officer_id: int | None = None
    photos: list[PhotoOut]
    actions: list[ActionOut]
    version: int


class AlertOut(Out):
    code: str
    alliance_id: int
    alliance_code: str | None = None
    association: str | None = None
    region: str | None = None
    message: str
    since: date
    detail: dict


def value_out(v):
    return dump(ValueOut, v)


def action_out(a):
    data = {k: getattr(a, k) for k in ("id", "visit_id", "alliance_id", "description", "due_on", "state", "answer",
                                       "answered_at", "evidence_sha256", "evidence_filename", "officer_comment",
                                       "version")}
    return dump(ActionOut, {**data, "actions": [t.name for t in FOLLOW_UP.available(a, api_user())]})


def visit_out(v):
    data = {k: getattr(v, k) for k in ("id", "alliance_id", "visited_on", "place", "participants", "findings",
                                       "rating", "officer_id", "version")}
    return dump(VisitOut, {**data, "photos": [dump(PhotoOut, p) for p in v.photos],
                           "actions": [action_out(a) for a in v.actions]})


def _indicator(alliance, indicator_id):
    """One of the alliance's indicators (the plan stage keeps them; read through the spine's relationship)."""
    indicator = next((i for i in alliance.indicators if i.id == indicator_id), None)
    if indicator is None:
        raise NotFound(_l("Not found."))
    return indicator


_visit = child_of(load_alliance, Visit)
_visiting = permitted(load_alliance, can_visit, _l("Supervision visits are recorded by the officer of the region."))


# indicator values -------------------------------------------------------------------------------------

@endpoint("/alliances/<int:alliance_id>/indicators/<int:indicator_id>/values",
          summary="The indicator's values by period", response=ValueOut, paginated=True, tags=TAGS,
          name="indicator_values")
def list_values(alliance_id, indicator_id):
    alliance = load_alliance(alliance_id)
    ind = _indicator(alliance, indicator_id)
    return paginate(sa.select(IndicatorValue).where(IndicatorValue.indicator_id == ind.id)
                    .order_by(IndicatorValue.period), value_out)


@endpoint("/alliances/<int:alliance_id>/indicators/<int:indicator_id>/values", ["POST"],
          summary="Record (or update) the value of a period", body=ValueIn, response=ValueOut, status=201,
          tags=TAGS, name="record_indicator_value")
@idempotent
def record_value(alliance_id, indicator_id, body):
    """The association's board or treasurer, or the officer of the region, while the alliance is in execution,
    suspended or closing. Recording a period again updates it (the audit event keeps the old and new figures).
    Rules (422): ``alliance_not_in_execution``, ``period_in_future``, ``sex_split_mismatch`` (an indicator by sex
    needs ``women`` and ``men``, and ``value`` must be their sum); field errors ``required``, ``invalid``.
    An ``Idempotency-Key`` header (8 to 100 letters, digits, ``.:_-``) makes a retry safe: the same key
    answers as the first success did (header ``Idempotent-Replayed: true``) and records nothing again."""
    alliance = load_alliance(alliance_id)
    ind = _indicator(alliance, indicator_id)
    require(can_record_values(api_user(), alliance),
            _l("Values are recorded by the association's board or treasurer and the officer of the region."))
    v = svc.record_value(alliance, ind, body, api_user())
    return value_out(v)


# visits -----------------------------------------------------------------------------------------------

listing("/alliances/<int:alliance_id>/visits", summary="The alliance's supervision visits", response=VisitOut,
        tags=TAGS, name="visits", load=load_alliance, answer=visit_out,
        rows=lambda alliance: rows_of(Visit, alliance, Visit.visited_on.desc(), Visit.id.desc()))


@endpoint("/alliances/<int:alliance_id>/visits", ["POST"], summary="Record a supervision visit", body=VisitIn,
          response=VisitOut, status=201, tags=TAGS, name="record_visit")
def record_visit(alliance_id, body):
    """The officer of the region, while the alliance is in execution, suspended or closing. ``rating``:
    ``satisfactory``, ``needs_attention`` or ``critical``; ``actions``: follow-up actions with a due date (the
    association's board and treasurer are notified). Rules (422): ``alliance_not_in_execution``,
    ``visit_in_future``, ``due_before_visit``. Photos: ``POST .../visits/{vid}/photos``."""
    return visit_out(visit_svc.record_visit(_visiting(alliance_id), body, api_user()))


reading("/alliances/<int:alliance_id>/visits/<int:visit_id>", summary="One supervision visit", response=VisitOut,
        tags=TAGS, name="visit", load=_visit, answer=visit_out)


@endpoint("/alliances/<int:alliance_id>/visits/<int:visit_id>/photos", ["POST"], summary="Add a photo to a visit",
          body=PhotoIn, multipart={"file": "the photo (JPEG or PNG, checked by content)"}, response=PhotoOut,
          status=201, tags=TAGS, name="add_visit_photo")
def add_photo(alliance_id, visit_id, body):
    """The officer of the region. Another type than JPEG or PNG: 415 ``unsupported_type``; too large: 413."""
    v = _visit(alliance_id=alliance_id, visit_id=visit_id)
    _visiting(alliance_id)
    p = visit_svc.add_photo(v, request.files.get("file"), api_user(), body)
    return dump(PhotoOut, p)


@endpoint("/alliances/<int:alliance_id>/visits/<int:visit_id>/photos/<int:photo_id>", summary="A visit's photo",
          content_type="image/jpeg, image/png", tags=TAGS, name="visit_photo")
def get_photo(alliance_id, visit_id, photo_id):
    """Whoever may see the alliance; anyone else: 404."""
    v = _visit(alliance_id=alliance_id, visit_id=visit_id)
    p = load(VisitPhoto, photo_id, lambda p: p.visit_id == v.id)
    return send_stored(p.sha256, p.content_type, p.filename, as_attachment=False)


def _action(action_id):
    return load(FollowUpAction, action_id, lambda a: can_view(api_user(), a.alliance))


reading("/follow-up-actions/<int:action_id>", summary="One follow-up action of a visit", response=ActionOut,
        tags=TAGS, name="follow_up_action", load=_action, answer=action_out)


@endpoint("/follow-up-actions/<int:action_id>/transitions", ["POST"], summary="Answer, close or reopen a "
          "follow-up action", body=ActionTransitionIn, multipart={"evidence": "answer: optional evidence (PDF, "
          "JPEG, PNG)"}, response=ActionOut, tags=TAGS, name="follow_up_transition")
def action_transition(action_id, body):
    """``answer`` (the association board, with ``answer``; multipart with an optional ``evidence`` file),
    ``close`` (the officer of the region, optional ``comment``), ``reopen`` (the officer, ``comment`` required:
    422 ``comment_required``). Unknown action: 400; wrong state: 409 ``invalid_transition``; role: 403."""
    a = _action(action_id)
    known_action(body.action, FOLLOW_UP)
    allowed = can_answer if body.action == "answer" else can_visit
    require(allowed(api_user(), a.alliance), _l("Your role does not allow this action."))
    visit_svc.act(a, body, api_user(), evidence=request.files.get("evidence"))
    return action_out(a)


reading("/follow-up-actions/<int:action_id>/evidence", summary="The evidence of an answered action",
        content_type="application/pdf, image/jpeg, image/png", tags=TAGS, name="follow_up_evidence", load=_action,
        answer=lambda a: stored_file(a, "evidence", fallback="evidence", as_attachment=True))


# alerts -----------------------------------------------------------------------------------------------

def _page(items):
    page, per_page = page_args()
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "page": page, "per_page": per_page, "total": len(items)}


@endpoint("/alerts", summary="Alerts on the alliances this user watches", response=AlertOut, paginated=True,
          tags=TAGS, name="alerts",
          query={"code": ("Only this alert", {"type": "string", "enum": ["deliverable_overdue", "low_execution",
                                                                         "report_missing", "tranche_unanswered"]}),
                 "region": "Only alliances of associations of this region"})
def list_alerts():
    """Officers (the alliances of their regions), admins and auditors; others 403. Codes: ``report_missing``,
    ``low_execution``, ``deliverable_overdue``, ``tranche_unanswered``."""
    user = api_user()
    require(can_see_alerts(user), _l("Alerts are for officers, administrators and auditors."))
    code = choice_arg("code", alerts.codes())
    region = text_arg("region", 120)
    page, per_page = page_args()
    found, total, alliances = alerts_page(user, code=code, region=region, page=page, per_page=per_page)
    return {"items": [dump(AlertOut, alert_dict(a, alliances.get(a.alliance_id))) for a in found], "page": page,
            "per_page": per_page, "total": total}


@endpoint("/alliances/<int:alliance_id>/alerts", summary="The alliance's alerts", response=AlertOut,
          paginated=True, tags=TAGS, name="alliance_alerts")
def list_alliance_alerts(alliance_id):
    """Whoever may see the alliance."""
    alliance = load_alliance(alliance_id)
    return _page([dump(AlertOut, alert_dict(a, alliance)) for a in alliance_alerts(alliance)])
