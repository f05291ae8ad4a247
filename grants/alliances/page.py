"""The figures the alliance page reads of each stage in its first statement.

A stage registers a *figure*: ``fn() -> scalar SQL expression`` correlated on ``Alliance.id`` (a count, a sum
over its own table). The alliance page (``views.detail``) selects every registered figure as a column of the
statement that loads the alliance, instead of one statement per card; the stage's card then reads it with
``page.value(alliance, name, compute)``, which answers ``compute()`` anywhere else (another page, a request
that writes, the CLI, a test). Nothing here writes::

    from grants.alliances import page

    @page.figure("refunded")
    def refunded_column():
        return sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0)).where(
            Refund.alliance_id == Alliance.id).scalar_subquery()

    def refunded(alliance):
        return page.value(alliance, "refunded", lambda: <the same sum, in its own statement>)
"""
from datetime import date

from flask import has_request_context, request

_FIGURES = {}
#: ``(day, [labelled columns])``: the columns built once a day (a figure may compare with today's date), not on
#: every page view (building some twenty correlated subqueries cost more than running them)
_BUILT = [None, None]


def figure(name):
    """Register ``fn() -> scalar SQL expression`` (correlated on ``Alliance.id``) as the page figure ``name``
    (a plain identifier: it is the column's label)."""
    if not name.isidentifier():
        raise ValueError(f"a page figure's name is an identifier: {name!r}")

    def deco(fn):
        _FIGURES[name] = fn
        _BUILT[:] = [None, None]
        return fn

    return deco


def names():
    """The registered figures' names, sorted (the order of ``columns()``)."""
    return sorted(_FIGURES)


def columns():
    """Every registered figure as a labelled column, in the order of ``names()`` (built once a day: SQL
    expressions are immutable, so the same ones serve every request and thread)."""
    today = date.today()
    day, built = _BUILT
    if day != today or built is None:
        built = [_FIGURES[name]().label(name) for name in names()]
        _BUILT[:] = [today, built]
    return list(built)


def keep(alliance, values):
    """Hold ``values`` (in the order of ``names()``), read with ``alliance``, for this GET request (in its
    environ: ``g`` may outlive one request where an app context is already pushed, as in the tests)."""
    if has_request_context() and request.method in ("GET", "HEAD"):
        request.environ.setdefault("grants.page_figures", {})[alliance.id] = dict(zip(names(), values))


def held(alliance):
    """``{name: value}`` of every figure the page's first statement read with ``alliance`` (an alliance or its
    id) in this GET request, or None."""
    if has_request_context() and request.method in ("GET", "HEAD"):
        return request.environ.get("grants.page_figures", {}).get(getattr(alliance, "id", alliance))
    return None


def value(alliance, name, compute):
    """The figure ``name`` of ``alliance`` as the page's first statement read it, else ``compute()``. Only a
    GET request holds figures: nothing it reads changes while the page is drawn."""
    figures = held(alliance)
    if figures is not None and name in figures:
        return figures[name]
    return compute()
