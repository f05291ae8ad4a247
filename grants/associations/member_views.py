"""Member pages of an association: personal data, shown in full only to its board, the officer of its
region and admins; masked for auditors; counts only for everyone else. Every change is audited."""
import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit
from .permissions import can_manage_members, can_view_members, members_masked
from ..errors import DomainError
from ..extensions import db
from ..web.edge import write_on_read
from ..web.forms import download, form_action, loaded, matching, success
from ..web.pagination import paginate
from . import importing, services
from .forms import ImportForm, MemberForm, SearchForm
from .models import Member
from .views import _form_status, _unchanged, bp, load


def _load_member(association, member_id):
    member = db.session.get(Member, member_id)
    if member is None or member.association_id != association.id:
        abort(404)
    return member


def _audit_view(association, data):
    """Access to members' personal data is audited (the API writes the same event)."""
    audit.record("association", association.id, "view_members", current_user, association_id=association.id,
                 data=data)
    write_on_read(essential=True)  # the edge commits it, or the page is not shown


def _managed_member(association_id, member_id):
    """The association whose members the user manages (404 when not visible, else 403) and its member."""
    association = load(association_id)
    if not can_manage_members(current_user, association):
        abort(403)
    return association, _load_member(association, member_id)


@bp.get("/<int:association_id>/members")
@loaded(load)
def members(association):
    show_list = can_view_members(current_user, association)
    masked = members_masked(current_user, association)
    form = SearchForm(request.args)
    page, rows = None, []
    if show_list:
        query = sa.select(Member).where(Member.association_id == association.id).order_by(Member.full_name,
                                                                                          Member.id)
        q = (form.q.data or "").strip()[:100]
        if not masked:  # searching names would let a masked reader find out who is a member
            query = matching(query, q, Member.full_name, Member.national_id)
        page = paginate(query)
        rows = [services.masked_member(m) if masked else m for m in page.items]
        if not masked and rows:
            _audit_view(association, {"page": page.page, "per_page": page.per_page, "q": q or None,
                                      "member_ids": [m.id for m in rows]})
    return render_template("associations/members.html", association=association,
                           counts=services.member_counts(association), show_list=show_list, masked=masked,
                           page=page, rows=rows, form=form,
                           can_manage=can_manage_members(current_user, association))


def _member_page(form, association, member, status):
    return render_template("associations/member_form.html", form=form, association=association,
                           member=member), status


@bp.route("/<int:association_id>/members/new", methods=["GET", "POST"])
@loaded(load, allowed=can_manage_members)
def new_member(association):
    form = MemberForm()

    def added(member):
        flash(_l("%(name)s was added to the members.", name=member.full_name), "success")
        if request.form.get("another"):
            return redirect(url_for(".new_member", association_id=association.id))
        return redirect(url_for(".members", association_id=association.id))

    return form_action(form, lambda: services.add_member(association, form.data_for_service(), current_user),
                       lambda status: _member_page(form, association, None, status), added,
                       invalid_status=_form_status())


@bp.route("/<int:association_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@loaded(_managed_member)
def edit_member(association, member):
    form = MemberForm(obj=member if request.method == "GET" else None)
    if request.method == "GET":
        form.birth_year.data = str(member.birth_year or "")
        form.hectares.data = str(member.hectares)
        _audit_view(association, {"member_ids": [member.id]})

    def call():
        _unchanged(member, _l("Someone changed this member meanwhile. Look at the data again before you save."))
        services.update_member(member, form.data_for_service(editing=True), current_user)

    return form_action(form, call, lambda status: _member_page(form, association, member, status),
                       lambda result: success(_l("Changes saved."), url_for(".members", association_id=association.id)),
                       invalid_status=_form_status())


@bp.post("/<int:association_id>/members/<int:member_id>/remove")
@loaded(_managed_member)
def remove_member(association, member):
    member_id = member.id
    name = member.full_name
    try:
        outcome = services.remove_member(member, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for(".edit_member", association_id=association.id, member_id=member_id))
    if outcome == "deactivated":
        flash(_l("%(name)s takes part in an alliance, so the member was kept and marked inactive.", name=name),
              "success")
    else:
        flash(_l("%(name)s was removed from the members.", name=name), "success")
    return redirect(url_for(".members", association_id=association.id))


def _import_page(form, association, status, report=None, member_file=None):
    return render_template("associations/import.html", form=form, association=association, report=report,
                           member_file=member_file, aliases=importing.HEADER_ALIASES,
                           labels=importing.FIELD_LABELS, required=importing.REQUIRED,
                           max_mb=round(current_app.config["UPLOAD_MAX_BYTES"] / (1024 * 1024), 1)), status


@bp.route("/<int:association_id>/members/import", methods=["GET", "POST"])
@loaded(load, allowed=can_manage_members)
def import_members(association):
    form = ImportForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _import_page(form, association, 200 if request.method == "GET" else 400)
    try:
        imported, member_file = importing.import_upload(association, request.files.get("file"), current_user)
    except DomainError as exc:
        db.session.rollback()
        member_file = getattr(exc, "member_file", None)
        report = importing.error_report(exc, member_file)
        flash(str(exc.message), "error")
        return _import_page(form, association, exc.status, report=report, member_file=member_file)
    flash(_l("%(n)s members were imported.", n=len(imported)), "success")
    if member_file.ignored:
        flash(_l("These columns were not used: %(names)s.", names=", ".join(member_file.ignored)), "info")
    return redirect(url_for(".members", association_id=association.id))


@bp.get("/import-template.csv")
@loaded(None)
def import_template():
    return download(importing.template_csv(), "plantilla-socios.csv", "text/csv", inline=False)


@bp.get("/<int:association_id>/members/export.csv")
@loaded(load, allowed=can_view_members)
def export_members(association):
    """The members as CSV. Personal data leaves the system here, so every export is audited."""
    masked = members_masked(current_user, association)
    rows = db.session.execute(sa.select(Member).where(Member.association_id == association.id)
                              .order_by(Member.full_name, Member.id)).scalars().all()
    body = importing.members_csv(rows, masked=masked)
    audit.record("association", association.id, "export_members", current_user, association_id=association.id,
                 data={"count": len(rows), "masked": masked, "format": "csv"})
    write_on_read(essential=True)  # the edge commits the audit event, or the file is not handed out
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="socios-{association.id}.csv"',
        "Cache-Control": "no-store"})
