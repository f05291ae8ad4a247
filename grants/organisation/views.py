"""Pages of the organisation's own plans, under /associations/<id>/: the strategic plan, the capacity plan, the
trainings register (and its spreadsheet) and the register of other funds. Each works without JavaScript: small
forms, each calling one service. Whoever may see the association reads; its board writes; another
association's pages answer 404."""
import io
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..alliances.catalog import ITEMS
from ..associations.models import Association
from ..common import get_or_404
from ..errors import DomainError, ValidationFailed, Violation
from ..extensions import db
from ..money import AmountError, parse_amount_input
from ..schemas import from_form
from ..web.forms import flash_violations, loaded
from ..web.i18n import current_language
from ..web.xlsx import sheet, to_bytes, workbook
from . import services
from .models import ACTION_STATES, CAPACITY_KINDS, FUND_STATES, FundApplication, Training
from .permissions import can_edit_organisation, can_view_organisation
from .schemas import AdoptionIn, CapacityActionEdit, FundIn, SettleIn, StrategicPlanIn, TrainingIn
from ..workflows import rules

bp = Blueprint("organisation", __name__, url_prefix="/associations/<int:association_id>")


def load(association_id):
    """The association, or 404 when it does not exist or the user may not see it (no leak)."""
    return get_or_404(Association, association_id, lambda a: can_view_organisation(current_user, a))


def _writer(association):
    if not can_edit_organisation(current_user, association):
        abort(403)


def _run(fn, success, target, again):
    """Call one service; commit, flash ``success`` and redirect to ``target``; or roll back, show every
    refusal and answer ``again()`` — the page again with what was typed (422), so that nothing is lost."""
    try:
        fn()
    except DomainError as exc:
        db.session.rollback()
        flash_violations(exc)
        return again(), exc.status
    flash(success, "success")
    return redirect(target, 303)


def _index(raw):
    """A position in a list as sent by a form: a whole number from 0 (``ValueError`` otherwise)."""
    value = int(raw)
    if value < 0:
        raise ValueError
    return value


def _form(*keys):
    return {k: (request.form.get(k) or "").strip() for k in keys}


def _amounts(data, *keys):
    """Amounts as typed in the reader's language ("1.250,50" in Spanish) to exact decimals; an amount that
    cannot be read is refused with the way to write it, and nothing is saved."""
    for key in keys:
        try:
            value = parse_amount_input(data.get(key), current_language())
        except AmountError as exc:
            raise ValidationFailed(exc.message, [Violation(rules.INVALID, exc.message, key)]) from None
        data[key] = None if value is None else str(value)
    return data


@bp.app_context_processor
def _organisation_globals():
    return {"organisation_indicators": _indicators_for}


def _indicators_for(association):
    """For the association page: ASOCAM's indicators of this association (empty when it may not be seen)."""
    if not can_view_organisation(current_user, association):
        return None
    return services.indicators(association)


# -- the strategic plan -----------------------------------------------------------------------------

@bp.route("/strategic-plan", methods=["GET", "POST"])
@loaded(load)
def strategic_plan(association):
    plan = services.strategic_plan_of(association)

    def page(sent=None):
        return render_template("organisation/strategic_plan.html", association=association,
                               plan=services.strategic_plan_of(association), sent=sent or {},
                               states=services.STATE_TITLES, action_states=ACTION_STATES,
                               can_edit=can_edit_organisation(current_user, association))
    if request.method == "POST":
        _writer(association)
        data = services.plan_as_data(plan)
        op = request.form.get("op")
        form = _form("period", "reviewed_on", "review_reference", "title", "objective", "description",
                     "responsible", "due_on", "state", "action")
        if op == "review":
            data.update(period=form["period"], reviewed_on=form["reviewed_on"],
                        review_reference=form["review_reference"])
        elif op == "add_objective":
            data["objectives"].append({"title": form["title"], "actions": []})
        elif op in ("add_action", "action_state"):
            try:
                objective = data["objectives"][_index(form["objective"])]
                if op == "add_action":  # a blank date or state is not given (no date, pending)
                    objective["actions"].append({k: form[k] for k in ("description", "responsible", "due_on",
                                                                      "state") if form[k] or k == "description"})
                else:
                    objective["actions"][_index(form["action"])]["state"] = form["state"] or "pending"
            except (ValueError, IndexError):
                abort(404)
        else:
            abort(400)
        version = request.form.get("version") or None
        return _run(lambda: services.save_strategic_plan(association, from_form(StrategicPlanIn, data, version=version),
                                                         current_user),
                    _l("The strategic plan was saved."),
                    url_for(".strategic_plan", association_id=association.id), lambda: page(request.form))
    return page()


# -- the capacity plan ------------------------------------------------------------------------------

@bp.route("/capacity-plan", methods=["GET", "POST"])
@loaded(load)
def capacity_plan(association):
    target = url_for(".capacity_plan", association_id=association.id)

    def page(sent=None):
        return render_template("organisation/capacity_plan.html", association=association,
                               plan=services.capacity_plan_of(association), items=ITEMS, kinds=services.KIND_TITLES,
                               kind_codes=CAPACITY_KINDS, states=services.STATE_TITLES, action_states=ACTION_STATES,
                               sent=sent or {}, can_edit=can_edit_organisation(current_user, association))
    if request.method == "POST":
        _writer(association)
        op = request.form.get("op")
        if op == "propose":
            return _run(lambda: services.propose_capacity_plan(association, current_user),
                        _l("A capacity plan was proposed from the weak items of the assessment."), target,
                        page)
        if op == "update":
            try:
                action_id = int(request.form.get("action") or 0)
            except ValueError:
                abort(404)
            return _run(lambda: services.update_capacity_action(association, action_id,
                                                                from_form(CapacityActionEdit, request.form),
                                                                current_user),
                        _l("The action was saved."), target, lambda: page(request.form))
        if op == "adopt":
            return _run(lambda: services.adopt_capacity_plan(association, current_user,
                                                             from_form(AdoptionIn, request.form)),
                        _l("The board adopted the capacity plan."), target, lambda: page(request.form))
        abort(400)
    return page()


# -- the trainings register -------------------------------------------------------------------------

def _trainings(association):
    return db.session.execute(db.select(Training).where(Training.association_id == association.id)
                              .order_by(Training.held_on.desc(), Training.id.desc()).limit(500)).scalars().all()


@bp.route("/trainings", methods=["GET", "POST"])
@loaded(load)
def trainings(association):

    def page(sent=None):
        plan = services.capacity_plan_of(association)
        return render_template("organisation/trainings.html", association=association, rows=_trainings(association),
                               actions=plan.actions if plan else [], today=date.today(), sent=sent or {},
                               can_edit=can_edit_organisation(current_user, association))
    if request.method == "POST":
        _writer(association)
        return _run(lambda: services.record_training(association, from_form(TrainingIn, request.form), current_user),
                    _l("The training was registered."), url_for(".trainings", association_id=association.id),
                    lambda: page(request.form))
    return page()


@bp.get("/trainings.xlsx")
@loaded(load)
def trainings_xlsx(association):
    wb = workbook()
    ws = sheet(wb, _l("Trainings"), (_l("Date"), _l("Topic"), _l("Women"), _l("Men"), _l("Participants"),
                                     _l("Leadership roles taken by women"), _l("Leadership roles taken by youth"),
                                     _l("Notes")),
               [(t.held_on, t.topic, t.women, t.men, t.women + t.men, t.women_leaders, t.youth_leaders, t.notes)
                for t in _trainings(association)], first=True, decimals=False)
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    buf = io.BytesIO(to_bytes(wb))
    return send_file(buf, as_attachment=True, download_name=f"trainings-{association.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# -- other funds ------------------------------------------------------------------------------------

@bp.route("/funds", methods=["GET", "POST"])
@loaded(load)
def funds(association):
    target = url_for(".funds", association_id=association.id)

    def page(sent=None):
        rows = db.session.execute(db.select(FundApplication).where(FundApplication.association_id == association.id)
                                  .order_by(FundApplication.applied_on.desc(), FundApplication.id.desc())
                                  .limit(500)).scalars().all()
        return render_template("organisation/funds.html", association=association, rows=rows, sent=sent or {},
                               states=services.FUND_STATE_TITLES, state_codes=FUND_STATES,
                               can_edit=can_edit_organisation(current_user, association))
    if request.method == "POST":
        _writer(association)
        op = request.form.get("op")
        if op == "record":
            data = _form("source", "purpose", "applied_on", "amount_requested", "state", "amount_obtained")

            def record():
                services.record_fund(association, from_form(FundIn, _amounts(data, "amount_requested",
                                                                             "amount_obtained")), current_user)
            return _run(record, _l("The application was registered."), target, lambda: page(request.form))
        if op == "settle":
            fund = get_or_404(FundApplication, request.form.get("fund"),
                              lambda f: f.association_id == association.id)
            data = _form("state", "amount_obtained")

            def settle():
                services.settle_fund(association, fund, from_form(SettleIn, _amounts(data, "amount_obtained")),
                                     current_user)
            return _run(settle, _l("The result was saved."), target, lambda: page())
        abort(400)
    return page()
