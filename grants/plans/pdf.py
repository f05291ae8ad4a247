"""PDF documents of the plan stage (reportlab; built-in Helvetica renders Spanish): the whole plan, and the
committee's minutes (acta), drawn from the stored minutes so that they can be regenerated identically."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .. import documents
from ..alliances.budget import SOURCES
from ..documents import H1, H2, H3, SMALL, build, facts, p
from ..alliances.figures import financing, tranche_total
from ..web.i18n import date as fmt_date
from ..web.i18n import datetime as fmt_datetime
from ..web.i18n import money, number, percent
from ..workflows.alliance import STATES
from ..workflows.rules import message as rule_message
from .catalog import DECISIONS, ENVIRONMENTAL_CATEGORIES, GROUPS, KINDS, RECOMMENDATIONS, SECTIONS
from .services import analysis, assessment_of, ensure_plan, group_indexes

#: the width of the plan's landscape page less its margins
LANDSCAPE_WIDTH = 261 * mm


def _facts(pairs, width=174 * mm):
    """Label / value rows; the label column has the same width in every facts table of a document."""
    return facts(pairs, widths=(55 * mm, width - 55 * mm))


def table(rows, widths=None, total=False, numeric_from=None):
    return documents.table(rows, widths, numeric_from=numeric_from, total=total, font_size=7.5)


def _header(alliance, heading, width=LANDSCAPE_WIDTH, more=()):
    return [p(heading, H1), _facts([
        (_l("Alliance"), f"{alliance.code} · {alliance.title}"),
        (_l("Association"), f"{alliance.association.name} ({alliance.association.municipality}, "
                            f"{alliance.association.region})"),
        (_l("Buyer"), alliance.buyer.name if alliance.buyer else "—"),
        (_l("Call"), f"{alliance.call.title} ({alliance.call.program.code})"),
        (_l("Product"), alliance.product),
        (_l("Families"), alliance.families),
        *more,
    ], width)]


def _quantity(value):
    return number(value, 0 if value == value.to_integral_value() else 3)


def plan_pdf(alliance):
    """The whole plan: sections, budget, financing by source with shares and rules, cash flow and
    financial indicators, indicators, tranches and the baseline assessments."""
    plan = ensure_plan(alliance)
    cur = alliance.call.program.currency
    story = _header(alliance, _l("Alliance plan"), more=(
        (_l("State"), STATES.get(alliance.state, alliance.state)),
        (_l("Facilitator"), alliance.facilitator.name if alliance.facilitator else "—"),
        (_l("Submissions"), plan.round),
    ))
    for name, (title, _required) in SECTIONS.items():
        story += [p(title, H3), p(getattr(plan, name) or "—")]
    story += [p(_l("Environmental screening"), H3),
              p(ENVIRONMENTAL_CATEGORIES.get(plan.environmental_category, _l("Not classified yet")))]

    fin = financing(alliance)
    story.append(p(_l("Budget"), H2))
    rows = [[_l("#"), _l("Category"), _l("Description"), _l("Unit"), _l("Quantity"), _l("Unit cost"), _l("Total"),
             _l("Grant"), _l("Counterpart cash"), _l("Counterpart in kind"), _l("Other")]]
    rows = [[p(h, SMALL) for h in rows[0]]]

    def m(value):
        return money(value, cur)

    for i, line in enumerate(alliance.budget_lines, start=1):
        rows.append([i, p(line.category_title, SMALL), p(line.description, SMALL), p(line.unit, SMALL),
                     _quantity(line.quantity), m(line.unit_cost), m(line.total),
                     *[m(getattr(line, s)) for s in SOURCES]])
    rows.append(["", p(_l("Total"), SMALL), "", "", "", "", m(fin.total), *[m(fin.totals[s]) for s in SOURCES]])
    # money columns wide enough for "Bs 9.999.999,00" at 7.5 pt: no amount runs into its neighbour
    story.append(table(rows, widths=[8 * mm, 26 * mm, 46 * mm, 14 * mm, 17 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm,
                                     25 * mm, 25 * mm], total=True, numeric_from=4))

    story.append(p(_l("Financing plan by source"), H2))
    labels = {"grant": _l("Grant"), "counterpart_cash": _l("Counterpart cash"),
              "counterpart_in_kind": _l("Counterpart in kind"), "other": _l("Other sources")}
    rows = [[p(_l("Source"), SMALL), p(_l("Amount (%(cur)s)", cur=cur), SMALL), p(_l("Share"), SMALL)]]
    rows += [[p(labels[s], SMALL), money(fin.totals[s], cur), percent(fin.shares[s])] for s in SOURCES]
    rows.append([p(_l("Total"), SMALL), money(fin.total, cur), percent(1 if fin.total else 0)])
    story.append(table(rows, widths=[60 * mm, 40 * mm, 25 * mm], total=True, numeric_from=1))
    story.append(p(_l("The program's financing rules"), H3))
    story += [p(_rule_sentence(r, cur)) for r in fin.rules]

    result = analysis(alliance)
    story.append(p(_l("Cash flow without and with the project (%(cur)s)", cur=cur), H2))
    if result.empty:
        story.append(p(_l("No cash flow entered yet.")))
    else:
        rows = [[p(h, SMALL) for h in (_l("Year"), _l("Revenue without"), _l("Costs without"), _l("Net without"),
                                        _l("Revenue with"), _l("Costs with"), _l("Investment"), _l("Net with"),
                                        _l("Incremental net benefit"))]]
        for r in result.rows:
            rows.append([r.year, money(r.without_revenue), money(r.without_cost), money(r.without_net),
                         money(r.with_revenue), money(r.with_cost), money(r.with_investment), money(r.with_net),
                         money(r.incremental)])
        story.append(table(rows, widths=[13 * mm] + [31 * mm] * 8, numeric_from=1))
        story.append(Spacer(1, 2 * mm))
        story.append(_facts(_analysis_facts(result, cur), LANDSCAPE_WIDTH))

    story.append(p(_l("Indicators"), H2))
    rows = [[p(h, SMALL) for h in (_l("Indicator"), _l("Unit"), _l("Baseline"), _l("Target"))]]
    rows += [[p(i.title, SMALL), p(i.unit_title, SMALL),
              "" if i.baseline is None else number(i.baseline, 2), "" if i.target is None else number(i.target, 2)]
             for i in alliance.indicators]
    story.append(table(rows, widths=[110 * mm, 50 * mm, 35 * mm, 35 * mm], numeric_from=2))

    story.append(p(_l("Tranche schedule"), H2))
    rows = [[p(h, SMALL) for h in (_l("Number"), _l("Amount"), _l("Planned on"), _l("Conditions"))]]
    rows += [[t.number, money(t.amount, cur), fmt_date(t.planned_on), p(t.conditions, SMALL)]
             for t in alliance.tranches]
    rows.append([p(_l("Total"), SMALL), money(tranche_total(alliance), cur), "", ""])
    story.append(table(rows, widths=[18 * mm, 35 * mm, 28 * mm, 150 * mm], total=True))

    story.append(p(_l("Baseline assessment (mean score 0–4 per group)"), H2))
    for kind, title in KINDS.items():
        indexes = group_indexes(assessment_of(alliance, kind, "baseline"))
        text = ", ".join(f"{GROUPS[g]}: {number(v, 2)}" for g, v in indexes.items()) or _l("not scored yet")
        story.append(p(f"{title}: {text}"))
    return build(story, f"{alliance.code} · {_l('Alliance plan')}", pagesize=landscape(A4), kind="plan",
                 alliance=alliance)


def _rule_sentence(check, cur):
    """One financing rule as a sentence: met, not met (the rule's own message, or the catalogue's), or pending."""
    def shown(value):
        if value is None:
            return "—"
        return money(value, cur) if check.kind == "money" else percent(value)

    if check.state == "fail":
        return _l("Not met: %(message)s", message=check.message or rule_message(check.rule))
    if check.state == "pending":
        return _l("Pending: %(rule)s (the limit is %(limit)s).", rule=check.label, limit=shown(check.limit))
    if check.value is None:
        return _l("Met: %(rule)s.", rule=check.label)
    return _l("Met: %(rule)s, %(value)s (the limit is %(limit)s).", rule=check.label, value=shown(check.value),
              limit=shown(check.limit))


def _analysis_facts(result, cur):
    irr = (percent(result.irr) if result.irr is not None else
           _l("does not exist: the incremental flow never changes sign") if result.irr_reason == "no_sign_change"
           else _l("not found"))
    return [
        (_l("Discount rate"), percent(result.rate)),
        (_l("Net present value (NPV)"), money(result.npv, cur)),
        (_l("Internal rate of return (IRR)"), irr),
        (_l("Benefit/cost ratio"), "—" if result.bc_ratio is None else number(result.bc_ratio, 2)),
        (_l("Payback"), _l("not within the plan's years") if result.payback is None
         else _l("%(years)s years", years=number(result.payback, 2))),
    ]


def _score(value):
    """A stored score ("87.50") in the reader's format."""
    try:
        return number(Decimal(str(value)), 2)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def minutes_pdf(alliance, minutes):
    """The minutes of the committee's decision: members, their scores and recommendations, the decision."""
    data = minutes.data
    cur = data.get("financing", {}).get("currency", "")
    story = _header(alliance, _l("Committee minutes"), 174 * mm)
    fin = data.get("financing", {})
    story.append(_facts([
        (_l("Submission"), minutes.round),
        (_l("Date"), fmt_datetime(minutes.decided_at)),
        (_l("Total cost"), money(fin.get("total"), cur) if fin.get("total") else "—"),
        (_l("Grant"), money(fin.get("grant"), cur) if fin.get("grant") else "—"),
        (_l("Quorum"), data.get("quorum")),
        (_l("Reviews"), len(data.get("reviews", []))),
    ], 174 * mm))
    criteria = data.get("criteria", [])
    story.append(p(_l("Members and scores"), H2))
    head = [_l("Member")] + [f"{c['name']} (0–{c['max']}, {c['weight']} %)" for c in criteria] + [
        _l("Score /100"), _l("Recommendation")]
    rows = [[p(h, SMALL) for h in head]]
    for r in data.get("reviews", []):
        rows.append([p(r["member"], SMALL)] + [r["scores"].get(c["code"], "") for c in criteria] + [
            _score(r["total_score"]), p(RECOMMENDATIONS.get(r["recommendation"], r["recommendation"]), SMALL)])
    if data.get("average_score") is not None:
        rows.append([p(_l("Average"), SMALL)] + [""] * len(criteria) + [_score(data["average_score"]), ""])
    width = 174 * mm
    widths = [45 * mm] + [(width - 95 * mm) / max(1, len(criteria))] * len(criteria) + [22 * mm, 28 * mm]
    story.append(table(rows, widths=widths, total=data.get("average_score") is not None, numeric_from=1))
    comments = [(r["member"], r["comment"]) for r in data.get("reviews", []) if r.get("comment")]
    if comments:
        story.append(p(_l("Comments"), H2))
        story += [p(f"{who}: {text}") for who, text in comments]
    story.append(p(_l("Decision"), H2))
    story.append(p(DECISIONS.get(minutes.decision, minutes.decision), H3))
    if minutes.comment:
        story.append(p(minutes.comment))
    story.append(p(_l("Recorded by %(name)s.", name=data.get("decided_by") or "—"), SMALL))
    story.append(Spacer(1, 8 * mm))
    story.append(documents.signatures([r["member"] for r in data.get("reviews", [])]))
    return build(story, f"{alliance.code} · {_l('Committee minutes')} {minutes.round}", kind="committee-minutes",
                 alliance=alliance, reference=minutes.round)
