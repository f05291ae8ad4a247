"""Financial analysis of the plan, exact: NPV, IRR, benefit/cost ratio and payback on ``Decimal``.

The incremental net benefit of year *t* is the net flow with the project (revenue − cost − investment)
minus the net flow without it (revenue − cost). Year 0 is not discounted.

- NPV at rate *r*: Σ nb_t / (1 + r)^t, rounded to cents at the end only.
- IRR: the rate where NPV is zero, found by bisection on ``Decimal`` until the bracket is narrower than
  0.00001 % (the brief asks for 0.01 % or better); none when the flows never change sign.
- Benefit/cost: present value of the incremental revenues over the present value of the incremental
  costs (costs and investment with the project minus costs without it); none when those costs are not
  positive.
- Payback: years until the cumulative (undiscounted) incremental net benefit reaches zero, interpolated
  within the year; none when it never does within the plan's years.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ..money import CENT, ZERO

PRECISION = 60
#: the bisection stops when the bracket is narrower than this (a rate of 0.0000001 = 0.00001 %)
IRR_TOLERANCE = Decimal("0.0000001")
RATE_PLACES = Decimal("0.000001")
#: rates searched for the IRR: from −99 % to 10,000 %
IRR_GRID = [Decimal(x) for x in ("-0.99", "-0.9", "-0.75", "-0.5", "-0.25", "-0.1", "0", "0.05", "0.1", "0.15",
                                 "0.2", "0.3", "0.5", "0.75", "1", "1.5", "2", "3", "5", "10", "20", "50", "100")]


def npv(rate, flows):
    """Net present value of ``flows`` (year 0 first) at ``rate``, unrounded."""
    rate = Decimal(rate)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        factor = Decimal(1) + rate
        total = Decimal(0)
        discount = Decimal(1)
        for flow in flows:
            total += Decimal(flow) / discount
            discount *= factor
        return +total


def sign_changes(flows):
    signs = [1 if f > 0 else -1 for f in flows if f != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def irr(flows):
    """``(rate, note)``: the internal rate of return to 6 places, or ``None`` with the reason
    (``"no_sign_change"``, ``"not_found"``). ``note`` is ``"several_possible"`` when the flows change sign
    more than once (another rate may also give NPV zero; the lowest non-negative one found is returned)."""
    flows = [Decimal(f) for f in flows]
    changes = sign_changes(flows)
    if changes == 0:
        return None, "no_sign_change"
    values = [(r, npv(r, flows)) for r in IRR_GRID]
    exact = [r for r, v in values if v == 0]
    brackets = [(a, b) for (a, va), (b, vb) in zip(values, values[1:]) if va != 0 and vb != 0 and (va > 0) != (vb > 0)]
    candidates = sorted(exact + [a for a, _b in brackets], key=lambda r: (r < 0, abs(r)))
    if not candidates:
        return None, "not_found"
    note = "several_possible" if changes > 1 else None
    first = candidates[0]
    if first in exact:
        return first.quantize(RATE_PLACES), note
    lo, hi = next((a, b) for a, b in brackets if a == first)
    f_lo = npv(lo, flows)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        while hi - lo > IRR_TOLERANCE:
            mid = (lo + hi) / 2
            f_mid = npv(mid, flows)
            if f_mid == 0:
                lo = hi = mid
                break
            if (f_mid > 0) == (f_lo > 0):
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        return ((lo + hi) / 2).quantize(RATE_PLACES, rounding=ROUND_HALF_UP), note


def payback(flows):
    """Years until the cumulative flow reaches zero (2 places), or ``None`` if it never does."""
    cumulative = Decimal(0)
    was_negative = False
    for year, flow in enumerate(flows):
        before = cumulative
        cumulative += Decimal(flow)
        if cumulative < 0:
            was_negative = True
            continue
        if not was_negative:
            return Decimal("0.00")
        if flow == 0:
            return Decimal(year).quantize(CENT)
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return (Decimal(year - 1) + (-before) / Decimal(flow)).quantize(CENT, rounding=ROUND_HALF_UP)
    return None if was_negative else Decimal("0.00")


@dataclass
class YearRow:
    year: int
    without_revenue: Decimal
    without_cost: Decimal
    with_revenue: Decimal
    with_cost: Decimal
    with_investment: Decimal

    @property
    def without_net(self):
        return self.without_revenue - self.without_cost

    @property
    def with_net(self):
        return self.with_revenue - self.with_cost - self.with_investment

    @property
    def incremental(self):
        return self.with_net - self.without_net

    @property
    def incremental_benefit(self):
        return self.with_revenue - self.without_revenue

    @property
    def incremental_cost(self):
        return self.with_cost + self.with_investment - self.without_cost


@dataclass
class Analysis:
    rate: Decimal
    rows: list = field(default_factory=list)
    npv: Decimal | None = None
    irr: Decimal | None = None
    irr_reason: str | None = None
    irr_note: str | None = None
    bc_ratio: Decimal | None = None
    payback: Decimal | None = None

    @property
    def flows(self):
        return [r.incremental for r in self.rows]

    @property
    def empty(self):
        return not self.rows

    def as_dict(self):
        s = lambda v: None if v is None else str(v)  # noqa: E731
        return {
            "discount_rate": s(self.rate),
            "years": [{"year": r.year, "without_revenue": s(r.without_revenue), "without_cost": s(r.without_cost),
                       "with_revenue": s(r.with_revenue), "with_cost": s(r.with_cost),
                       "with_investment": s(r.with_investment), "without_net": s(r.without_net),
                       "with_net": s(r.with_net), "incremental_net_benefit": s(r.incremental)} for r in self.rows],
            "npv": s(self.npv), "irr": s(self.irr), "irr_exists": self.irr is not None,
            "irr_reason": self.irr_reason, "irr_note": self.irr_note,
            "benefit_cost_ratio": s(self.bc_ratio), "payback_years": s(self.payback),
        }


def rows_from(years):
    """Consecutive ``YearRow`` from year 0 to the last year given; missing years count as zero."""
    by_year = {y.year: y for y in years}
    if not by_year:
        return []
    out = []
    for year in range(0, max(by_year) + 1):
        y = by_year.get(year)
        get = (lambda name: Decimal(getattr(y, name) or 0)) if y is not None else (lambda name: ZERO)
        out.append(YearRow(year, get("without_revenue"), get("without_cost"), get("with_revenue"), get("with_cost"),
                           get("with_investment")))
    return out


def analyse(years, rate):
    """The financial analysis of the cash-flow ``years`` (objects with ``year`` and the five amounts)."""
    rate = Decimal(rate)
    rows = rows_from(years)
    result = Analysis(rate=rate, rows=rows)
    if not rows:
        result.irr_reason = "no_cash_flow"
        return result
    flows = result.flows
    result.npv = npv(rate, flows).quantize(CENT, rounding=ROUND_HALF_UP)
    result.irr, reason = irr(flows)
    if result.irr is None:
        result.irr_reason = reason
    else:
        result.irr_note = reason
    costs = npv(rate, [r.incremental_cost for r in rows])
    if costs > 0:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            result.bc_ratio = (npv(rate, [r.incremental_benefit for r in rows]) / costs).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP)
    result.payback = payback(flows)
    return result
