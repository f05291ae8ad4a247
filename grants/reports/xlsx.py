"""The portfolio as a spreadsheet (openpyxl): one sheet per table of the page, the same numbers."""
from flask_babel import lazy_gettext as _l

from ..web.xlsx import sheet as _sheet
from ..web.xlsx import to_bytes, workbook
from ..workflows.alliance import STATES
from .catalog import GROUP_TITLES, indicator_title, indicator_unit


def _money_header():
    return [_l("Currency"), _l("Alliances"), _l("Funded"), _l("Committed"), _l("Disbursed"), _l("Justified"),
            _l("Counterpart planned"), _l("Counterpart contributed")]


def _money_cells(r):
    return [r.currency, r.alliances, r.funded, r.committed, r.disbursed, r.justified, r.counterpart_planned,
            r.counterpart_contributed]


def portfolio_xlsx(p):
    """``p``: a ``portfolio.Portfolio``. Sheets: totals, states, durations, breakdown, results."""
    wb = workbook()
    _sheet(wb, "totals", _money_header(), [_money_cells(t) for t in p.totals.values()], first=True)
    ws = wb["totals"]
    ws.append([])
    ws.append([str(_l("Families")), p.people["families"]])
    ws.append([str(_l("Women")), p.people["women"]])
    ws.append([str(_l("Families reached")), p.people["families_reached"]])
    ws.append([str(_l("Women reached")), p.people["women_reached"]])
    ws.append([str(_l("Indicators measured")), p.indicator_totals["measured"]])
    ws.append([str(_l("Indicators on target")), p.indicator_totals["on_target"]])
    _sheet(wb, "states", [_l("State"), _l("Title"), _l("Alliances")],
           [(s, str(title), p.by_state[s]) for s, title in STATES.items() if p.by_state.get(s)])
    _sheet(wb, "durations", [_l("State"), _l("Title"), _l("Stays"), _l("Median days"), _l("Mean days")],
           [(d.state, str(STATES.get(d.state, d.state)), d.stays, d.median_days, d.mean_days) for d in p.durations])
    _sheet(wb, "breakdown", [GROUP_TITLES[p.group], *_money_header(), _l("Families"), _l("Women"),
                             _l("Families reached"), _l("Women reached"), _l("Indicators measured"),
                             _l("Indicators on target")],
           [(r.label, *_money_cells(r), r.families, r.women, r.families_reached, r.women_reached,
             r.indicators_measured, r.indicators_on_target) for r in p.rows])
    _sheet(wb, "results", [_l("Code"), _l("Indicator"), _l("Unit"), _l("Indicators"), _l("Baseline (average)"),
                           _l("Target (average)"), _l("Latest actual (average)"), _l("Measured"), _l("On target")],
           [(i.code, str(indicator_title(i.code, i.standard)), str(indicator_unit(i.code, i.standard)), i.indicators,
             i.baseline, i.target, i.actual, i.measured, i.on_target) for i in p.indicators])
    return to_bytes(wb)
