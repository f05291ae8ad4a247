"""Helpers shared by the pages' forms."""
import functools

import sqlalchemy as sa
from flask import Response, abort, flash, redirect
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import StopValidation

from .. import uploads
from ..errors import DomainError
from ..extensions import db
from ..money import AmountError, amount_input, parse_amount_input


def show_errors(form, exc):
    """Attach a ``DomainError``'s details to the form's fields (others are flashed); the form keeps
    what was typed. Each message is shown once: at its field when it has one, otherwise flashed; the
    error's own message is flashed only when it says something the details do not."""
    attached, shown = False, set()
    for d in getattr(exc, "details", []) or []:
        field = getattr(d, "field", None) or (d.get("field") if isinstance(d, dict) else None)
        message = str(getattr(d, "message", None) or (d.get("message") if isinstance(d, dict) else ""))
        base = (field or "").split(".")[0]
        target = getattr(form, base, None) if base else None
        if target is not None and hasattr(target, "errors"):
            errors = list(target.errors) if not isinstance(target.errors, dict) else []
            if getattr(target, "amount_error", None) is not None:
                message = str(target.amount_error)  # how to write the amount, rather than "not valid"
            if message not in errors:
                errors.append(message)
            target.errors = errors
            attached = True
        elif message not in shown:
            flash(message, "error")
        shown.add(message)
    summary = str(exc.message or "")
    if not summary or summary in shown:
        summary = str(_l("Some fields need attention.")) if attached else ""
    if summary and summary not in shown:
        flash(summary, "error")
    exc.shown = True  # the views' own flash of the details (flash_violations) then adds nothing


def flash_violations(exc, with_summary=True):
    """Flash a refusal's messages, each once and without its code (the code stays in the API); nothing
    when ``show_errors`` already showed them."""
    if getattr(exc, "shown", False):
        return
    seen = set()
    details = [str(getattr(d, "message", "") or "") for d in getattr(exc, "details", []) or []]
    summary = str(exc.message or "")
    if with_summary and summary and summary not in details:
        flash(summary, "error")
        seen.add(summary)
    for message in details:
        if message and message not in seen:
            flash(message, "error")
            seen.add(message)
    exc.shown = True


def violations_list(exc):
    return [(getattr(d, "rule", None), str(getattr(d, "message", ""))) for d in getattr(exc, "details", []) or []]


def options(pairs):
    """``[(value, label), ...]`` as WTForms ``SelectChoice`` objects (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value):
    """The label of ``value`` among a select field's choices (or the value itself)."""
    for c in field.choices or []:
        if c.value == value:
            return c.label
    return value


# Amounts typed in forms


#: appended to an entry that could not be read, so that it never passes for a number
UNREADABLE = " (?)"


def _lang():
    return str(get_locale() or "es")


class MoneyField(StringField):
    """An amount typed as people write it in the page's language ("1.250,50" in Spanish, "1,250.50" in
    English; see ``grants.money.parse_amount_input``). ``data`` is the exact amount as the services read
    it ("1250.50"; "" when empty). An entry that cannot be read stays as typed in ``data`` (the service
    then refuses it with every other problem of the form) and ``amount_error`` says how to write it:
    ``show_errors`` shows that message, once, at the field; ``ReadableAmount`` refuses it in the form."""

    amount_error = None

    def process_formdata(self, valuelist):
        self.amount_error = None
        if not valuelist:
            return
        raw = valuelist[0] or ""
        try:
            value = parse_amount_input(raw, _lang())
        except AmountError as exc:
            # what was typed, marked so that no service reads it as a number ("1.250" would be 1.25 to
            # Decimal): the service refuses it and show_errors puts amount_error at the field
            self.data, self.amount_error = raw + UNREADABLE, exc.message
            return
        self.data = "" if value is None else str(value)

    def pre_validate(self, form):
        if self.amount_error is not None:
            if any(isinstance(v, ReadableAmount) for v in self.validators):
                raise StopValidation(str(self.amount_error))
            raise StopValidation()  # no other check of the text: the service refuses it with the rest

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return amount_input(self.data, _lang())


class ReadableAmount:
    """Validator of a ``MoneyField``: the amount could be read (else the message says how to write it) and
    is not negative."""

    def __call__(self, form, field):
        if getattr(field, "amount_error", None) is not None:
            raise StopValidation(str(field.amount_error))
        if str(field.data or "").startswith("-"):
            raise StopValidation(str(_l("Enter an amount of zero or more.")))


# The page edge of one write, written once (issue 14; Indico's RH: load, check access, process)


def form_action(form, call, page, done, *, allowed=True, invalid=None, invalid_status=400, on_error=None,
                validate=True):
    """One page write, the same everywhere: 403 unless ``allowed``; the form validated, else ``invalid()`` or
    the page again, ``page(invalid_status)``; the service called once (``call()``); its result answered by
    ``done(result)`` (a redirect: ``grants.web.edge`` then commits). A ``DomainError`` rolls the transaction
    back, calls ``on_error(exc)`` if given (it may abort, or return the error to show instead, its details moved to
    other fields), puts each message at its field (``show_errors``) and answers the
    page again with the error's status, ``page(exc.status)``, the form keeping what was typed.
    ``validate=False``: the view validated the form itself.

    The view loads its objects first (``get_or_404``: another association's object is a 404), so that
    ``page`` and ``done`` are closures over them; after the rollback they reload on first use."""
    if not allowed:
        abort(403)
    if validate and not form.validate_on_submit():
        return invalid() if invalid is not None else page(invalid_status)
    try:
        result = call()
    except DomainError as exc:
        db.session.rollback()
        shown = on_error(exc) if on_error is not None else None
        show_errors(form, shown or exc)
        return page(exc.status)
    return done(result)


def success(message, url, code=302):
    """Flash ``message`` as a success and redirect to ``url`` (the answer of a page write that worked)."""
    flash(message, "success")
    return redirect(url, code)


def button_action(call, url, message):
    """A write from a button, with no field to show an error at: the service called once (``call()``); a
    ``DomainError`` rolled back and its messages flashed; either way back to ``url`` (``message(result)``, or
    ``message`` itself, flashed as the success)."""
    try:
        result = call()
    except DomainError as exc:
        db.session.rollback()
        flash_violations(exc)
        return redirect(url)
    flash(message(result) if callable(message) else message, "success")
    return redirect(url)


# The other repeated parts of a page view, written once (issue 14)


def loaded(load, *names, allowed=None, refused=403):
    """A page view's start: the user signed in (``login_required``), then ``load`` called with the URL's arguments
    ``names`` (by default all of them, in the URL's order) -- its 404 or 403 -- and the view called with what it
    returned (a tuple: each part in turn) in place of those arguments; the URL's other arguments are kept.
    ``allowed(user, *loaded)``: else ``refused`` (403). ``load`` None: nothing is loaded (only the check)."""
    def decorate(view):
        @functools.wraps(view)
        def page(**args):
            found = load(*(args.pop(name) for name in (names or tuple(args)))) if load is not None else ()
            found = found if isinstance(found, tuple) else (found,)
            if allowed is not None and not allowed(current_user, *found):
                abort(refused)
            return view(*found, **args)
        return login_required(page)
    return decorate


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body, filename, mimetype=PDF, inline=True):
    """A built document (the bytes ``body``) answered as ``filename``: shown in the browser (``inline``) or saved."""
    disposition = "inline" if inline else "attachment"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def stored(obj, name, thumbnail=False, as_attachment=False):
    """The file ``name`` of ``obj`` (its columns ``<name>_sha256``, ``_content_type``, ``_filename``), or its
    thumbnail; 404 when there is none."""
    sha256, content_type = getattr(obj, f"{name}_sha256"), getattr(obj, f"{name}_content_type")
    if not sha256:
        abort(404)
    if thumbnail:
        return uploads.send_thumbnail(sha256, content_type)
    return uploads.send_stored(sha256, content_type, getattr(obj, f"{name}_filename"), as_attachment=as_attachment)


def like(text):
    """The ``LIKE`` pattern of rows containing ``text`` (lower case; ``%``, ``_`` and ``\\`` escaped by ``\\``)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching(query, text, *columns):
    """``query`` narrowed to the rows where one of ``columns`` contains ``text`` (case aside; its first 100
    characters, trimmed; all rows when empty)."""
    text = (text or "").strip()[:100]
    if not text:
        return query
    pattern = like(text)
    return query.where(sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns)))


class QueryForm(FlaskForm):
    """A form read from the URL (the filters of a list): no CSRF token."""

    class Meta:
        csrf = False
