"""Association pages: the registry (list, create, edit, detail) and the buyers. The member pages
(personal data) are in ``member_views.py`` on the same blueprint."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.models import Membership, User
from ..common import get_or_404
from ..errors import StaleVersion, ValidationFailed, Violation
from ..extensions import db
from ..web.forms import form_action, loaded, matching, options, success
from ..web.pagination import paginate
from ..workflows import rules
from . import assemblies, hooks, services
from .forms import AssociationForm, BuyerForm, SearchForm, level_options
from .models import Association, Buyer, Member
from .permissions import (association_filter, can_create_association, can_edit_association, can_manage_buyers,
                          can_view_assemblies, can_view_association, can_view_buyers, can_view_members)

bp = Blueprint("associations", __name__, url_prefix="/associations")


def load(association_id):
    """The association, or 404 when it does not exist or the user may not see it (no leak)."""
    return get_or_404(Association, association_id, lambda a: can_view_association(current_user, a))


@bp.get("/")
@login_required
def index():
    form = SearchForm(request.args)
    visible = association_filter(current_user)
    regions = db.session.execute(sa.select(Association.region).where(visible).distinct()
                                 .order_by(Association.region)).scalars().all()
    form.region.choices = options([("", _l("All regions"))] + [(r, r) for r in regions])
    form.level.choices = options([("", _l("All levels"))] + [(c.value, c.label) for c in level_options()])
    members = (sa.select(sa.func.count(Member.id))
               .where(Member.association_id == Association.id, Member.active.is_(True))
               .correlate(Association).scalar_subquery())
    query = sa.select(Association, members.label("members")).where(visible).order_by(Association.name,
                                                                                     Association.id)
    if form.region.data in regions:
        query = query.where(Association.region == form.region.data)
    if form.level.data in ("1", "2", "3"):
        query = query.where(Association.level == int(form.level.data))
    query = matching(query, form.q.data, Association.name, Association.legal_id, Association.tax_id)
    page = paginate(query, scalars=False)
    return render_template("associations/index.html", page=page, form=form,
                           can_create=can_create_association(current_user),
                           can_see_buyers=can_view_buyers(current_user))


def _form_choices(form, association=None):
    parents = db.session.execute(
        sa.select(Association).where(association_filter(current_user), Association.level > 1)
        .order_by(Association.name).limit(500)).scalars().all()
    if association is not None:
        parents = [p for p in parents if p.id != association.id]
        if association.parent is not None and association.parent not in parents:
            parents.append(association.parent)
    form.parent_id.choices = options([("", _l("— none —"))] + [(str(p.id), f"{p.name} ({p.level})")
                                                               for p in parents])


def _region_choices():
    """Regions offered while typing: the officer's own, or every known one for admins."""
    if current_user.has_role("admin"):
        known = set(db.session.execute(sa.select(Association.region).distinct()).scalars())
        return sorted(known | set(current_user.regions))
    return current_user.regions


def _check_region(association, data):
    """An officer registers associations only in his regions; nobody but an admin moves one elsewhere."""
    region = (data.get("region") or "").strip()
    if association is not None and region == association.region:
        return
    if region and not can_create_association(current_user, region):
        message = _l("You may only register associations in your regions: %(regions)s.",
                     regions=", ".join(current_user.regions) or "—")
        raise ValidationFailed(message, [Violation(rules.REGION_NOT_COVERED, message, "region")])


def _unchanged(obj, message):
    """409 (``StaleVersion``, its message flashed) when the form was read from an older version of ``obj``."""
    sent = request.form.get("version")
    if sent is not None and sent != str(obj.version):
        raise StaleVersion(message)


def _form_status():
    """An invalid form answers 422; the empty form of a GET, 200."""
    return 422 if request.method == "POST" else 200


@bp.route("/new", methods=["GET", "POST"])
@loaded(None, allowed=can_create_association)
def new():
    form = AssociationForm()
    _form_choices(form)
    if request.method == "GET" and len(current_user.regions) == 1 and not current_user.has_role("admin"):
        form.region.data = current_user.regions[0]

    def call():
        data = form.data_for_service()
        _check_region(None, data)
        return services.create_association(data, current_user)

    return form_action(form, call, lambda status: _form_page(form, None, status),
                       lambda a: success(_l("The association %(name)s was registered.", name=a.name),
                                         url_for(".detail", association_id=a.id)),
                       invalid_status=_form_status())


def _form_page(form, association, status):
    return render_template("associations/form.html", form=form, association=association,
                           regions=_region_choices()), status


@bp.route("/<int:association_id>/edit", methods=["GET", "POST"])
@loaded(load, allowed=can_edit_association)
def edit(association):
    form = AssociationForm(obj=association if request.method == "GET" else None)
    _form_choices(form, association)
    if request.method == "GET":
        form.level.data = str(association.level)
        form.parent_id.data = str(association.parent_id or "")
        form.founded_year.data = str(association.founded_year or "")

    def call():
        _unchanged(association, _l("Someone changed this association meanwhile. Look at it again before you save."))
        data = form.data_for_service()
        _check_region(association, data)
        services.update_association(association, data, current_user)

    return form_action(form, call, lambda status: _form_page(form, association, status),
                       lambda result: success(_l("Changes saved."), url_for(".detail", association_id=association.id)),
                       invalid_status=_form_status())


@bp.get("/<int:association_id>")
@loaded(load)
def detail(association):
    officers = db.session.execute(
        sa.select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.association_id == association.id, Membership.role.in_(("board", "treasurer")),
               User.active.is_(True))
        .order_by(Membership.role, User.name)).scalars().all()
    alliances = hooks.alliances_of_association(association, current_user)
    children = db.session.execute(
        sa.select(Association).where(Association.parent_id == association.id, association_filter(current_user))
        .order_by(Association.name).limit(100)).scalars().all()
    parent_visible = association.parent is not None and can_view_association(current_user, association.parent)
    full = can_edit_association(current_user, association)
    # the members themselves are on their own page, where reading personal data is audited
    return render_template("associations/detail.html", association=association, officers=officers,
                           alliances=alliances, children=children, parent_visible=parent_visible,
                           full_account=full, can_edit=full, counts=services.member_counts(association),
                           show_list=can_view_members(current_user, association),
                           figures=assemblies.participation(association)
                           if can_view_assemblies(current_user, association) else None)


# ---- buyers ---------------------------------------------------------------------------------------

@bp.get("/buyers")
@loaded(None, allowed=can_view_buyers)
def buyers():
    form = SearchForm(request.args)
    query = matching(sa.select(Buyer).order_by(Buyer.name, Buyer.id), form.q.data, Buyer.name, Buyer.tax_id,
                     Buyer.city)
    return render_template("associations/buyers.html", page=paginate(query), form=form,
                           can_create=can_manage_buyers(current_user))


@bp.route("/buyers/new", methods=["GET", "POST"])
@loaded(None, allowed=can_manage_buyers)
def new_buyer():
    form = BuyerForm()
    return form_action(form, lambda: services.create_buyer(form.data_for_service(), current_user),
                       lambda status: (render_template("associations/buyer_form.html", form=form), status),
                       lambda b: success(_l("The buyer %(name)s was registered.", name=b.name),
                                         url_for(".buyer", buyer_id=b.id)),
                       invalid_status=_form_status())


@bp.get("/buyers/<int:buyer_id>")
@loaded(lambda buyer_id: get_or_404(Buyer, buyer_id, lambda b: can_view_buyers(current_user)))
def buyer(the_buyer):
    alliances = hooks.alliances_of_buyer(the_buyer, current_user)
    return render_template("associations/buyer_detail.html", buyer=the_buyer, alliances=alliances)


from . import member_views  # noqa: E402,F401  (registers the member routes on ``bp``)
from . import assemblies_views  # noqa: E402,F401  (registers the assembly register routes on ``bp``)
