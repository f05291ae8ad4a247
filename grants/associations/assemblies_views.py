"""Pages of the assembly register (on the associations blueprint): list with the participation figures,
register one (no JavaScript: decisions are rows of plain fields), detail, the minutes file."""
import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import db
from ..web.forms import form_action, loaded, stored, success
from ..web.pagination import paginate
from . import assemblies
from .assemblies_forms import AssemblyForm, decision_kind_options, decision_rows
from .assemblies_models import Assembly, AssemblyDecision
from .permissions import can_register_assembly, can_view_assemblies
from .views import bp, load


def _assembly(association_id, assembly_id):
    """The association (404 when not visible) whose register the user may read (else 403) and its assembly
    (another association's is a 404, even with a valid id)."""
    association = load(association_id)
    if not can_view_assemblies(current_user, association):
        abort(403)
    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None or assembly.association_id != association.id:
        abort(404)
    return association, assembly


@bp.get("/<int:association_id>/assemblies")
@loaded(load, allowed=can_view_assemblies)
def assemblies_list(association):
    page = paginate(sa.select(Assembly).where(Assembly.association_id == association.id)
                    .order_by(Assembly.held_on.desc(), Assembly.id.desc()))
    return render_template("associations/assemblies/index.html", association=association, page=page,
                           figures=assemblies.participation(association), kinds=assemblies.KIND_LABELS,
                           can_register=can_register_assembly(current_user, association))


def _form_page(association, form, rows, row_errors, status):
    return render_template("associations/assemblies/form.html", association=association, form=form, rows=rows,
                           row_errors=row_errors, decision_kinds=decision_kind_options(),
                           members_total=assemblies.active_members(association)), status


def _row_errors(exc, index_map):
    """Errors of decision rows (``decisions-J-key`` of the J-th filled row) keyed by the page's row."""
    out = {}
    for d in getattr(exc, "details", []) or []:
        parts = (d.field or "").split("-")
        if len(parts) >= 2 and parts[0] == "decisions" and parts[1].isdigit() and int(parts[1]) < len(index_map):
            key = parts[2] if len(parts) > 2 else "text"
            out.setdefault(index_map[int(parts[1])], {})[key] = str(d.message)
    return out


@bp.route("/<int:association_id>/assemblies/new", methods=["GET", "POST"])
@loaded(load, allowed=can_register_assembly)
def new_assembly(association):
    form = AssemblyForm().fill()
    rows, filled = decision_rows(request.form)
    if request.method == "GET":
        form.kind.data = "ordinary"
        return _form_page(association, form, rows, {}, 200)
    index_map, row_errors = [i for i, r in enumerate(rows) if any(r.values())], {}

    def call():
        data = {k: getattr(form, k).data for k in ("held_on", "kind", "place", "women", "men", "families_present",
                                                   "notes")}
        # a row's blank fields are not given; the service reads it all with the one schema (AssemblyIn)
        data["decisions"] = [{k: v for k, v in row.items() if v} for row in filled]
        return assemblies.register_assembly(association, data, request.files.get("minutes"), current_user)

    return form_action(form, call, lambda status: _form_page(association, form, rows, row_errors, status),
                       lambda a: success(_l("The assembly of %(day)s is in the register.", day=a.held_on.isoformat()),
                                         url_for(".assembly", association_id=association.id, assembly_id=a.id)),
                       on_error=lambda exc: row_errors.update(_row_errors(exc, index_map)))


@bp.get("/<int:association_id>/assemblies/<int:assembly_id>")
@loaded(_assembly)
def assembly(association, the_assembly):
    return render_template("associations/assemblies/detail.html", association=association, a=the_assembly,
                           kinds=assemblies.KIND_LABELS, decision_kinds=assemblies.DECISION_LABELS)


bp.add_url_rule("/<int:association_id>/assemblies/<int:assembly_id>/minutes", "assembly_minutes",
                loaded(_assembly)(lambda association, the_assembly: stored(the_assembly, "minutes")))


@bp.get("/assembly-decisions/<int:decision_id>")
@login_required
def assembly_decision(decision_id):
    """Where a stage points: the decision in its assembly (404 when the user may not read that register)."""
    decision = db.session.get(AssemblyDecision, decision_id)
    if decision is None:
        abort(404)
    association = load(decision.assembly.association_id)
    if not can_view_assemblies(current_user, association):
        abort(404)
    return redirect(url_for(".assembly", association_id=association.id, assembly_id=decision.assembly_id,
                            _anchor=f"decision-{decision.position}"))


