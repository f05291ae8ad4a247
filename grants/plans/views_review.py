"""Plan pages: the officer's appraisal, the committee's blind reviews, and the plan's revisions."""
import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import db
from ..schemas import from_form
from ..web.forms import form_action, success
from ..workflows import ALLIANCE
from . import review
from .catalog import CHECKLIST, CHECKLIST_ANSWERS, DECISIONS, RECOMMENDATIONS, SECTIONS
from .forms import appraisal_data, appraisal_form, review_data, review_form
from .models import CommitteeMinutes, PlanRevision
from .permissions import can_appraise, can_review
from .schemas import AppraisalIn, ReviewIn
from .views import bp, load, renamed


def _appraisal_field(field):
    parts = field.split(".")
    if parts[0] == "checklist" and len(parts) >= 2:
        return f"note_{parts[1]}" if len(parts) == 3 and parts[2] == "note" else f"answer_{parts[1]}"
    return parts[0]


@bp.route("/appraisal", methods=["GET", "POST"])
@login_required
def appraisal(alliance_id):
    alliance = load(alliance_id)
    row = review.appraisal_of(alliance)
    may = can_appraise(current_user, alliance)
    actions = [t for t in ALLIANCE.available(alliance, current_user)
               if t.name in ("start_appraisal", "send_to_committee", "return_plan")]
    context = dict(alliance=alliance, appraisal=row, checklist=CHECKLIST, answers=CHECKLIST_ANSWERS, can_edit=may,
                   missing=review.appraisal_violations(alliance), actions=actions, facilitators=[])
    if request.method == "GET":
        return render_template("plans/appraisal.html", form=appraisal_form(row), **context)
    form = appraisal_form()

    def save():
        data = appraisal_data(form)
        body = from_form(AppraisalIn, {"version": form.version.data, "checklist": data["checklist"]},
                         opinion=data["opinion"])
        return review.save_appraisal(alliance, body, current_user)

    return _write(form, save, "plans/appraisal.html", context, may, _appraisal_field,
                  _l("The appraisal was saved."), url_for(".appraisal", alliance_id=alliance.id))


def _write(form, call, template, context, allowed, name_of, message, url):
    """A reviewer's form through the page edge: 403 unless ``allowed``; each error at its field (``name_of``)."""
    return form_action(form, call, lambda status: (render_template(template, form=form, **context), status),
                       lambda _result: success(message, url), allowed=allowed, on_error=renamed(name_of))


def _review_field(field):
    parts = field.split(".")
    return f"score_{parts[1]}" if parts[0] == "scores" and len(parts) == 2 else parts[0]


@bp.route("/reviews", methods=["GET", "POST"])
@login_required
def reviews(alliance_id):
    alliance = load(alliance_id)
    criteria = alliance.call.criteria
    shown, own = review.visible_reviews(alliance, current_user)
    everyone = review.reviews_of(alliance)
    may = can_review(current_user, alliance) and own is None
    decisions = [t for t in ALLIANCE.available(alliance, current_user) if t.name in ("approve", "reject", "return_plan")
                 and alliance.state == "committee_review"]
    minutes = db.session.execute(sa.select(CommitteeMinutes).where(CommitteeMinutes.alliance_id == alliance.id)
                                 .order_by(CommitteeMinutes.round.desc())).scalars().all()
    context = dict(alliance=alliance, criteria=criteria, reviews=shown, own=own, count=len(everyone),
                   quorum=alliance.call.program.committee_quorum, blind=len(shown) < len(everyone), can_review=may,
                   recommendations=RECOMMENDATIONS, decisions=decisions, minutes=minutes, decision_titles=DECISIONS,
                   facilitators=[])
    if request.method == "GET":
        return render_template("plans/reviews.html", form=review_form(criteria), **context)
    form = review_form(criteria)
    return _write(form, lambda: review.submit_review(alliance, from_form(ReviewIn, review_data(form, criteria)),
                                                     current_user),
                  "plans/reviews.html", context, may, _review_field,
                  _l("Your review was submitted. You can now see the other members' reviews."),
                  url_for(".reviews", alliance_id=alliance.id))


@bp.get("/revisions")
@login_required
def revisions(alliance_id):
    alliance = load(alliance_id)
    rows = db.session.execute(sa.select(PlanRevision).where(PlanRevision.alliance_id == alliance.id)
                              .order_by(PlanRevision.number.desc())).scalars().all()
    return render_template("plans/revisions.html", alliance=alliance, revisions=rows,
                           section_titles={k: title for k, (title, _required) in SECTIONS.items()})
