"""Expense pages (on the execution blueprint): the list and the form, one expense (correct, void), its
receipt, the spreadsheet import."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ... import uploads
from ...alliances import ledger
from ...errors import DomainError
from ...extensions import db
from ...money import shown
from ...schemas import from_form
from ...web.forms import show_errors
from ...web.idempotency import idempotent
from ...web.pagination import paginate
from ..forms import ExpenseForm, VoidForm
from ..models import Expense
from ..permissions import can_record
from ..schemas import VoidIn
from ..views import _child, _flash_rules, _writer, bp, load_alliance
from . import services as expense_svc
from .schemas import ExpenseIn, ExpensePatch


def _expenses_page(alliance, form, status=200):
    page = paginate(db.select(Expense).where(Expense.alliance_id == alliance.id)
                    .order_by(Expense.spent_on.desc(), Expense.id.desc()))

    return render_template("execution/expenses.html", alliance=alliance, form=form, expenses=page.items, page=page,
                           lines=expense_svc.line_figures(alliance), balance=ledger.balance(alliance),
                           can_write=can_record(current_user, alliance)), status


@bp.route("/expenses", methods=["GET", "POST"])
@login_required
@idempotent
def expenses(alliance_id):
    alliance = load_alliance(alliance_id)
    form = ExpenseForm().fill(alliance)
    if request.method == "GET":
        return _expenses_page(alliance, form)
    _writer(alliance)
    if not form.validate_on_submit():
        return _expenses_page(alliance, form, 400)
    try:
        body = from_form(ExpenseIn, form.values())
        e = expense_svc.record_expense(alliance, body, current_user, request.files.get("receipt"))
    except DomainError as exc:
        db.session.rollback()
        alliance = load_alliance(alliance_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expenses_page(alliance, form.fill(alliance), exc.status)
    flash(_l("Expense recorded: %(amount)s, %(supplier)s.", amount=shown(e.amount, alliance.program.currency),
             supplier=e.supplier), "success")
    return redirect(url_for(".expenses", alliance_id=alliance.id))


def _expense_page(alliance, e, form, void_form, status=200):
    return render_template("execution/expense.html", alliance=alliance, e=e, form=form, void_form=void_form,
                           can_write=can_record(current_user, alliance) and not e.locked and not e.voided_at), status


@bp.route("/expenses/<int:expense_id>", methods=["GET", "POST"])
@login_required
def expense(alliance_id, expense_id):
    alliance = load_alliance(alliance_id)
    e = _child(Expense, alliance, expense_id)
    form = ExpenseForm(obj=None if request.method == "POST" else e).fill(alliance)
    if request.method == "GET":
        form.budget_line_id.data = str(e.budget_line_id)
        form.spent_on.data = e.spent_on.isoformat()
        form.amount.data = str(e.amount)
        form.version.data = str(e.version)
        form.procurement_id.data = str(e.procurement_id or "")
        return _expense_page(alliance, e, form, VoidForm(version=e.version))
    _writer(alliance)
    if not form.validate_on_submit():
        return _expense_page(alliance, e, form, VoidForm(version=e.version), 400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        body = from_form(ExpensePatch, form.values(), version=version or e.version)
        expense_svc.update_expense(e, body, current_user, request.files.get("receipt"))
    except DomainError as exc:
        db.session.rollback()
        e = _child(Expense, load_alliance(alliance_id), expense_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expense_page(e.alliance, e, form.fill(e.alliance), VoidForm(version=e.version), exc.status)
    flash(_l("The expense was corrected."), "success")
    return redirect(url_for(".expense", alliance_id=alliance.id, expense_id=e.id))


@bp.post("/expenses/<int:expense_id>/void")
@login_required
def void(alliance_id, expense_id):
    alliance = load_alliance(alliance_id)
    e = _child(Expense, alliance, expense_id)
    _writer(alliance)
    form = VoidForm()
    if not form.validate_on_submit():
        abort(400)
    version = form.version.data if (form.version.data or "").isdigit() else None
    try:
        body = from_form(VoidIn, {"reason": form.reason.data}, version=version)
        expense_svc.void_expense(e, current_user, body)
    except DomainError as exc:
        db.session.rollback()
        e = _child(Expense, load_alliance(alliance_id), expense_id)
        show_errors(form, exc)
        _flash_rules(exc)
        return _expense_page(e.alliance, e, ExpenseForm().fill(e.alliance), form, exc.status)
    flash(_l("The expense was voided."), "success")
    return redirect(url_for(".expenses", alliance_id=alliance.id))


@bp.get("/expenses/<int:expense_id>/receipt")
@login_required
def receipt(alliance_id, expense_id):
    e = _child(Expense, load_alliance(alliance_id), expense_id)
    if not e.receipt_sha256:
        abort(404)
    return uploads.send_stored(e.receipt_sha256, e.receipt_content_type, e.receipt_filename, as_attachment=False)


@bp.get("/expenses/<int:expense_id>/receipt/thumbnail")
@login_required
def receipt_thumbnail(alliance_id, expense_id):
    e = _child(Expense, load_alliance(alliance_id), expense_id)
    if not e.receipt_sha256:
        abort(404)
    return uploads.send_thumbnail(e.receipt_sha256, e.receipt_content_type)


@bp.post("/expenses/import")
@login_required
def import_expenses(alliance_id):
    """Bulk entry from XLSX: all rows or none; each wrong row is listed with its number."""
    from flask_wtf import FlaskForm

    from .bulk import import_expenses as run

    alliance = load_alliance(alliance_id)
    _writer(alliance)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        done = run(alliance, request.files.get("file"), current_user)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(str(exc.message), "error")
        for d in exc.details[:200]:
            row = re.match(r"row (\d+)", d.field or "")  # "row 3: amount": the row, never the field's code
            flash(_l("Row %(n)s: %(message)s", n=row.group(1), message=d.message) if row else d.message, "error")
        return redirect(url_for(".expenses", alliance_id=alliance_id, _anchor="import-form")), 303
    flash(_l("%(n)s expenses imported.", n=len(done)), "success")
    return redirect(url_for(".expenses", alliance_id=alliance.id))
