"""API endpoints of the business intention: profile, eligibility, screening scores, revisions, the
officer's queue, preselection per call with its minutes, and the documents (PDF, CSV, XLSX).

The actions themselves (submit, return_for_info, declare_eligible, declare_ineligible, preselect,
not_select, withdraw) go through ``POST /alliances/{id}/transitions`` (alliances/api.py)."""
from flask_babel import lazy_gettext as _l

from ..alliances.models import Alliance
from ..alliances.permissions import can_edit_alliance, can_view_alliance, can_view_members, members_masked
from ..api.core import (api_user, check_version, dump, endpoint, file_response, int_arg, load, operation, paginate,
                        require)
from ..errors import NotFound
from ..extensions import db
from ..money import share
from ..programs.models import Call
from . import exports, guards, pdf, preselection, screening, services
from .models import PreselectionMinutes, ProfileRevision
from .schemas import (EligibilityOut, MinutesOut, PreselectionIn, PreselectionOut, ProfileIn, ProfileOut, QueueItem,
                      RevisionOut, ScreeningIn, ScreeningOut)

TAGS = ("intentions",)


# helpers ----------------------------------------------------------------------------------------

def load_alliance(alliance_id):
    return load(Alliance, alliance_id, lambda a: can_view_alliance(api_user(), a))


def load_call(call_id):
    call = load(Call, call_id)
    require(preselection.can_view(api_user(), call), _l("Only the call's committee and the officers of its "
                                                        "intentions see the preselection."))
    return call


def profile_out(alliance):
    prof = alliance.profile
    values = services.profile_values(prof)
    zero = lambda v: v if v is not None else 0  # noqa: E731
    return dump(ProfileOut, {
        "alliance_id": alliance.id, "code": alliance.code, "state": alliance.state,
        "version": prof.version if prof else 0, "editable": can_edit_alliance(api_user(), alliance),
        "title": alliance.title, "product": alliance.product, "buyer": alliance.buyer,
        "families": alliance.families, "requested_grant": alliance.requested_grant,
        "estimated_counterpart": alliance.estimated_counterpart,
        "counterpart_share": share(alliance.estimated_counterpart,
                                   alliance.requested_grant + alliance.estimated_counterpart),
        **{k: values[k] or "" for k in ("location", "business_idea", "market_opportunity", "current_production")},
        "current_sales": zero(values["current_sales"]), "estimated_investment": zero(values["estimated_investment"]),
        "letter_of_intent": {"volume": zero(values["loi_volume"]), "unit": values["loi_unit"] or "",
                             "price": zero(values["loi_price"]), "quality": values["loi_quality"] or "",
                             "delivery_schedule": values["loi_delivery"] or "", "signed_on": values["loi_signed_on"],
                             "attached": alliance.attachment_of("buyer_letter") is not None},
        "attachments": list(alliance.attachments),
    })


def screening_out(alliance):
    sheet = screening.screening_sheet(alliance)
    return dump(ScreeningOut, {"alliance_id": alliance.id, "state": alliance.state, "total": str(sheet["total"]),
                               "complete": sheet["complete"], "criteria": sheet["criteria"]})


# the profile ------------------------------------------------------------------------------------

@endpoint("/alliances/<int:alliance_id>/profile", summary="The business intention (profile) of an alliance",
          response=ProfileOut, tags=TAGS)
def get_profile(alliance_id):
    return profile_out(load_alliance(alliance_id))


@endpoint("/alliances/<int:alliance_id>/profile", ["PUT"], summary="Save the business intention (board; draft or "
          "returned)", body=ProfileIn, response=ProfileOut, tags=TAGS, name="put_profile")
def put_profile(alliance_id, body):
    """Title, product, buyer, member families and money stay on the alliance (``PATCH /alliances/{id}``);
    the signed letter of intent is an attachment of kind ``buyer_letter``. Stale ``version``: 409."""
    alliance = load_alliance(alliance_id)
    require(can_edit_alliance(api_user(), alliance), _l("The business intention can only be edited by the "
                                                        "association's board while it is a draft or returned."))
    if alliance.profile is not None:
        check_version(alliance.profile, body.version)
    services.save_profile(alliance, body, api_user())
    return profile_out(alliance)


@endpoint("/alliances/<int:alliance_id>/eligibility", summary="The automatic eligibility checks, as of now",
          response=EligibilityOut, tags=TAGS)
def get_eligibility(alliance_id):
    """The same checks ``submit`` applies (rule codes of API.md), so that a board can fix them first."""
    alliance = load_alliance(alliance_id)
    found = guards.check_intake(alliance)
    return dump(EligibilityOut, {"alliance_id": alliance.id, "eligible": not found,
                                 "violations": [v.as_dict() for v in found]})


# screening --------------------------------------------------------------------------------------

@endpoint("/alliances/<int:alliance_id>/screening", summary="Screening scores on the call's criteria",
          response=ScreeningOut, tags=TAGS)
def get_screening(alliance_id):
    return screening_out(load_alliance(alliance_id))


operation("/alliances/<int:alliance_id>/screening", ["PUT"], summary="Score the intention (officer of the region, "
          "while submitted)", body=ScreeningIn, response=ScreeningOut, tags=TAGS, name="put_screening",
          load=load_alliance, call=screening.save_scores, answer_loaded=screening_out,
          description="Scores are whole numbers from 0 to each criterion's max; every criterion must be scored "
          "before ``declare_eligible`` (rule ``screening_incomplete``). Not submitted: 409.")


@endpoint("/alliances/<int:alliance_id>/revisions", summary="Every submission, with what changed since the "
          "previous one", response=RevisionOut, paginated=True, tags=TAGS)
def list_revisions(alliance_id):
    alliance = load_alliance(alliance_id)
    names = can_view_members(api_user(), alliance.association)
    revs = {r.number: r for r in services.revisions(alliance)}

    def out(rev):
        snap = rev.data()
        prev = revs.get(rev.number - 1)
        if not names:
            snap["member_ids"] = []  # ids of confidential member records: only for those who may see them
        changes = services.diff(prev.data(), rev.data()) if prev else None
        if changes and not names:
            changes["members_added"], changes["members_removed"] = [], []
        return dump(RevisionOut, {"number": rev.number, "submitted_at": rev.submitted_at,
                                  "submitted_by": rev.submitted_by.name if rev.submitted_by else None,
                                  "snapshot": snap, "changes": changes})

    query = db.select(ProfileRevision).where(ProfileRevision.alliance_id == alliance.id) \
        .order_by(ProfileRevision.number)
    return paginate(query, out)


@endpoint("/screening-queue", summary="Submitted intentions waiting for screening in my regions, oldest first",
          response=QueueItem, paginated=True, tags=TAGS)
def screening_queue():
    user = api_user()
    require(user.has_role("officer", "admin", "auditor"), _l("Only program officers screen intentions."))
    counts = {}

    def out(a):
        if a.id not in counts:
            counts[a.id] = len(services.revisions(a))
        return dump(QueueItem, {"id": a.id, "code": a.code, "title": a.title, "association": a.association.name,
                                "region": a.association.region, "call_id": a.call_id, "families": a.families,
                                "requested_grant": a.requested_grant, "submitted_at": a.state_changed_at,
                                "age_days": screening.age_days(a), "submissions": counts[a.id]})

    return paginate(screening.queue(user), out)


# preselection -----------------------------------------------------------------------------------

def minutes_out(m):
    return dump(MinutesOut, {"id": m.id, "call_id": m.call_id, "number": m.number, "created_at": m.created_at,
                             "created_by": m.created_by.name if m.created_by else None,
                             "alliance_ids": [int(i) for i in m.alliance_ids.split(",") if i],
                             "comment": m.comment,
                             "document": f"/api/v1/calls/{m.call_id}/documents/preselection-minutes?number={m.number}"})


@endpoint("/calls/<int:call_id>/preselection", summary="The call's eligible intentions ranked by score, with the "
          "running total against the envelope", response=PreselectionOut, tags=TAGS)
def get_preselection(call_id):
    call = load_call(call_id)
    user = api_user()
    rows = preselection.ranking(call, user)
    return dump(PreselectionOut, {
        "call_id": call.id, "currency": call.program.currency, "envelope": call.envelope,
        "preselected_total": sum((r.alliance.requested_grant for r in rows if r.alliance.state == "preselected"), 0),
        "can_decide": preselection.can_decide(user, call),
        "items": [{"rank": r.rank, "alliance_id": r.alliance.id, "code": r.alliance.code, "title": r.alliance.title,
                   "association": r.alliance.association.name, "region": r.alliance.association.region,
                   "families": r.alliance.families, "score": str(r.score),
                   "requested_grant": r.alliance.requested_grant, "running_total": r.running_total,
                   "within_envelope": r.within_envelope, "state": r.alliance.state} for r in rows]})


@endpoint("/calls/<int:call_id>/preselection", ["POST"], summary="Preselect or not select intentions in bulk "
          "(committee of the call); writes the minutes", body=PreselectionIn, response=MinutesOut, status=201,
          tags=TAGS, name="post_preselection")
def post_preselection(call_id, body):
    """Each decision goes through the workflow (one audit event per alliance). All or nothing: when
    one is refused, nothing is recorded and 422 lists every refusal with its rule."""
    call = load_call(call_id)
    minutes = preselection.decide(call, body, api_user())
    return minutes_out(minutes)


@endpoint("/calls/<int:call_id>/preselection-minutes", summary="The preselection minutes of the call, newest first",
          response=MinutesOut, paginated=True, tags=TAGS)
def list_minutes(call_id):
    call = load_call(call_id)

    query = db.select(PreselectionMinutes).where(PreselectionMinutes.call_id == call.id) \
        .order_by(PreselectionMinutes.number.desc())
    return paginate(query, minutes_out)


# documents --------------------------------------------------------------------------------------

@endpoint("/alliances/<int:alliance_id>/documents/profile", summary="The business intention as a PDF to print and "
          "sign", content_type="application/pdf", tags=("documents",), name="profile_document")
def profile_document(alliance_id):
    alliance = load_alliance(alliance_id)
    data = pdf.profile_pdf(alliance, with_names=can_view_members(api_user(), alliance.association),
                           masked=members_masked(api_user(), alliance.association))
    return file_response(data, "application/pdf", f"perfil-{alliance.code}.pdf")


@endpoint("/calls/<int:call_id>/documents/preselection-minutes", summary="Preselection minutes (acta) as a PDF",
          content_type="application/pdf", query={"number": ("The minutes' number (default: the latest)",
                                                            {"type": "integer", "minimum": 1})},
          tags=("documents",), name="preselection_minutes_document")
def preselection_minutes_document(call_id):
    call = load_call(call_id)
    minutes = preselection.find_minutes(call, int_arg("number"))
    if minutes is None:
        raise NotFound(_l("No preselection minutes yet."))
    return file_response(pdf.minutes_pdf(minutes), "application/pdf", f"acta-preseleccion-{call.id}-{minutes.number}.pdf")


def _export(call_id, kind):
    call = load(Call, call_id)
    require(exports.can_export(api_user(), call), _l("Only the officers of the call's regions, administrators "
                                                       "and auditors export its intentions."))
    body, mimetype, filename = exports.export(call, api_user(), kind)
    return file_response(body, mimetype, filename, inline=False)


@endpoint("/calls/<int:call_id>/intentions.csv", summary="The call's intentions as CSV (officers)",
          content_type="text/csv", tags=("documents",), name="intentions_csv")
def intentions_csv(call_id):
    return _export(call_id, "csv")


@endpoint("/calls/<int:call_id>/intentions.xlsx", summary="The call's intentions as XLSX (officers)",
          content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tags=("documents",),
          name="intentions_xlsx")
def intentions_xlsx(call_id):
    return _export(call_id, "xlsx")

