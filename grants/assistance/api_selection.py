"""API of the TA selection: terms of reference, invitations, proposals (recorded by the board or sent by
the invited provider itself), technical scores and the selection written to minutes."""
import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l

from ..alliances.api import load_alliance
from ..api.core import ApiError, Out, api_user, dump, endpoint, listing, operation, permitted, require, rows_of
from ..schemas.types import MoneyStr
from ..extensions import db
from ..workflows import rules
from . import selection
from .models import Provider, TermsOfReference
from .permissions import can_manage
from .schemas import InvitationsIn, ProposalIn, ScoreIn, SelectionIn, TermsIn

TAGS = ("technical assistance",)


class ProposalOut(Out):
    id: int
    provider_id: int
    provider_name: str
    price: MoneyStr
    technical_score: int | None = None
    price_score: str | None = None
    total: str | None = None
    file_sha256: str | None = None


class TermsOut(Out):
    id: int
    alliance_id: int
    budget_line_id: int
    scope: str
    deliverables: str
    budget: MoneyStr
    duration_days: int
    profile: str
    technical_weight: int
    state: str
    invited_provider_ids: list[int]
    proposals: list[ProposalOut]
    selected_proposal_id: int | None = None
    justification: str | None = None
    minutes: str | None = None
    version: int
    #: true when the reader is an invited provider: sealed bids, see ``sealed_terms_out``
    sealed: bool = False


def sealed_terms_out(t, own):
    """An invited provider's view (sealed bids): until the selection only its own proposal, without scores
    (the price score would give away the lowest price), and only itself among the invited; after it also
    the selected proposal's provider and price, what the program publishes. No minutes, no justification:
    they compare every proposal."""
    view = selection.provider_view(t, own)
    proposals = []
    for p in (view["own"], view["winner"]):
        if p is None or any(q["id"] == p.id for q in proposals):
            continue
        mine = p.provider_id == own.id
        proposals.append({"id": p.id, "provider_id": p.provider_id, "provider_name": p.provider.name,
                          "price": p.price, "technical_score": p.technical_score if mine and view["winner"] else None,
                          "file_sha256": p.file_sha256 if mine else None})
    data = {k: getattr(t, k) for k in ("id", "alliance_id", "budget_line_id", "scope", "deliverables", "budget",
                                       "duration_days", "profile", "technical_weight", "state", "version")}
    return dump(TermsOut, {**data, "invited_provider_ids": [own.id], "proposals": proposals, "sealed": True,
                           "selected_proposal_id": view["winner"].id if view["winner"] else None})


def terms_out(t, own=None):
    """The terms with every proposal and the evaluation; for an invited provider (``own``) the sealed view."""
    if own is not None:
        return sealed_terms_out(t, own)
    rows = {r["proposal"].id: r for r in selection.evaluation(t)}
    proposals = [{"id": p.id, "provider_id": p.provider_id, "provider_name": p.provider.name, "price": p.price,
                  "technical_score": p.technical_score, "file_sha256": p.file_sha256,
                  "price_score": str(rows[p.id]["price_score"]),
                  "total": None if rows[p.id]["total"] is None else str(rows[p.id]["total"])} for p in t.proposals]
    data = {k: getattr(t, k) for k in ("id", "alliance_id", "budget_line_id", "scope", "deliverables", "budget",
                                       "duration_days", "profile", "technical_weight", "state",
                                       "selected_proposal_id", "justification", "minutes", "version")}
    return dump(TermsOut, {**data, "invited_provider_ids": sorted(i.provider_id for i in t.invitations),
                           "proposals": proposals})


def _own_provider(user):
    return db.session.execute(sa.select(Provider).where(Provider.user_id == user.id)).scalar()


def load_terms(terms_id):
    """The terms, seen by those who see the alliance, or by a provider invited to them; 404 otherwise."""
    user = api_user()
    terms = db.session.get(TermsOfReference, terms_id) if 0 < terms_id < 2**31 else None
    if terms is None:
        raise ApiError(404, rules.NOT_FOUND, _l("Not found."))
    own = _own_provider(user) if user.has_role("ta_provider") else None
    if own is not None and own.id in {i.provider_id for i in terms.invitations}:
        return terms, own
    load_alliance(terms.alliance_id)  # 404 when the alliance is not visible
    return terms, None


MANAGERS = _l("Only the association's board manages the selection.")


def _board(terms):
    require(can_manage(api_user(), terms.alliance), MANAGERS)


def _managed_terms(terms_id):
    """The terms (404 as ``load_terms``) for a write of the association's board (403 for anyone else)."""
    terms, _own = load_terms(terms_id)
    _board(terms)
    return terms


listing("/alliances/<int:alliance_id>/ta-terms", summary="The alliance's terms of reference for TA",
        response=TermsOut, tags=TAGS, name="list_ta_terms", load=load_alliance,
        rows=lambda alliance: rows_of(TermsOfReference, alliance, TermsOfReference.id), answer=terms_out)
operation("/alliances/<int:alliance_id>/ta-terms", ["POST"], summary="Write terms of reference (board)",
          body=TermsIn, response=TermsOut, status=201, tags=TAGS, name="create_ta_terms",
          load=permitted(load_alliance, can_manage, MANAGERS), call=selection.create_terms, answer=terms_out)


@endpoint("/ta-terms/<int:terms_id>", summary="Terms of reference with invitations, proposals and evaluation",
          response=TermsOut, tags=TAGS, name="get_ta_terms")
def get_terms(terms_id):
    """An invited provider sees the sealed view: its own proposal, and after the selection the selected
    provider and price."""
    terms, own = load_terms(terms_id)
    return terms_out(terms, own)


operation("/ta-terms/<int:terms_id>/invitations", ["POST"], summary="Invite providers (at least three, or a reason)",
          body=InvitationsIn, response=TermsOut, tags=TAGS, name="invite_ta_providers", load=_managed_terms,
          call=selection.invite, answer_loaded=terms_out)


@endpoint("/ta-terms/<int:terms_id>/proposals", ["POST"], summary="Send or record a proposal (price and file)",
          body=ProposalIn, multipart={"file": "The technical proposal: PDF, JPEG or PNG"}, response=TermsOut,
          status=201, tags=TAGS, name="add_ta_proposal")
def add_proposal(terms_id, body):
    """An invited provider sends its own (``provider_id`` is then its own); the board records any invited one."""
    terms, own = load_terms(terms_id)
    if own is not None:
        body = body.model_copy(update={"provider_id": own.id})
    else:
        _board(terms)
        if body.provider_id is None:
            raise ApiError(422, rules.VALIDATION_ERROR, _l("Name the provider."),
                           [{"rule": rules.REQUIRED, "field": "provider_id", "message": str(_l("Name the provider."))}])
    selection.record_proposal(terms, body, api_user(), file=request.files.get("file"))
    return terms_out(terms, own)


@endpoint("/ta-terms/<int:terms_id>/proposals/<int:proposal_id>/score", ["POST"],
          summary="Give a proposal its technical score (0–100, board)", body=ScoreIn, response=TermsOut, tags=TAGS,
          name="score_ta_proposal")
def score(terms_id, proposal_id, body):
    terms = _managed_terms(terms_id)
    proposal = next((p for p in terms.proposals if p.id == proposal_id), None)
    if proposal is None:
        raise ApiError(404, rules.NOT_FOUND, _l("Not found."))
    selection.score(proposal, body, api_user())
    return terms_out(terms)


operation("/ta-terms/<int:terms_id>/selection", ["POST"], summary="Select a proposal with a justification (minutes)",
          body=SelectionIn, response=TermsOut, tags=TAGS, name="select_ta_proposal", load=_managed_terms,
          call=selection.select, answer_loaded=terms_out)
