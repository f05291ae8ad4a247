"""The alerts page (/monitoring/alerts): officers (their regions), admins and auditors; filter by code and
region, a page at a time, each alert linking to its alliance."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..alliances import alerts
from ..web.forms import loaded, options
from ..web.pagination import Page
from .alerting import ALERT_TITLES, alerts_page as stored_page, regions_of
from .forms import AlertFilterForm
from .permissions import can_see_alerts
from .views import bp

PER_PAGE = 50


@bp.get("/monitoring/alerts")
@loaded(None, allowed=can_see_alerts)
def alerts_page():
    codes = alerts.codes()
    code = request.args.get("code") or None
    code = code if code in codes else None
    regions = regions_of(current_user)
    region = (request.args.get("region") or "").strip()[:120] or None
    if region and region not in regions:
        regions.append(region)  # shown as chosen; no alliance there, so no alert
    form = AlertFilterForm(request.args)
    form.code.choices = options([("", _l("Every alert"))] + [(c, ALERT_TITLES.get(c, c)) for c in codes])
    form.region.choices = options([("", _l("Every region"))] + [(r, r) for r in regions])
    try:
        number = min(max(1, int(request.args.get("page", 1))), 10 ** 6)
    except ValueError:
        number = 1
    found, total, alliances = stored_page(current_user, code=code, region=region, page=number, per_page=PER_PAGE)
    page = Page(found, number, PER_PAGE, total)
    return render_template("monitoring/alerts.html", page=page, alliances=alliances, form=form,
                           titles=ALERT_TITLES)

