"""Employee CSV generator with edge cases. Deterministic for a seed.

    python3 -m legacy_fastapi.gen --employees 10000 --seed 1 [--out file.csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from typing import Iterable, Optional, TextIO

COLUMNS = [
    "employee_id",
    "name",
    "department",
    "base_salary",
    "target_pct",
    "performance_score",
    "fund_return",
    "revenue",
]

FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jun", "Kofi", "Lena",
         "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wes", "Yara", "Zoe"]
LAST = ["Adams", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Silva", "Tanaka"]
DEPARTMENTS = ["Equities", "Fixed Income", "Operations", "Risk", "Technology", "Sales", "Research", "Finance"]
TARGETS = ["0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.4"]

# Overrides applied to an otherwise random row. Each one sits exactly on (or just off) an edge of the formula.
EDGE_CASES: list[dict[str, str]] = [
    {"performance_score": "0.9"},
    {"performance_score": "0.8"},
    {"performance_score": "0.6"},
    {"performance_score": "0.4"},
    {"performance_score": "0.8999"},
    {"performance_score": "0.3999"},
    {"performance_score": "1"},
    {"performance_score": "0"},
    {"fund_return": "0.02"},
    {"fund_return": "0.0199"},
    {"fund_return": "0.52"},  # fund_factor exactly 1.5
    {"fund_return": "0.75"},  # fund_factor capped at 1.5
    {"fund_return": "-0.15"},
    {"target_pct": "0"},
    {"base_salary": "987654321012.34"},
    {"base_salary": "0"},
    {"revenue": "1000000"},
    {"revenue": "5000000"},
    {"revenue": "999999.99"},
    {"revenue": "4999999.99"},
    {"revenue": "0"},
    # raw above base salary: capped
    {"target_pct": "0.9", "performance_score": "0.95", "fund_return": "0.6", "revenue": "6000000"},
    # half-even ties: 100.025 -> 100.02 and 100.035 -> 100.04
    {"base_salary": "1000.25", "target_pct": "0.1", "performance_score": "0.6", "fund_return": "0.02", "revenue": "1000000"},
    {"base_salary": "1000.35", "target_pct": "0.1", "performance_score": "0.6", "fund_return": "0.02", "revenue": "1000000"},
]

EDGE_RATE = 0.05


def _money(rng: random.Random, lo: int, hi: int) -> str:
    cents = rng.randint(lo * 100, hi * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def _random_row(rng: random.Random, index: int) -> dict[str, str]:
    score_units = rng.choice([rng.randint(0, 100) * 100, rng.randint(0, 10000)])
    return {
        "employee_id": f"E{index:06d}",
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "department": rng.choice(DEPARTMENTS),
        "base_salary": _money(rng, 38000, 260000),
        "target_pct": rng.choice(TARGETS),
        "performance_score": _decimal4(score_units),
        "fund_return": _decimal4(rng.randint(-1500, 4500)),
        "revenue": _money(rng, 0, 9000000),
    }


def _decimal4(units: int) -> str:
    """An integer count of 0.0001 as a plain decimal string (no float formatting)."""
    sign = "-" if units < 0 else ""
    units = abs(units)
    text = f"{units // 10000}.{units % 10000:04d}".rstrip("0").rstrip(".")
    return sign + text if text != "0" else "0"


def generate_rows(employees: int, seed: int) -> list[dict[str, str]]:
    """N employee rows, deterministic for the seed, every edge case present once N >= len(EDGE_CASES)."""
    rng = random.Random(seed)
    rows = [_random_row(rng, i + 1) for i in range(employees)]
    positions = rng.sample(range(employees), min(employees, len(EDGE_CASES)))
    for pos, edge in zip(positions, EDGE_CASES):
        rows[pos].update(edge)
    placed = set(positions)
    for i, row in enumerate(rows):
        if i not in placed and rng.random() < EDGE_RATE:
            row.update(rng.choice(EDGE_CASES))
    return rows


def write_csv(rows: Iterable[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def csv_text(employees: int, seed: int) -> str:
    buf = io.StringIO()
    write_csv(generate_rows(employees, seed), buf)
    return buf.getvalue()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m legacy_fastapi.gen", description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000, help="number of rows (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", help="write to this file instead of stdout")
    args = parser.parse_args(argv)
    if args.employees < 0:
        parser.error("--employees must be >= 0")
    rows = generate_rows(args.employees, args.seed)
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as fh:
            write_csv(rows, fh)
    else:
        write_csv(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
