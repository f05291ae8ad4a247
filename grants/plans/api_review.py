"""API: the officer's appraisal, the committee's blind reviews, and the plan's documents (PDF)."""
import sqlalchemy as sa

from ..api.core import (Model, Out, api_user, document, dump, endpoint, int_arg, operation, paginate, pdf_response,
                        present)
from ..schemas.types import UtcDateTime
from ..errors import NotFound
from . import pdf, review
from .api import TAGS, load_alliance
from .catalog import CHECKLIST
from .models import Review
from .permissions import can_appraise, can_review, can_see_all_reviews, plan_started
from .schemas import AppraisalIn, ReviewIn

# appraisal --------------------------------------------------------------------------------------------


class ChecklistItemOut(Model):
    code: str
    question: str
    answer: str | None = None
    note: str = ""


class AppraisalOut(Model):
    round: int
    officer_id: int | None = None
    opinion: str
    checklist: list[ChecklistItemOut]
    #: what is missing before ``send_to_committee`` (rule ``appraisal_incomplete``)
    violations: list[dict]
    editable: bool
    version: int
    updated_at: UtcDateTime | None = None


def appraisal_out(alliance):
    row = review.appraisal_of(alliance)
    answers = row.answers if row else {}
    return AppraisalOut.model_validate({
        "round": review.current_round(alliance), "officer_id": row.officer_id if row else None,
        "opinion": row.opinion if row else "",
        "checklist": [{"code": code, "question": str(q), "answer": answers.get(code, {}).get("answer"),
                       "note": answers.get(code, {}).get("note", "")} for code, q in CHECKLIST.items()],
        "violations": [v.as_dict() for v in review.appraisal_violations(alliance)],
        "editable": can_appraise(api_user(), alliance), "version": row.version if row else 0,
        "updated_at": row.updated_at if row else None,
    }).model_dump(mode="json")


@endpoint("/alliances/<int:alliance_id>/appraisal", summary="The officer's appraisal of the current submission",
          response=AppraisalOut, tags=TAGS, name="plan_appraisal")
def get_appraisal(alliance_id):
    return appraisal_out(load_alliance(alliance_id))


operation("/alliances/<int:alliance_id>/appraisal", ["PUT"], summary="Record the checklist and the technical "
          "opinion (officer of the region; under appraisal)", body=AppraisalIn, response=AppraisalOut, tags=TAGS,
          name="plan_put_appraisal", load=load_alliance, call=review.save_appraisal, answer_loaded=appraisal_out,
          description="A partial save is kept; ``send_to_committee`` needs every item answered and the opinion "
          "written (guard ``appraisal_complete``).")


# committee reviews ------------------------------------------------------------------------------------

class ReviewOut(Out):
    id: int
    round: int
    member_id: int
    member_name: str
    declares_no_conflict: bool
    scores: dict[str, int]
    #: weighted score out of 100
    total_score: str
    recommendation: str
    comment: str
    submitted_at: UtcDateTime


def _review_out(r):
    return dump(ReviewOut, {"id": r.id, "round": r.round, "member_id": r.member_id, "member_name": r.member.name,
                            "declares_no_conflict": r.declares_no_conflict, "scores": r.score_map,
                            "total_score": str(r.total_score), "recommendation": r.recommendation,
                            "comment": r.comment, "submitted_at": r.submitted_at})


@endpoint("/alliances/<int:alliance_id>/reviews", summary="The committee's reviews of the current submission (blind)",
          response=ReviewOut, paginated=True, tags=TAGS, name="plan_reviews",
          query={"round": ("A former submission (default: the current one)", {"type": "integer"})})
def list_reviews(alliance_id):
    """A committee member sees only their own review until they submitted it; then all. The answer adds
    ``round``, ``submitted`` (how many reviews are in), ``quorum`` and ``blind``."""
    user = api_user()
    alliance = load_alliance(alliance_id)
    round_ = int_arg("round")
    round_ = review.current_round(alliance) if round_ is None else round_
    reviews = review.reviews_of(alliance, round_)
    own = next((r for r in reviews if r.member_id == user.id), None)
    see_all = can_see_all_reviews(user, alliance, own is not None)
    query = sa.select(Review).where(Review.alliance_id == alliance.id, Review.round == round_)
    if not see_all:
        query = query.where(Review.member_id == user.id)
    result = paginate(query.order_by(Review.submitted_at, Review.id), _review_out)
    result.update(round=round_, submitted=len(reviews), quorum=alliance.call.program.committee_quorum,
                  blind=not see_all, may_review=can_review(user, alliance) and own is None)
    return result


operation("/alliances/<int:alliance_id>/reviews", ["POST"], summary="Submit my review (committee member of the call)",
          body=ReviewIn, response=ReviewOut, status=201, tags=TAGS, name="plan_add_review", load=load_alliance,
          call=review.submit_review, answer=_review_out,
          description="Every criterion of the call scored; ``declares_no_conflict`` true; ``recommendation`` "
          "approve, reject or revise (the last two with a ``comment``). One per member and submission.")


# documents --------------------------------------------------------------------------------------------

document("/alliances/<int:alliance_id>/documents/plan", summary="The whole plan as a PDF", name="plan_document",
         load=present(load_alliance, plan_started), pdf=pdf.plan_pdf, filename=lambda a: f"{a.code}-plan.pdf")


@endpoint("/alliances/<int:alliance_id>/documents/committee-minutes", summary="The committee's minutes (acta) as a "
          "PDF", content_type="application/pdf", tags=("documents",), name="committee_minutes_document",
          query={"round": ("A former submission (default: the latest decision)", {"type": "integer"})})
def minutes_document(alliance_id):
    """404 until the committee decided."""
    alliance = load_alliance(alliance_id)
    minutes = review.minutes_of(alliance, int_arg("round"))
    if minutes is None:
        raise NotFound()
    return pdf_response(pdf.minutes_pdf(alliance, minutes), f"{alliance.code}-acta-{minutes.round}.pdf")
