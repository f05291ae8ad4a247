"""API: the portfolio (officers of their regions, admins, auditors) and the public portal (no token)."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from .. import audit
from ..api.core import ApiError, Out, api_user, dump, endpoint, page_args, require
from ..schemas.types import MoneyStr, RatioStr, UtcDateTime
from ..workflows.alliance import STATES
from . import filters, portal as public, portfolio as pf
from .catalog import GROUP_TITLES, indicator_title, indicator_unit
from .views import stored_response
from . import rollup  # noqa: F401,E402  (GET /associations/{id}/rollup)
from pydantic import Field  # the portal's grievance counts (issue 15)
from ..grievances.stats import public_counts
from ..workflows import rules

TAGS = ("reports",)

FILTER_QUERY = {
    "program": ("Program id", {"type": "integer", "minimum": 1}),
    "call": ("Call id", {"type": "integer", "minimum": 1}),
    "region": "Region (department) of the association",
    "product": "Product, exactly as written in the alliance",
    "state": ("Alliance state", {"type": "string", "enum": list(STATES)}),
    "year": ("Year of the call (when it opened)", {"type": "integer", "minimum": 1900, "maximum": 2999}),
}
PORTAL_QUERY = {k: FILTER_QUERY[k] for k in public.FILTERS} | {
    "page": ("Page, from 1", {"type": "integer", "minimum": 1}),
    "per_page": ("Alliances per page (at most 100)", {"type": "integer", "minimum": 1, "maximum": 100}),
}


class MoneyFiguresOut(Out):
    currency: str
    alliances: int
    funded: int
    committed: MoneyStr
    disbursed: MoneyStr
    justified: MoneyStr
    counterpart_planned: MoneyStr
    counterpart_contributed: MoneyStr
    disbursed_share: RatioStr
    justified_share: RatioStr


class BreakdownRowOut(MoneyFiguresOut):
    key: str
    label: str
    families: int
    women: int
    families_reached: int
    women_reached: int
    indicators_measured: int
    indicators_on_target: int
    on_target_share: RatioStr


class StateCountOut(Out):
    state: str
    title: str
    alliances: int


class DurationOut(Out):
    state: str
    title: str
    stays: int
    median_days: float
    mean_days: float


class PeopleOut(Out):
    families: int
    women: int
    women_share: RatioStr
    families_reached: int
    women_reached: int
    women_reached_share: RatioStr


class IndicatorResultOut(Out):
    code: str
    name: str
    unit: str
    standard: bool
    indicators: int
    baseline: MoneyStr | None = None
    target: MoneyStr | None = None
    actual: MoneyStr | None = None
    measured: int
    on_target: int
    on_target_share: RatioStr


class SurvivalOut(Out):
    """The business after the closing, year ``year``: closed alliances due for that year's follow-up, the
    follow-ups recorded, those still selling, and ``share`` = still selling / due."""
    year: int
    due: int
    recorded: int
    still_selling: int
    share: RatioStr


def _survival(rows):
    return [{"year": s.year, "due": s.due, "recorded": s.recorded, "still_selling": s.still_selling,
             "share": s.share} for s in rows]


class ResultsOut(Out):
    indicators: int
    measured: int
    on_target: int
    on_target_share: RatioStr
    by_indicator: list[IndicatorResultOut]
    #: survival of the business at +1, +2, +3 years after the closing
    survival: list[SurvivalOut] = []


class PortfolioOut(Out):
    filters: dict
    group: str
    alliances: int
    by_state: list[StateCountOut]
    durations: list[DurationOut]
    totals: list[MoneyFiguresOut]
    people: PeopleOut
    results: ResultsOut
    breakdown: list[BreakdownRowOut]


def _money(r):
    return {k: getattr(r, k) for k in ("currency", "alliances", "funded", *pf.MONEY, "disbursed_share",
                                       "justified_share")}


def portfolio_dict(p):
    return {
        "filters": p.filters.as_dict(), "group": p.group, "alliances": p.alliances,
        "by_state": [{"state": s, "title": str(t), "alliances": p.by_state[s]} for s, t in STATES.items()
                     if p.by_state.get(s)],
        "durations": [{"state": d.state, "title": str(STATES.get(d.state, d.state)), "stays": d.stays,
                       "median_days": d.median_days, "mean_days": d.mean_days} for d in p.durations],
        "totals": [_money(t) for t in p.totals.values()],
        "people": p.people,
        "results": {**p.indicator_totals, "by_indicator": [
            {"code": i.code, "name": str(indicator_title(i.code, i.standard)),
             "unit": str(indicator_unit(i.code, i.standard)), "standard": i.standard, "indicators": i.indicators,
             "baseline": i.baseline, "target": i.target, "actual": i.actual, "measured": i.measured,
             "on_target": i.on_target, "on_target_share": i.on_target_share} for i in p.indicators],
            "survival": _survival(p.survival)},
        "breakdown": [{**_money(r), "key": str(r.key), "label": r.label, "families": r.families, "women": r.women,
                       "families_reached": r.families_reached, "women_reached": r.women_reached,
                       "indicators_measured": r.indicators_measured, "indicators_on_target": r.indicators_on_target,
                       "on_target_share": r.on_target_share} for r in p.rows],
    }


def _parse(allowed=tuple(FILTER_QUERY)):
    try:
        return filters.parse(request.args, strict=True, allowed=allowed)
    except filters.BadFilter as exc:
        raise ApiError(400, rules.BAD_REQUEST, _l("Unknown value for %(name)s: %(value)s", name=exc.name,
                                              value=str(exc.value)[:60])) from None


@endpoint("/portfolio", summary="The portfolio: alliances by state, time in each state, money, people and results",
          response=PortfolioOut, tags=TAGS, name="portfolio",
          query={**FILTER_QUERY,
                 "group": ("Grouping of the breakdown", {"type": "string", "enum": list(GROUP_TITLES)})})
def portfolio_api():
    """Officers see the alliances of their regions; admins and auditors every alliance; others get 403.
    Money is committed (grant of funded alliances' budgets), disbursed (disbursed tranches), justified
    (grant expenses in approved accountability reports), counterpart planned and contributed; totals per
    currency, the breakdown per group and currency."""
    user = api_user()
    require(pf.sees_portfolio(user), _l("The portfolio is for program officers, administrators and auditors."))
    f = _parse()
    try:
        group = filters.group_of(request.args, strict=True)
    except filters.BadFilter as exc:
        raise ApiError(400, rules.BAD_REQUEST, _l("Unknown value for %(name)s: %(value)s", name=exc.name,
                                              value=str(exc.value)[:60])) from None
    return dump(PortfolioOut, portfolio_dict(pf.cached(user, f, group)))


class PortalAmountsOut(Out):
    grant: MoneyStr
    counterpart_cash: MoneyStr
    counterpart_in_kind: MoneyStr
    other: MoneyStr
    total: MoneyStr


class PortalResultOut(Out):
    code: str
    name: str
    unit: str
    baseline: MoneyStr | None = None
    target: MoneyStr | None = None
    actual: MoneyStr | None = None


class PortalAllianceOut(Out):
    id: int
    code: str
    association: str
    product: str
    municipality: str
    region: str
    state: str
    state_title: str
    currency: str
    year: int
    families: int
    amounts: PortalAmountsOut
    disbursed: MoneyStr
    results: list[PortalResultOut]


class PortalAggregateOut(Out):
    key: str
    currency: str
    alliances: int
    families: int
    women: int
    grant: MoneyStr
    counterpart: MoneyStr
    other: MoneyStr
    disbursed: MoneyStr


class PortalAggregatesOut(Out):
    by_region: list[PortalAggregateOut]
    by_year: list[PortalAggregateOut]
    #: survival of the business at +1, +2, +3 years after the closing
    survival: list[SurvivalOut] = []


class AuditHeadOut(Out):
    """The latest hash of the audit trail and the time of its event: keep it; ``flask grants verify-audit
    --head HASH`` later proves that nothing written before it was rewritten."""
    hash: str
    at: UtcDateTime


class PortalOut(Out):
    items: list[PortalAllianceOut]
    page: int
    per_page: int
    total: int
    filters: dict
    aggregates: PortalAggregatesOut
    audit_head: AuditHeadOut | None = None
    grievances: dict | None = Field(None, description="grievance counts by category, state and region and "
                                    "median_days_to_resolve; no text (issue 15)")


def item_dict(i):
    return {"id": i.id, "code": i.code, "association": i.association, "product": i.product,
            "municipality": i.municipality, "region": i.region, "state": i.state,
            "state_title": str(STATES.get(i.state, i.state)), "currency": i.currency, "year": i.year,
            "families": i.families, "amounts": {**i.amounts, "total": i.total}, "disbursed": i.disbursed,
            "results": [{"code": r.code, "name": str(indicator_title(r.code)), "unit": str(indicator_unit(r.code)),
                         "baseline": r.baseline, "target": r.target, "actual": r.actual} for r in i.results]}


def _aggregate(a):
    return {"key": str(a.key), "currency": a.currency, "alliances": a.alliances, "families": a.families,
            "women": a.women, "grant": a.grant, "counterpart": a.counterpart, "other": a.other,
            "disbursed": a.disbursed}


@endpoint("/portal", summary="The public transparency data: funded alliances and aggregates (no personal data)",
          response=PortalOut, auth=False, tags=TAGS, name="portal", query=PORTAL_QUERY)
def portal_api():
    """No token needed. Funded alliances (agreement signed and later) with their association, product,
    place, budget by source, grant disbursed, state and standard indicators; aggregates by region and
    year; ``audit_head``, the audit trail's latest hash with its time, for outsiders to keep (``flask grants
    verify-audit --head HASH`` proves it is still in the chain). Cacheable: ``Cache-Control: public, max-age=300`` and an ``ETag`` (304 on ``If-None-Match``)."""
    f = _parse(public.FILTERS)
    page, per_page = page_args()

    def build():
        items, total = public.page(f, page, per_page)
        aggs = public.aggregates(f)
        body = dump(PortalOut, {"items": [item_dict(i) for i in items], "page": page, "per_page": per_page,
                                "total": total, "filters": f.as_dict(),
                                "aggregates": {"by_region": [_aggregate(a) for a in aggs["region"]],
                                               "by_year": [_aggregate(a) for a in aggs["year"]],
                                               "survival": _survival(public.survival(f))},
                                "audit_head": _audit_head(), "grievances": public_counts()})
        return jsonify(body).get_data(), "application/json"

    return stored_response(f"api:{per_page}", f, page, build)


def _audit_head():
    latest = audit.head()
    return {"hash": latest[0], "at": latest[1]} if latest else None
