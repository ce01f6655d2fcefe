"""The legacy formula on hand-computed cases."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from legacy_fastapi.decimals import canonical
from legacy_fastapi.formula import calculate, fund_factor, perf_multiplier, to_wire


def row(employee_id="E1", base="100000", pct="0.1", score="0.85", fund="0.05", revenue="2000000"):
    return {
        "employee_id": employee_id,
        "base_salary": base,
        "target_pct": pct,
        "performance_score": score,
        "fund_return": fund,
        "revenue": revenue,
    }


def one(**kw):
    return to_wire(calculate([row(**kw)])[0])


def test_a_plain_employee_by_hand():
    # target 100000*0.1 = 10000; raw 10000 * 1.2 * 1.03 * 1.0 = 12360
    assert one() == {
        "employee_id": "E1",
        "perf_multiplier": "1.2",
        "fund_factor": "1.03",
        "band_multiplier": "1",
        "target": "10000",
        "raw": "12360",
        "capped": "12360",
        "bonus": "12360",
    }


@pytest.mark.parametrize(
    "score,expected",
    [("1", "1.5"), ("0.9", "1.5"), ("0.8999", "1.2"), ("0.8", "1.2"), ("0.7999", "1"), ("0.6", "1"),
     ("0.5999", "0.5"), ("0.4", "0.5"), ("0.3999", "0"), ("0", "0"), ("-1", "0")],
)
def test_perf_multiplier_steps_are_inclusive_at_each_edge(score, expected):
    assert canonical(perf_multiplier(Decimal(score))) == expected


@pytest.mark.parametrize(
    "fund,expected",
    [("0.0199", "0.8"), ("-0.15", "0.8"), ("0.02", "1"), ("0.3", "1.28"), ("0.52", "1.5"), ("0.5201", "1.5"),
     ("0.75", "1.5"), ("0.519", "1.499")],
)
def test_fund_factor_hurdle_and_cap(fund, expected):
    assert canonical(fund_factor(Decimal(fund))) == expected


@pytest.mark.parametrize(
    "revenue,expected",
    [("-5", "0.8"), ("0", "0.8"), ("999999.99", "0.8"), ("1000000", "1"), ("4999999.99", "1"),
     ("5000000", "1.2"), ("98765432109", "1.2")],
)
def test_band_edges_belong_to_the_upper_band(revenue, expected):
    assert one(revenue=revenue)["band_multiplier"] == expected


def test_custom_bands_are_sorted_and_used():
    bands = [{"min_revenue": "100", "multiplier": "2"}, {"min_revenue": "0", "multiplier": "0.5"}]
    [r] = calculate([row(revenue="100")], bands=bands)
    assert r["band_multiplier"] == Decimal("2")
    [r] = calculate([row(revenue="99.99")], bands=bands)
    assert r["band_multiplier"] == Decimal("0.5")


def test_raw_above_base_salary_is_capped():
    # target 90000; raw 90000 * 1.5 * 1.5 * 1.2 = 243000 -> capped at base 100000
    r = one(pct="0.9", score="0.95", fund="0.6", revenue="6000000")
    assert (r["target"], r["raw"], r["capped"], r["bonus"]) == ("90000", "243000", "100000", "100000")


def test_zero_target_gives_zero_not_minus_zero():
    r = one(pct="0")
    assert (r["target"], r["raw"], r["capped"], r["bonus"]) == ("0", "0", "0", "0")


@pytest.mark.parametrize(
    "base,capped,bonus",
    [("1.25", "0.125", "0.12"), ("1.35", "0.135", "0.14"), ("1000.25", "100.025", "100.02"),
     ("1000.35", "100.035", "100.04"), ("1.15", "0.115", "0.12"), ("1.2501", "0.12501", "0.13")],
)
def test_bonus_rounds_half_even_to_cents(base, capped, bonus):
    r = one(base=base, pct="0.1", score="0.6", fund="0.02", revenue="1000000")
    assert (r["capped"], r["bonus"]) == (capped, bonus)


def test_every_step_is_rounded_to_28_significant_digits():
    # 0.3333333333333333333333333333 * 1.28 = 0.426666666666666666666666666624 exactly; 28 digits keep ...6666
    r = one(base="1", pct="0.3333333333333333333333333333", score="0.6", fund="0.3", revenue="1000000")
    assert r["raw"] == "0.4266666666666666666666666666"
    assert r["bonus"] == "0.43"


def test_callers_decimal_context_does_not_leak_in():
    with localcontext() as ctx:
        ctx.prec = 5
        r = one(base="1", pct="0.3333333333333333333333333333", score="0.6", fund="0.3", revenue="1000000")
    assert r["raw"] == "0.4266666666666666666666666666"


def test_very_large_salary_keeps_every_cent():
    r = one(base="987654321012.34", pct="0.15", score="0.85", fund="0.05", revenue="6000000")
    # 148148148151.851 * 1.2 = 177777777782.2212; * 1.03 = 183111111115.687836; * 1.2 = 219733333338.8254032
    assert r["target"] == "148148148151.851"
    assert r["raw"] == "219733333338.8254032"
    assert r["bonus"] == "219733333338.83"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        calculate([row(base=100000.0)])


def _pool(bonuses, pool):
    """Rows whose bonus is exactly the given amount: base=bonus, pct=1, perf 1, fund 1, band 1."""
    rows = [row(employee_id=e, base=b, pct="1", score="0.6", fund="0.02", revenue="1000000") for e, b in bonuses]
    return [(r["employee_id"], canonical(r["bonus"]), canonical(r["pool_bonus"])) for r in calculate(rows, pool_amount=pool)]


def test_pool_leftover_cents_go_to_largest_remainders():
    # 10*50/60.01 = 8.3319..(r .0019), 20*50/60.01 = 16.6638..(r .0038), 30.01*50/60.01 = 25.0041..(r .0041)
    # floors sum to 49.99; the one leftover cent goes to E3 (largest remainder)
    assert _pool([("E1", "10"), ("E2", "20"), ("E3", "30.01")], "50") == [
        ("E1", "10", "8.33"),
        ("E2", "20", "16.66"),
        ("E3", "30.01", "25.01"),
    ]


def test_pool_ties_go_by_employee_id_ascending_not_input_order():
    # 100*200/300 = 66.666.. three times; floors 199.98; two cents to the two smallest ids (a, b)
    assert _pool([("c", "100"), ("a", "100"), ("b", "100")], "200") == [
        ("c", "100", "66.66"),
        ("a", "100", "66.67"),
        ("b", "100", "66.67"),
    ]


def test_pool_not_exceeded_changes_nothing():
    assert _pool([("E1", "10"), ("E2", "20")], "30") == [("E1", "10", "10"), ("E2", "20", "20")]
    assert _pool([("E1", "10"), ("E2", "20")], "1000") == [("E1", "10", "10"), ("E2", "20", "20")]


def test_pool_of_zero_pays_nothing_and_sub_cent_pools_floor():
    assert [p for _, _, p in _pool([("E1", "10"), ("E2", "20")], "0")] == ["0", "0"]
    # 20.009 distributes 20.00: 6.6696.. -> 6.66 (r .0096), 13.3393.. -> 13.33 (r .0093); one cent to E1
    assert _pool([("E1", "10"), ("E2", "20")], "20.009") == [("E1", "10", "6.67"), ("E2", "20", "13.33")]


def test_pool_totals_always_sum_to_the_cent():
    rows = [row(employee_id=f"E{i:03d}", base=str(50000 + i * 7919 % 100000) + ".37") for i in range(300)]
    results = calculate(rows, pool_amount="123456.78")
    assert sum(r["pool_bonus"] for r in results) == Decimal("123456.78")
    assert all(r["pool_bonus"] <= r["bonus"] for r in results)
