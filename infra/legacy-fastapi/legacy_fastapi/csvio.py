"""Employee CSV parsing and validation for uploads. Errors carry the row (file line) and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from .decimals import canonical, parse_decimal
from .gen import COLUMNS

NUMERIC_COLUMNS = ("base_salary", "target_pct", "performance_score", "fund_return", "revenue")
NON_NEGATIVE = ("base_salary", "target_pct")
MAX_ERRORS = 100
MAX_TEXT = 200


@dataclass
class ParsedUpload:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(row: int | None, column: str | None, msg: str, type_: str) -> dict[str, Any]:
    loc: list[Any] = ["body", "file"]
    if row is not None:
        loc.append(row)
    if column is not None:
        loc.append(column)
    return {"loc": loc, "msg": msg, "type": type_, "row": row, "column": column}


def parse_employee_csv(content: bytes) -> ParsedUpload:
    """Parse and validate. ``row`` in errors is the 1-based line number in the file (header is row 1)."""
    out = ParsedUpload()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append(_error(None, None, "file is not valid UTF-8", "value_error.encoding"))
        return out
    if not text.strip():
        out.errors.append(_error(None, None, "file is empty", "value_error.empty"))
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        out.errors.append(
            _error(1, None, f"missing column(s): {', '.join(missing)}", "value_error.missing_column")
        )
        for c in missing:
            out.errors[-1].setdefault("missing", []).append(c)
        return out
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        out.errors.append(_error(1, None, f"duplicate column(s): {', '.join(dupes)}", "value_error.duplicate_column"))
        return out
    index = {name: header.index(name) for name in COLUMNS}
    seen: dict[str, int] = {}
    line = 1
    for cells in reader:
        line += 1
        if not cells or all(not c.strip() for c in cells):
            continue  # blank lines are ignored
        if len(cells) != len(header):
            out.errors.append(
                _error(line, None, f"expected {len(header)} fields, found {len(cells)}", "value_error.field_count")
            )
            continue
        row: dict[str, Any] = {"row_no": line}
        for name in COLUMNS:
            value = cells[index[name]].strip()
            if name in NUMERIC_COLUMNS:
                try:
                    number = parse_decimal(value)
                except (TypeError, ValueError):
                    out.errors.append(_error(line, name, f"{value!r} is not a valid decimal", "value_error.decimal"))
                    continue
                if name in NON_NEGATIVE and number < 0:
                    out.errors.append(_error(line, name, "must be greater than or equal to 0", "value_error.number.not_ge"))
                    continue
                row[name] = canonical(number)
            else:
                if name == "employee_id" and not value:
                    out.errors.append(_error(line, name, "field required", "value_error.missing"))
                    continue
                if len(value) > MAX_TEXT:
                    out.errors.append(_error(line, name, f"longer than {MAX_TEXT} characters", "value_error.any_str.max_length"))
                    continue
                row[name] = value
        if "employee_id" in row:
            first = seen.get(row["employee_id"])
            if first is not None:
                out.errors.append(
                    _error(line, "employee_id", f"duplicate employee_id (first seen on row {first})", "value_error.duplicate")
                )
            else:
                seen[row["employee_id"]] = line
        if len(row) == len(COLUMNS) + 1:
            out.rows.append(row)
        if len(out.errors) >= MAX_ERRORS:
            break
    if not out.errors and not out.rows:
        out.errors.append(_error(None, None, "file has a header but no data rows", "value_error.empty"))
    return out
