"""Helpers shared by the pages' forms."""
from flask import flash
from flask_babel import lazy_gettext as _l


def show_errors(form, exc):
    """Attach a ``DomainError``'s details to the form's fields (others are flashed); the form keeps
    what was typed."""
    for d in getattr(exc, "details", []) or []:
        field = getattr(d, "field", None) or (d.get("field") if isinstance(d, dict) else None)
        message = str(getattr(d, "message", None) or (d.get("message") if isinstance(d, dict) else ""))
        base = (field or "").split(".")[0]
        target = getattr(form, base, None) if base else None
        if target is not None and hasattr(target, "errors"):
            errors = list(target.errors) if not isinstance(target.errors, dict) else []
            errors.append(message)
            target.errors = errors
        else:
            flash(message, "error")
    flash(str(exc.message or _l("Some fields need attention.")), "error")


def violations_list(exc):
    return [(getattr(d, "rule", None), str(getattr(d, "message", ""))) for d in getattr(exc, "details", []) or []]


def options(pairs):
    """``[(value, label), ...]`` as WTForms ``SelectChoice`` objects (tuples are deprecated)."""
    from wtforms import SelectChoice

    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value):
    """The label of ``value`` among a select field's choices (or the value itself)."""
    for c in field.choices or []:
        if c.value == value:
            return c.label
    return value
