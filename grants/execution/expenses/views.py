"""Expense pages (on the execution blueprint): the list and the form, one expense (correct, void), its
receipt, the spreadsheet import."""
import re

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ...alliances import ledger
from ...money import shown
from ...schemas import from_form
from ...web.forms import loaded, success
from ...web.idempotency import idempotent
from ..forms import ExpenseForm, VoidForm
from ..models import Expense
from ..permissions import can_record
from ..views import (bad_request, bp, child, file_pages, flash_all, listed, listing, load_alliance, record,
                     sent_version, void_body, write)
from . import services as expense_svc
from .bulk import import_expenses as import_rows
from .schemas import ExpenseIn, ExpensePatch


def _expenses_page(alliance, form):
    """The list with the lines' figures and the form (``page(status)``)."""
    return listing(alliance, "execution/expenses.html", Expense, Expense.spent_on.desc(), Expense.id.desc(),
                   rows="expenses", paged=True, context=lambda: {
                       "form": form, "lines": expense_svc.line_figures(alliance), "balance": ledger.balance(alliance)})


@bp.route("/expenses", methods=["GET", "POST"])
@loaded(load_alliance)
@idempotent
def expenses(alliance):
    return record(alliance, ExpenseForm, expense_svc.record_expense, ExpenseIn, _expenses_page,
                  lambda e: listed(alliance, ".expenses", _l(
                      "Expense recorded: %(amount)s, %(supplier)s.", amount=shown(e.amount, alliance.program.currency),
                      supplier=e.supplier)),
                  file="receipt")


def _expense_page(alliance, e, form=None, void_form=None):
    """One expense with its correction form and its void form (``page(status)``)."""
    def page(status=200):
        return render_template("execution/expense.html", alliance=alliance, e=e,
                               form=ExpenseForm().fill(alliance) if form is None else form,
                               void_form=VoidForm(version=e.version) if void_form is None else void_form,
                               can_write=can_record(current_user, alliance) and not e.locked and not e.voided_at), status
    return page


@bp.route("/expenses/<int:expense_id>", methods=["GET", "POST"])
@loaded(child(Expense))
def expense(alliance, e):
    form = ExpenseForm(obj=None if request.method == "POST" else e).fill(alliance)
    if request.method == "GET":
        form.budget_line_id.data = str(e.budget_line_id)
        form.spent_on.data = e.spent_on.isoformat()
        form.amount.data = str(e.amount)
        form.version.data = str(e.version)
        form.procurement_id.data = str(e.procurement_id or "")
    return write(alliance, form, lambda: expense_svc.update_expense(
                     e, from_form(ExpensePatch, form.values(), version=sent_version(form) or e.version), current_user,
                     request.files.get("receipt")),
                 _expense_page(alliance, e, form),
                 lambda result: success(_l("The expense was corrected."),
                                        url_for(".expense", alliance_id=alliance.id, expense_id=e.id)))


@bp.post("/expenses/<int:expense_id>/void")
@loaded(child(Expense))
def void(alliance, e):
    form = VoidForm()
    return write(alliance, form, lambda: expense_svc.void_expense(e, current_user, void_body(form)),
                 _expense_page(alliance, e, void_form=form),
                 lambda result: listed(alliance, ".expenses", _l("The expense was voided.")),
                 invalid=bad_request)


file_pages("/expenses/<int:expense_id>/receipt", Expense, "receipt", "receipt")


def _row_messages(exc):
    """A refused import's messages: the summary, then each wrong row's ("Row 3: ..."; the first 200)."""
    def row(d):
        n = re.match(r"row (\d+)", d.field or "")  # "row 3: amount": the row, never the field's code
        return _l("Row %(n)s: %(message)s", n=n.group(1), message=d.message) if n else d.message
    if exc.status == 404:
        abort(404)
    return flash_all(exc, [exc.message, *(row(d) for d in exc.details[:200])])


@bp.post("/expenses/import")
@loaded(load_alliance)
def import_expenses(alliance):
    """Bulk entry from XLSX: all rows or none; each wrong row is listed with its number."""
    return write(alliance, FlaskForm(), lambda: import_rows(alliance, request.files.get("file"), current_user),
                 lambda status=200: redirect(url_for(".expenses", alliance_id=alliance.id, _anchor="import-form"), 303),
                 lambda done: listed(alliance, ".expenses", _l("%(n)s expenses imported.", n=len(done))),
                 invalid=bad_request,
                 on_error=_row_messages)
