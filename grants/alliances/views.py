"""Alliance pages: list, draft creation and editing, detail with history and actions, documents."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import uploads
from ..accounts.models import User, UserRole
from ..associations.models import Association, Buyer, Member
from ..associations.levels import member_source_ids
from ..audit.models import Event
from ..common import get_or_404
from ..extensions import db
from ..programs.models import Call
from ..schemas import from_form
from ..web.edge import write_on_read
from ..web.forms import button_action, form_action, options, success
from ..web.pagination import paginate
from ..workflows import ALLIANCE
from . import cards, ledger, page, services, stored, tasks
from .forms import AllianceForm, AttachmentForm, FilterForm
from .models import Alliance, Attachment
from .schemas import AllianceCreate, AlliancePatch
from .permissions import alliance_filter, can_edit_alliance, can_view_alliance, can_view_members, members_masked

bp = Blueprint("alliances", __name__, url_prefix="/alliances")

#: the transitions that move an alliance forward: one of them is the page's single primary button; the others
#: (withdraw, return, suspend, cancel, the final report during execution...) are folded under "Other actions"
FORWARD = ("submit", "declare_eligible", "preselect", "start_plan", "submit_plan", "start_appraisal",
           "send_to_committee", "approve", "sign_agreement", "start_execution", "resume", "close")
#: a forward transition that waits for this user's own task first (the task is then the next step)
PRECEDED_BY = {"approve": "plan_to_review"}


def load(alliance_id, options=(), figures=False):
    """The alliance, or 404 when it does not exist or the user may not see it (no leak). ``figures``: the
    stages' page figures (``page.py``) read in the same statement."""
    if options or figures:
        try:
            ident = int(alliance_id)
        except (TypeError, ValueError):
            abort(404)
        if not 0 < ident < 2 ** 31:  # beyond an INTEGER column: PostgreSQL would refuse the parameter
            abort(404)
        extra = page.columns() + _has_columns() if figures else []
        # LIMIT 1 (the id is unique): the alliance and its figures are read in a subquery, once, before the joined
        # budget lines and tranches multiply its row (each figure would otherwise be computed for every row)
        row = db.session.execute(sa.select(Alliance, *extra).where(Alliance.id == ident)
                                 .options(*options).limit(1)).unique().first()
        if row is None:
            abort(404)
        alliance = row[0]
        if figures and can_view_alliance(current_user, alliance):
            n = len(page.names())
            page.keep(alliance, row[1:n + 1])
            if request.method in ("GET", "HEAD"):
                # a list the page would load and find empty is known empty already: no statement for it
                for key, has in zip(_COLLECTIONS, row[n + 1:]):
                    if not has and key not in sa.inspect(alliance).dict:
                        sa.orm.attributes.set_committed_value(alliance, key, [])
    else:
        alliance = get_or_404(Alliance, alliance_id)
    if not can_view_alliance(current_user, alliance):
        abort(404)
    return alliance


#: the alliance's lists loaded on first use (documents, cash flow, follow-ups, ...: found on the mapper, so the spine
#: names no stage); the alliance page reads whether each has a row in its first statement
#: (built on first use, once every stage's models are mapped)
_COLLECTIONS = []
_HAS = []


def _has_columns():
    """``EXISTS`` of each list of ``_COLLECTIONS`` for the page's alliance (built once)."""
    if not _HAS:
        keys = [rel.key for rel in Alliance.__mapper__.relationships if rel.uselist and rel.lazy == "select"]
        _HAS.extend(getattr(Alliance, key).any().label(f"has_{key}") for key in keys)
        _COLLECTIONS[:] = keys
    return list(_HAS)


def page_options():
    """What the alliance page reads of every stage in its first statement: each one-to-one record a stage
    hangs on the alliance (profile, plan, agreement, final report, evaluation, ...; found on the mapper, so
    the spine names no stage) joined, instead of one statement per card."""
    one_to_one = [sa.orm.joinedload(rel.class_attribute) for rel in Alliance.__mapper__.relationships
                  if not rel.uselist and rel.lazy == "select"]
    # the money card's budget lines and tranches (a few rows each) in the same statement
    return one_to_one + [sa.orm.joinedload(Alliance.budget_lines), sa.orm.joinedload(Alliance.tranches)]


@bp.get("/")
@login_required
def index():
    """The alliances this viewer may see, stored for the viewer (``stored.py``: the query string is its variant;
    the calls of the filter are shared)."""
    content = stored.page("alliances.index", _draw_index)
    return render_template("stored_page.html", title=_l("Alliances"), content=content)


def _draw_index():
    form = FilterForm(request.args)
    form.state.choices = options([("", _l("All states"))] + list(ALLIANCE.states.items()))
    calls = db.session.execute(sa.select(Call).order_by(Call.opens_at.desc()).limit(100)).scalars().all()
    form.call_id.choices = options([("", _l("All calls"))] + [(str(c.id), c.title) for c in calls])
    query = sa.select(Alliance).where(alliance_filter(current_user)).order_by(Alliance.id.desc())
    if form.state.data in ALLIANCE.states:
        query = query.where(Alliance.state == form.state.data)
    if (form.call_id.data or "").isdigit():
        query = query.where(Alliance.call_id == int(form.call_id.data))
    q = (form.q.data or "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.join(Association, Association.id == Alliance.association_id).where(sa.or_(
            sa.func.lower(Alliance.title).like(like), sa.func.lower(Alliance.code).like(like),
            sa.func.lower(Alliance.product).like(like), sa.func.lower(Association.name).like(like)))
    page = paginate(query, key=Alliance.id)  # the page's alliances first, then their call, association, buyer
    can_create = bool(current_user.association_ids("board"))
    return render_template("alliances/index.html", layout="alliances/_stored.html", page=page, form=form,
                           can_create=can_create)


def _fill_choices(form, association=None):
    assoc_ids = current_user.association_ids("board")
    assocs = db.session.execute(sa.select(Association).where(Association.id.in_(assoc_ids))
                                .order_by(Association.name)).scalars().all()
    form.association_id.choices = options((a.id, a.name) for a in assocs)
    calls = [c for c in db.session.execute(sa.select(Call).order_by(Call.closes_at)).scalars()
             if c.is_open() or (association is not None and form.call_id.data == c.id)]
    form.call_id.choices = options((c.id, f"{c.title} ({c.program.code})") for c in calls)
    buyers = db.session.execute(sa.select(Buyer).order_by(Buyer.name)).scalars().all()
    form.buyer_id.choices = options([(0, _l("— choose —"))] + [(b.id, b.name) for b in buyers])
    chosen = association or (assocs[0] if len(assocs) == 1 else None)
    if chosen is None and form.association_id.data:
        chosen = next((a for a in assocs if a.id == form.association_id.data), None)
    members = []
    if chosen is not None:
        # a level-2 or level-3 association draws its families from its base associations too
        members = db.session.execute(sa.select(Member).where(Member.association_id.in_(member_source_ids(chosen)),
                                                             Member.active.is_(True))
                                     .order_by(Member.full_name)).scalars().all()
    form.member_ids.choices = options((m.id, m.full_name) for m in members)
    return assocs


def _body(model, form, **extra):
    """The operation's schema validated from the page's form (``from_form``); "— choose —" as the buyer,
    with no new one typed, is no buyer."""
    body = from_form(model, form.data_for_service(), **extra)
    if not {"buyer", "buyer_id"} & body.model_fields_set:
        body = body.model_copy(update={"buyer_id": None})
    return body


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = AllianceForm()
    assocs = _fill_choices(form)
    if not assocs:
        abort(403)
    if request.method == "GET" and len(assocs) == 1:
        form.association_id.data = assocs[0].id
    return _form_page(form, None, lambda: services.create_alliance(
        _body(AllianceCreate, form, association_id=form.association_id.data, call_id=form.call_id.data), current_user),
        lambda alliance: _l("The draft %(code)s was saved.", code=alliance.code))


@bp.route("/<int:alliance_id>/edit", methods=["GET", "POST"])
@login_required
def edit(alliance_id):
    alliance = load(alliance_id)
    if not can_edit_alliance(current_user, alliance):
        abort(403)
    form = AllianceForm(obj=alliance if request.method == "GET" else None)
    _fill_choices(form, alliance.association)
    form.association_id.choices = options([(alliance.association.id, alliance.association.name)])
    form.call_id.choices = options([(alliance.call.id, alliance.call.title)])
    if request.method == "GET":
        form.association_id.data, form.call_id.data = alliance.association_id, alliance.call_id
        form.buyer_id.data = alliance.buyer_id or 0
        form.member_ids.data = alliance.member_ids
    return _form_page(form, alliance, lambda: services.update_alliance(
        alliance, _body(AlliancePatch, form, version=request.form.get("version") or alliance.version), current_user),
        lambda _alliance: _l("Changes saved."))


def _form_page(form, alliance, call, message):
    """The draft's form (``alliance``: the one edited, None for a new one) and its write through the page edge:
    ``call()`` once, then ``message(alliance)`` flashed on the alliance's page."""
    def page(status=200):
        return render_template("alliances/form.html", form=form, alliance=alliance), status

    if request.method == "GET":
        return page()
    return form_action(form, call, page, lambda saved: success(message(saved),
                                                               url_for(".detail", alliance_id=saved.id)))


@bp.get("/<int:alliance_id>")
@login_required
def detail(alliance_id):
    """The alliance page: its content and this viewer's next step, each stored for this viewer (``cards.py``)
    and served as stored while nothing moved them, else drawn and stored in the same transaction."""
    if not 0 < alliance_id < 2 ** 31:  # beyond an INTEGER column: PostgreSQL would refuse the parameter
        abort(404)
    raw = current_user.has_role("admin", "auditor") and request.args.get("raw") == "1"
    parts = [("page", (raw,)), ("next", ())]
    # this viewer's stored parts if still good, in one statement of plain columns (no ORM object). A part is
    # stored only after the viewer was allowed to see the alliance, and whatever decides that (the viewer's
    # roles, memberships and regions, the alliance's association, call and state, the committees) bumps a
    # stamp when it changes: a part still good is a permission still good
    row = cards.read(alliance_id, current_user, parts)
    if row is None:
        abort(404)
    code, content, next_step, stamp, shared = row
    if content is None or next_step is None:
        alliance = load(alliance_id, page_options(), figures=True)  # 404 when the viewer may not see it
        drawn = []
        if content is None:
            content = _draw(alliance)
            drawn.append(("page", (raw,), content))
        if next_step is None:
            next_step = _next_step(alliance)
            drawn.append(("next", (), next_step))
        cards.store(alliance.id, current_user, drawn, stamp, shared)
        write_on_read()  # the edge commits the stored parts after the answer (a failed commit still answers)
    content = Markup(str(cards.serve(content)).replace(cards.NEXT_STEP, str(cards.serve(next_step))))
    return render_template("alliances/page.html", code=code, content=content)


def _next_step(alliance):
    """This viewer's next step on the alliance and their other actions (a part stored apart from the content)."""
    actions = ALLIANCE.available(alliance, current_user)
    # the next step for this user: the transition that moves the alliance forward, else the work waiting here
    primary = next((t for t in actions if t.name in FORWARD), None)
    waiting, _total = tasks.collect(current_user, alliance=alliance)
    if primary is not None and any(t.code == PRECEDED_BY.get(primary.name) for t in waiting):
        primary = None  # e.g. a committee member writes their review before the committee decides
    facilitators = []
    if any(t.name == "start_plan" for t in actions):
        facilitators = db.session.execute(sa.select(User).join(UserRole).where(UserRole.role == "facilitator",
                                                                               User.active.is_(True))
                                          .order_by(User.name)).scalars().all()
    return render_template("alliances/_next_step.html", alliance=alliance, primary=primary,
                           other_actions=[t for t in actions if t is not primary], waiting=waiting,
                           facilitators=facilitators)


def _draw(alliance):
    """The alliance page's content for this viewer, with ``cards.NEXT_STEP`` where the next step goes."""
    events = db.session.execute(sa.select(Event).where(Event.alliance_id == alliance.id)
                                .order_by(Event.id.desc()).limit(100)).scalars().all()
    return render_template("alliances/detail.html", layout="alliances/_stored.html", alliance=alliance,
                           events=events, next_step=Markup(cards.NEXT_STEP), balance_of=ledger.balance,
                           raw_allowed=current_user.has_role("admin", "auditor"),
                           can_edit=can_edit_alliance(current_user, alliance),
                           can_upload=services.can_upload(current_user, alliance),
                           show_members=can_view_members(current_user, alliance.association)
                           and not members_masked(current_user, alliance.association),
                           upload_form=AttachmentForm())


@bp.post("/<int:alliance_id>/transition")
@login_required
def transition(alliance_id):
    alliance = load(alliance_id)
    action = request.form.get("action", "")
    version = request.form.get("version")
    if version and version != str(alliance.version):
        flash(_l("Someone changed this alliance meanwhile. Look at it again before you act."), "error")
        return redirect(url_for(".detail", alliance_id=alliance.id))
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "action", "version")}
    return button_action(lambda: services.take_action(alliance, action, current_user, data),
                         url_for(".detail", alliance_id=alliance.id),
                         lambda t: _l("Done: %(label)s. The alliance is now “%(state)s”.", label=t.label,
                                      state=ALLIANCE.title(t.target)))


@bp.post("/<int:alliance_id>/attachments")
@login_required
def upload(alliance_id):
    alliance = load(alliance_id)
    if not services.can_upload(current_user, alliance):
        abort(403)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    return button_action(lambda: services.add_attachment(alliance, form.kind.data, request.files.get("file"),
                                                         current_user),
                         url_for(".detail", alliance_id=alliance.id), _l("The document was attached."))


@bp.get("/<int:alliance_id>/attachments/<int:attachment_id>")
@login_required
def download(alliance_id, attachment_id):
    alliance = load(alliance_id)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.alliance_id != alliance.id:
        abort(404)
    return uploads.send_stored(att.sha256, att.content_type, att.filename)
