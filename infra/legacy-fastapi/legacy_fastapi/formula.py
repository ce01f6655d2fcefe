"""The legacy bonus formula, hard-coded, pure (no I/O). Python ``decimal``, default context.

Per employee (every arithmetic step rounded to 28 significant digits, ROUND_HALF_EVEN):

    perf_multiplier  s >= 0.9 -> 1.5; s >= 0.8 -> 1.2; s >= 0.6 -> 1.0; s >= 0.4 -> 0.5; else 0
    fund_factor      r < 0.02 -> 0.8; else min(1 + (r - 0.02), 1.5)
    band_multiplier  multiplier of the last band whose min_revenue <= revenue (first band if below all)
    target           base_salary * target_pct
    raw              ((target * perf_multiplier) * fund_factor) * band_multiplier
    capped           min(raw, base_salary * 1.0)
    bonus            capped rounded half-even to 0.01

Pool (only when pool_amount P is given): if sum(bonus) > P, every employee gets
floor_to_cent(bonus * P / sum(bonus)); the cents left to reach floor_to_cent(P) go one each to the
largest fractional remainders (remainder = bonus * P / sum(bonus) - floored share), ties broken by
employee_id ascending (then input order). If sum(bonus) <= P, pool_bonus = bonus.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any, Iterable, Mapping, Optional, Sequence

from .decimals import canonical, parse_decimal

# The Python default context, pinned so a caller's thread-local context cannot change results.
LEGACY_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

DEFAULT_BANDS: list[dict[str, str]] = [
    {"min_revenue": "0", "multiplier": "0.8"},
    {"min_revenue": "1000000", "multiplier": "1.0"},
    {"min_revenue": "5000000", "multiplier": "1.2"},
]

INPUT_FIELDS = ("base_salary", "target_pct", "performance_score", "fund_return", "revenue")
RESULT_FIELDS = ("perf_multiplier", "fund_factor", "band_multiplier", "target", "raw", "capped", "bonus")

_CENT = Decimal("0.01")
_ONE = Decimal("1")
_HURDLE = Decimal("0.02")
_FUND_CAP = Decimal("1.5")
_FUND_FLOOR = Decimal("0.8")
_CAP_RATIO = Decimal("1.0")
_PERF_STEPS = (
    (Decimal("0.9"), Decimal("1.5")),
    (Decimal("0.8"), Decimal("1.2")),
    (Decimal("0.6"), Decimal("1.0")),
    (Decimal("0.4"), Decimal("0.5")),
)
_PERF_NONE = Decimal("0")


def perf_multiplier(score: Decimal) -> Decimal:
    """Step function of the performance score."""
    for threshold, multiplier in _PERF_STEPS:
        if score >= threshold:
            return multiplier
    return _PERF_NONE


def fund_factor(fund_return: Decimal) -> Decimal:
    """0.8 below the 2% hurdle, else 1 + excess return, capped at 1.5."""
    if fund_return < _HURDLE:
        return _FUND_FLOOR
    return min(_ONE + (fund_return - _HURDLE), _FUND_CAP)


class BandTable:
    """A parsed revenue band table: ascending min_revenue, first band starts at 0."""

    __slots__ = ("mins", "multipliers")

    def __init__(self, bands: Optional[Sequence[Mapping[str, Any]]] = None) -> None:
        rows = DEFAULT_BANDS if bands is None else bands
        pairs = sorted(
            (parse_decimal(b["min_revenue"]), parse_decimal(b["multiplier"])) for b in rows
        )
        if not pairs:
            raise ValueError("band table is empty")
        self.mins = [p[0] for p in pairs]
        self.multipliers = [p[1] for p in pairs]

    def multiplier(self, revenue: Decimal) -> Decimal:
        idx = bisect_right(self.mins, revenue) - 1
        return self.multipliers[max(idx, 0)]


def _employee(row: Mapping[str, Any], table: BandTable) -> dict[str, Any]:
    base = parse_decimal(row["base_salary"])
    target_pct = parse_decimal(row["target_pct"])
    perf = perf_multiplier(parse_decimal(row["performance_score"]))
    fund = fund_factor(parse_decimal(row["fund_return"]))
    band = table.multiplier(parse_decimal(row["revenue"]))
    target = base * target_pct
    raw = target * perf * fund * band
    capped = min(raw, base * _CAP_RATIO)
    bonus = capped.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return {
        "employee_id": str(row["employee_id"]),
        "perf_multiplier": perf,
        "fund_factor": fund,
        "band_multiplier": band,
        "target": target,
        "raw": raw,
        "capped": capped,
        "bonus": bonus,
    }


def allocate_pool(results: list[dict[str, Any]], pool_amount: Decimal) -> None:
    """Set pool_bonus on every result (in place), scaling down to the pool when it is exceeded."""
    total = sum((r["bonus"] for r in results), Decimal(0))
    if total <= pool_amount:
        for r in results:
            r["pool_bonus"] = r["bonus"]
        return
    exact = [r["bonus"] * pool_amount / total for r in results]
    floored = [e.quantize(_CENT, rounding=ROUND_FLOOR) for e in exact]
    remainders = [e - f for e, f in zip(exact, floored)]
    pool_cents = pool_amount.quantize(_CENT, rounding=ROUND_FLOOR)
    leftover = int((pool_cents - sum(floored, Decimal(0))) / _CENT)
    order = sorted(range(len(results)), key=lambda i: (-remainders[i], results[i]["employee_id"], i))
    for k in range(max(leftover, 0)):
        i = order[k % len(order)]
        floored[i] = floored[i] + _CENT
    for r, share in zip(results, floored):
        r["pool_bonus"] = share


def calculate(
    rows: Iterable[Mapping[str, Any]],
    bands: Optional[Sequence[Mapping[str, Any]]] = None,
    pool_amount: Any = None,
) -> list[dict[str, Any]]:
    """Compute every employee. Inputs are strings (or ints/Decimals); results hold Decimals.

    ``bands`` is a list of ``{"min_revenue": str, "multiplier": str}`` (default table when None);
    ``pool_amount`` a decimal string or None. Each result has employee_id, the intermediates,
    bonus, and pool_bonus when a pool is given. Use :func:`to_wire` for canonical strings.
    """
    with localcontext(LEGACY_CONTEXT):
        table = bands if isinstance(bands, BandTable) else BandTable(bands)
        results = [_employee(row, table) for row in rows]
        if pool_amount is not None:
            allocate_pool(results, parse_decimal(pool_amount))
        return results


def total_bonus(results: Sequence[Mapping[str, Any]], key: str = "bonus") -> Decimal:
    """Sum of one Decimal column (exact for cent amounts)."""
    with localcontext(LEGACY_CONTEXT):
        return sum((r[key] for r in results), Decimal(0))


def to_wire(result: Mapping[str, Any]) -> dict[str, Any]:
    """Result with every Decimal as its canonical string."""
    return {k: canonical(v) if isinstance(v, Decimal) else v for k, v in result.items()}
