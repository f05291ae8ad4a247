"""The portfolio page and its XLSX export (officers, admins, auditors) and the public portal (no login)."""
from flask import Blueprint, Response, abort, make_response, render_template, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from ..audit import head as audit_head
from ..web.edge import after_response, commit_now
from ..web.pagination import Page
from ..workflows.alliance import STATES
from . import filters, portal as public, portfolio as pf, stored
from .catalog import GROUP_TITLES, indicator_title, indicator_unit
from .charts import bars
from .formats import Formats
from .xlsx import portfolio_xlsx
from ..grievances.models import CATEGORIES as grievance_categories  # the portal's grievance counts (issue 15)
from ..grievances.stats import public_counts
from ..workflows.grievance import STATES as grievance_states

bp = Blueprint("reports", __name__)

PORTAL_PER_PAGE = 20
CACHE_SECONDS = 300


def cacheable(resp):
    """Public and cacheable for five minutes, with an ETag of the body; 304 on a matching If-None-Match."""
    resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    resp.add_etag()
    return resp.make_conditional(request)


#: pages past this are computed on each request and not stored (the stored keys stay few)
STORED_PAGES = 50


def stored_response(kind, f, page_no, build):
    """The public answer ``kind`` for filters ``f`` and page ``page_no`` from ``stored_answers`` (one read
    on a hit, shared by every worker), or built by ``build() -> (bytes, content type)`` and stored; with
    its ETag, ``Cache-Control: public`` and 304 on a matching If-None-Match."""
    key = (f"{stored.PORTAL}{kind}:{get_locale()}:{page_no}:"
           + "&".join(f"{k}={v}" for k, v in sorted(f.as_dict().items()) if v))
    if page_no > STORED_PAGES or len(key) > 255:
        body, content_type = build()
        resp = make_response(body)
        resp.content_type = content_type
        return cacheable(resp)
    later = []  # an expired answer's rebuild, run after this response was sent (the lease is committed before)
    row = stored.answer(key, build, commit=commit_now, defer=later.append)
    resp = make_response(row.body)
    for work in later:
        after_response(resp, work)
    resp.content_type = row.content_type
    resp.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    resp.set_etag(row.etag)
    resp.last_modified = row.created_at
    return resp.make_conditional(request)


def _portfolio():
    if not pf.sees_portfolio(current_user):
        abort(403)
    f = filters.parse(request.args)
    group = filters.group_of(request.args)
    return pf.cached(current_user, f, group)


@bp.get("/portfolio")
@login_required
def portfolio():
    p = _portfolio()
    fmt = Formats()  # the figures in the reader's language, its symbols looked up once for the page
    # the states' and groupings' titles translated once for the page (the charts, tables and filters show them)
    states = {s: str(title) for s, title in STATES.items()}
    groups = {g: str(title) for g, title in GROUP_TITLES.items()}
    state_chart = bars([(states[s], p.by_state[s]) for s in states if p.by_state.get(s)],
                       title=_("Alliances by state"), fmt=fmt.number)
    duration_chart = bars([(states.get(d.state, d.state), d.median_days) for d in p.durations],
                          title=_("Median days in each state"), fmt=lambda v: fmt.number(v, 1))
    return render_template("reports/portfolio.html", p=p, opts=pf.options(current_user), state_chart=state_chart,
                           duration_chart=duration_chart, groups=groups, states=states, fmt=fmt,
                           indicator_title=indicator_title, indicator_unit=indicator_unit,
                           args={**p.filters.as_dict(), "group": p.group})


@bp.get("/portfolio.xlsx")
@login_required
def portfolio_export():
    p = _portfolio()
    return Response(portfolio_xlsx(p), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'})


def grievance_figures():
    return {"grievances": public_counts(), "grievance_categories": grievance_categories,
            "grievance_states": grievance_states}


def _page_no():
    try:
        value = int(request.args.get("page", 1))
    except ValueError:
        value = 1
    return value if 1 <= value <= 2**31 - 1 else 1


@bp.get("/portal")
def portal():
    f = filters.parse(request.args, allowed=public.FILTERS)
    page_no = _page_no()

    def build():
        items, total = public.page(f, page_no, PORTAL_PER_PAGE)
        html = render_template("reports/portal.html", items=items, total=total,
                               page=Page(items, page_no, PORTAL_PER_PAGE, total),
                               aggregates=public.aggregates(f), opts=public.options(), f=f, states=STATES,
                               indicator_title=indicator_title, indicator_unit=indicator_unit,
                               audit_head=audit_head(),  # the audit trail's head, for outsiders to keep (issue 13)
                               survival=public.survival(f),
                               **grievance_figures())  # grievance counts, no text (issue 15)
        return html.encode(), "text/html; charset=utf-8"

    return stored_response("html", f, page_no, build)
