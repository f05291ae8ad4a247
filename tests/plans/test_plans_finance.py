"""The plan's financial math against cases computed by hand (grants/plans/finance.py)."""
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from grants.plans.finance import analyse, irr, npv, payback, sign_changes


def test_npv_of_a_simple_investment_by_hand():
    # -1000 + 500/1.1 + 500/1.21 + 500/1.331 = -1000 + 454.5454... + 413.2231... + 375.6574... = 243.4259...
    value = npv(D("0.10"), [D(-1000), D(500), D(500), D(500)])
    assert value.quantize(D("0.0001")) == D("243.4260")
    assert isinstance(value, D)


def test_npv_at_zero_rate_is_the_plain_sum():
    assert npv(D("0"), [D("-100.50"), D("40.25"), D("70.25")]) == D("10.00")


def test_irr_exact_when_the_rate_is_round():
    # -100 now, 110 in a year: exactly 10 %
    assert irr([D(-100), D(110)]) == (D("0.100000"), None)
    # -100 now, 121 in two years: also 10 %
    rate, note = irr([D(-100), D(0), D(121)])
    assert rate == D("0.100000") and note is None


def test_irr_of_two_equal_returns_matches_the_closed_form():
    # 60/(1+r) + 60/(1+r)^2 = 100  =>  r = (sqrt(69) - 7) / 10 = 0.13066238629...
    rate, _note = irr([D(-100), D(60), D(60)])
    exact = (D(69).sqrt() - 7) / 10
    assert abs(rate - exact) <= D("0.000001")  # far better than the 0.01 % asked for
    assert npv(rate, [D(-100), D(60), D(60)]).copy_abs() < D("0.0001")


def test_irr_of_the_classic_textbook_case():
    rate, _ = irr([D(-1000), D(500), D(500), D(500)])
    assert rate.quantize(D("0.0001")) == D("0.2338")  # 23.38 %, the textbook figure
    assert npv(rate, [D(-1000), D(500), D(500), D(500)]).copy_abs() < D("0.01")


@pytest.mark.parametrize("flows", [[D(100), D(50)], [D(-100), D(-50), D(0)], [D(0), D(0)]])
def test_no_irr_without_a_sign_change(flows):
    assert irr(flows) == (None, "no_sign_change")


def test_two_sign_changes_are_flagged():
    # -100, +230, -132 has two rates: 10 % and 20 %
    rate, note = irr([D(-100), D(230), D(-132)])
    assert note == "several_possible" and rate in (D("0.100000"), D("0.200000"))
    assert sign_changes([D(-100), D(230), D(-132)]) == 2


def test_payback_interpolates_within_the_year():
    assert payback([D(-1000), D(500), D(500), D(500)]) == D("2.00")
    assert payback([D(-1000), D(400), D(400), D(400)]) == D("2.50")
    assert payback([D(-100), D(10)]) is None
    assert payback([D(5), D(5)]) == D("0.00")


@dataclass
class Year:
    year: int
    without_revenue: D = D(0)
    without_cost: D = D(0)
    with_revenue: D = D(0)
    with_cost: D = D(0)
    with_investment: D = D(0)


def test_analysis_with_and_without_the_project():
    # without: 100 revenue, 60 cost (net 40); with: 300 revenue, 120 cost (net 180) -> +140 a year
    years = [Year(0, with_investment=D("350.00"))] + [
        Year(y, D("100.00"), D("60.00"), D("300.00"), D("120.00")) for y in (1, 2, 3)]
    result = analyse(years, D("0.12"))
    assert [r.incremental for r in result.rows] == [D("-350.00"), D("140.00"), D("140.00"), D("140.00")]
    # 140 × (1/1.12 + 1/1.2544 + 1/1.404928) = 140 × 2.401831... = 336.2564 -> NPV -13.74
    assert result.npv == D("-13.74")
    # benefit: 200 a year; costs: 350 now + 60 a year -> PV(B) = 480.3662, PV(C) = 350 + 144.1099 = 494.1099
    assert result.bc_ratio == D("0.9722")
    assert result.payback == D("2.50")
    assert result.irr is not None and result.irr < D("0.12")
    assert abs(npv(result.irr, result.flows)) < D("0.01")


def test_missing_years_count_as_zero_and_an_empty_flow_has_no_figures():
    result = analyse([Year(0, with_investment=D("100.00")), Year(2, with_revenue=D("121.00"))], D("0.10"))
    assert [r.year for r in result.rows] == [0, 1, 2]
    assert result.irr == D("0.100000") and result.npv == D("0.00")
    empty = analyse([], D("0.12"))
    assert empty.empty and empty.npv is None and empty.irr is None and empty.irr_reason == "no_cash_flow"


def test_a_flow_that_only_gains_has_no_irr_and_says_why():
    result = analyse([Year(1, with_revenue=D("50.00"))], D("0.12"))
    assert result.irr is None and result.irr_reason == "no_sign_change"
    assert result.as_dict()["irr_exists"] is False
    assert result.bc_ratio is None  # no incremental costs: the ratio is not defined
