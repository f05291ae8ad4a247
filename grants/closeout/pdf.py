"""The closeout report (reportlab; built-in Helvetica renders Spanish): the alliance and the association, the
dates, the financial closeout, the indicators (baseline, target, actual) with a chart, the empowerment and
capacity indexes before and after with a chart, the final report's narrative and the officer's evaluation."""
import textwrap
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from .. import audit
from ..documents import BODY, H1, H2, SMALL, WIDTH, build, facts, p, table
from ..alliances.catalog import GROUPS
from ..web.i18n import date as fmt_date
from ..web.i18n import datetime as fmt_datetime
from ..web.i18n import money, number
from ..workflows import ALLIANCE
from . import services

COLOURS = (colors.HexColor("#9aa59d"), colors.HexColor("#2f6f4e"), colors.HexColor("#d08c2c"))


def _heights(series, reverse=False):
    """The bars' lengths: reportlab draws with floats. Only the drawing uses them; every amount the report
    prints is a Decimal formatted for the reader."""
    return [tuple(float(v or 0) for v in (reversed(s) if reverse else s)) for s in series]


def _finish(drawing, chart, series, names, legend_x, height, title, title_x):
    """What both charts share: the series' colours, the legend and the title."""
    for i, colour in enumerate(COLOURS[:len(series)]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = legend_x, height - 14 * mm
    legend.fontName, legend.fontSize = "Helvetica", 7
    legend.alignment = "right"
    legend.colorNamePairs = [(COLOURS[i], str(n)) for i, n in enumerate(names)]
    drawing.add(legend)
    if title:
        drawing.add(String(title_x, height - 6 * mm, str(title), fontName="Helvetica-Bold", fontSize=8))
    return drawing


def _bars(categories, series, names, value_max=None, title=""):
    """A grouped vertical bar chart: ``series`` is a list of lists of numbers (one per category)."""
    height = 62 * mm
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 16 * mm, WIDTH - 60 * mm, height - 26 * mm
    chart.data = _heights(series)
    chart.categoryAxis.categoryNames = [_wrapped(c, 18) for c in categories]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 20 if len(categories) > 5 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 5 else "n"
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
    chart.barSpacing = 1
    chart.groupSpacing = 6
    return _finish(drawing, chart, series, names, WIDTH - 42 * mm, height, title, 14 * mm)


def _wrapped(text, width=44, lines=2):
    """A chart label in words, on at most ``lines`` lines of ``width`` characters."""
    out = textwrap.wrap(str(text), width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:width - 1] + "…"
    return "\n".join(out)


def _hbars(categories, series, names, title=""):
    """A grouped horizontal bar chart with each category named in words at the left (its whole title, wrapped),
    ``series`` as in ``_bars``."""
    row = 4.2 * mm * max(1, len(series))
    height = row * len(categories) + 24 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 62 * mm, 10 * mm, WIDTH - 100 * mm, height - 20 * mm
    chart.data = _heights(series, reverse=True)
    chart.categoryAxis.categoryNames = [_wrapped(c) for c in reversed(categories)]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -2
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: number(v, 0)
    chart.barSpacing = 0.5
    chart.groupSpacing = 3
    return _finish(drawing, chart, series, names, WIDTH - 34 * mm, height, title, 0)


def _signed(value):
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number(value, 2)


def _pct_of(value, target):
    if value is None or not target:
        return 0
    return min(Decimal(value) / Decimal(target) * 100, Decimal(200))


def _indicator_section(alliance, rows):
    story = [p(_l("Indicators"), H2)]
    head = [p(h, SMALL) for h in (_l("Indicator"), _l("Unit"), _l("Baseline"), _l("Target"), _l("Actual"),
                                  _l("Women"), _l("Men"))]
    body = []
    for row in rows:
        ind = row["indicator"]
        body.append([p(ind.title, SMALL), p(ind.unit_title, SMALL),
                     number(ind.baseline, 2) if ind.baseline is not None else "—",
                     number(ind.target, 2) if ind.target is not None else "—",
                     number(row["actual"], 2) if row["actual"] is not None else "—",
                     row["women"] if ind.by_sex and row["women"] is not None else "—",
                     row["men"] if ind.by_sex and row["men"] is not None else "—"])
    if not body:
        story.append(p(_l("The alliance has no indicators.")))
        return story
    # numbers in their own cells: columns wide enough for "99.999.999,99" at 7.5 pt, never running together
    story.append(table([head] + body, (52 * mm, 24 * mm, 22 * mm, 22 * mm, 22 * mm, 16 * mm, 16 * mm),
                       numeric_from=2, font_size=7.5))
    charted = [r for r in rows if r["indicator"].target]
    if charted:
        story.append(_hbars([r["indicator"].title for r in charted],
                           [[_pct_of(r["indicator"].baseline, r["indicator"].target) for r in charted],
                            [100 for _r in charted],
                            [_pct_of(r["actual"], r["indicator"].target) for r in charted]],
                           [_l("Baseline"), _l("Target"), _l("Actual")],
                           title=_l("Baseline, target and actual, as a percentage of the target")))
    return story


def _assessment_section(pairs):
    story = [p(_l("Empowerment and capacity"), H2)]
    head = [p(h, SMALL) for h in (_l("Assessment"), _l("Group"), _l("Baseline"), _l("Closeout"), _l("Change of the index"))]
    body, cats, before, after = [], [], [], []
    for pair in pairs:
        for g in pair["groups"]:
            body.append([p(pair["title"], SMALL), p(GROUPS[g["group"]], SMALL),
                         number(g["baseline"], 2) if g["baseline"] is not None else "—",
                         number(g["closeout"], 2) if g["closeout"] is not None else "—",
                         _signed(g["change"])])
            cats.append(GROUPS[g["group"]])
            before.append(g["baseline"] or 0)
            after.append(g["closeout"] or 0)
    story.append(table([head] + body, (50 * mm, 40 * mm, 25 * mm, 25 * mm, 30 * mm), numeric_from=2, font_size=7.5))
    story.append(_bars(cats, [before, after], [_l("Baseline"), _l("Closeout")], value_max=4,
                       title=_l("Group indexes (0 to 4) before and after")))
    return story


def closeout_pdf(alliance):
    """The closeout report of ``alliance``."""
    assoc = alliance.association
    program = alliance.call.program
    figs = services.figures(alliance)
    cur = figs.currency
    report, evaluation = alliance.final_report, alliance.evaluation
    agreement = getattr(alliance, "agreement", None)
    story = [p(_l("Closeout report"), H1), p(f"{alliance.code} · {alliance.title}", BODY)]
    story.append(facts([
        (_l("Association"), f"{assoc.name} · {assoc.municipality}, {assoc.region}"),
        (_l("Program"), f"{program.name} ({program.code})"),
        (_l("Product"), alliance.product or "—"),
        (_l("Buyer"), alliance.buyer.name if alliance.buyer else "—"),
        (_l("Families"), alliance.families),
        (_l("Agreement signed"), fmt_datetime(agreement.signed_at) if agreement and agreement.signed_at else "—"),
        (_l("Final report submitted"), fmt_datetime(report.submitted_at) if report and report.submitted_at else "—"),
        (_l("State"), f"{ALLIANCE.title(alliance.state)} · {fmt_datetime(alliance.state_changed_at)}"),
    ]))
    story.append(p(_l("Financial closeout"), H2))
    rows = [[p(_l("Item"), SMALL), p(_l("Amount (%(cur)s)", cur=cur), SMALL)]]
    for label, value in ((_l("Grant approved"), figs.grant_approved), (_l("Grant received"), figs.received),
                         (_l("Grant spent"), figs.spent), (_l("Justified by approved expenses"), figs.justified),
                         (_l("Unspent (received − spent)"), figs.unspent),
                         (_l("Refunded to the program"), figs.refunded),
                         (_l("Moved to the revolving fund"), figs.moved_to_fund),
                         (_l("Counterpart planned"), figs.counterpart_planned),
                         (_l("Counterpart contributed"), figs.counterpart_contributed),
                         (_l("Still to settle"), figs.to_settle)):
        rows.append([p(label, SMALL), money(value)])
    story.append(table(rows, (110 * mm, 50 * mm), numeric_from=1, total=True, font_size=8.5))
    if alliance.refunds:
        rows = [[p(h, SMALL) for h in (_l("Date"), _l("Amount"), _l("Bank reference"))]]
        rows += [[fmt_date(r.refunded_on), money(r.amount), p(r.reference, SMALL)] for r in alliance.refunds]
        story.append(table(rows, (35 * mm, 40 * mm, 85 * mm)))
    story += _indicator_section(alliance, services.actuals_table(alliance))
    story += _assessment_section(services.assessment_pairs(alliance))
    story.append(p(_l("Final report"), H2))
    if report:
        story += [p(_l("Results achieved"), SMALL), p(report.narrative or "—"),
                  p(_l("Lessons learned"), SMALL), p(report.lessons or "—"),
                  facts([(_l("Volume sold to the buyer"),
                          f"{number(report.sales_volume, 2) if report.sales_volume is not None else '—'} "
                          f"{report.sales_unit or ''}"),
                         (_l("Value of the sales to the buyer"),
                          money(report.sales_value, cur) if report.sales_value is not None else "—")])]
    else:
        story.append(p("—"))
    story.append(p(_l("The officer's evaluation"), H2))
    if evaluation:
        story += [facts([(_l("Rating"), evaluation.rating_title),
                         (_l("Officer"), evaluation.officer.name if evaluation.officer else "—")]),
                  p(_l("Findings"), SMALL), p(evaluation.findings or "—"),
                  p(_l("Recommendations"), SMALL), p(evaluation.recommendations or "—")]
    else:
        story.append(p(_l("The officer has not evaluated the alliance yet.")))
    latest = audit.head()  # published here so that whoever keeps the report can later check the trail
    if latest:
        story.append(p(_l("Audit trail"), H2))
        story.append(p(_l("Latest seal of the audit trail when this report was printed (%(when)s):",
                          when=fmt_datetime(latest[1])), SMALL))
        story.append(p(latest[0], SMALL))
    return build(story, f"{alliance.code} · {_l('Closeout report')}", kind="closeout", alliance=alliance)
