"""Bonus batches: band tables, uploads and batch computation on top of the pure formula."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from . import db as t
from .decimals import canonical
from .formula import DEFAULT_BANDS, calculate, total_bonus


def current_bands(conn: Connection) -> dict[str, Any]:
    """The newest band table version: {version, bands, updated_at}."""
    row = conn.execute(select(t.band_tables).order_by(t.band_tables.c.version.desc()).limit(1)).first()
    if row is None:  # pragma: no cover - seeded at start
        return {"version": None, "bands": DEFAULT_BANDS, "updated_at": None}
    return {"version": row.version, "bands": json.loads(row.bands), "updated_at": row.updated_at}


def save_bands(conn: Connection, bands: Sequence[dict[str, str]], updated_at: str) -> dict[str, Any]:
    bands = wire_bands(bands)
    version = (conn.execute(select(func.max(t.band_tables.c.version))).scalar() or 0) + 1
    conn.execute(t.band_tables.insert().values(version=version, bands=json.dumps(list(bands)), updated_at=updated_at))
    return {"version": version, "bands": list(bands), "updated_at": updated_at}


def wire_bands(bands: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Canonical strings, ascending by min_revenue."""
    pairs = sorted((Decimal(str(b["min_revenue"])), Decimal(str(b["multiplier"]))) for b in bands)
    return [{"min_revenue": canonical(m), "multiplier": canonical(x)} for m, x in pairs]


def store_upload(conn: Connection, filename: str, content: bytes, rows: list[dict[str, Any]], created_at: str) -> int:
    upload_id = conn.execute(
        t.uploads.insert().values(
            filename=filename,
            row_count=len(rows),
            sha256=hashlib.sha256(content).hexdigest(),
            created_at=created_at,
        )
    ).inserted_primary_key[0]
    if rows:
        conn.execute(t.upload_rows.insert(), [{**r, "upload_id": upload_id} for r in rows])
    return upload_id


def load_upload_rows(conn: Connection, upload_id: int) -> list[Any]:
    return conn.execute(
        select(t.upload_rows).where(t.upload_rows.c.upload_id == upload_id).order_by(t.upload_rows.c.row_no)
    ).all()


def run_batch(
    conn: Connection,
    upload_id: int,
    created_at: str,
    pool_amount: Optional[Decimal] = None,
    scenario_name: Optional[str] = None,
    bands: Optional[Sequence[dict[str, str]]] = None,
) -> int:
    """Compute every employee of an upload and store the batch. Custom bands record band_version null."""
    if bands is None:
        table = current_bands(conn)
        band_version, used_bands = table["version"], wire_bands(table["bands"])
    else:
        band_version, used_bands = None, wire_bands(bands)
    rows = load_upload_rows(conn, upload_id)
    inputs = [dict(r._mapping) for r in rows]
    results = calculate(inputs, used_bands, pool_amount)
    total = total_bonus(results)
    pool_total = total_bonus(results, "pool_bonus") if pool_amount is not None else None
    batch_id = conn.execute(
        t.batches.insert().values(
            upload_id=upload_id,
            scenario_name=scenario_name,
            pool_amount=canonical(pool_amount) if pool_amount is not None else None,
            pool_applied=pool_amount is not None and total > pool_amount,
            band_version=band_version,
            bands=json.dumps(used_bands),
            status="completed",
            employee_count=len(results),
            total_bonus=canonical(total),
            total_pool_bonus=canonical(pool_total) if pool_total is not None else None,
            created_at=created_at,
        )
    ).inserted_primary_key[0]
    if results:
        conn.execute(
            t.batch_results.insert(),
            [
                {
                    "batch_id": batch_id,
                    "row_no": src["row_no"],
                    "employee_id": src["employee_id"],
                    "name": src["name"],
                    "department": src["department"],
                    "base_salary": src["base_salary"],
                    "target_pct": src["target_pct"],
                    "performance_score": src["performance_score"],
                    "fund_return": src["fund_return"],
                    "revenue": src["revenue"],
                    "perf_multiplier": canonical(res["perf_multiplier"]),
                    "fund_factor": canonical(res["fund_factor"]),
                    "band_multiplier": canonical(res["band_multiplier"]),
                    "target": canonical(res["target"]),
                    "raw": canonical(res["raw"]),
                    "capped": canonical(res["capped"]),
                    "bonus": canonical(res["bonus"]),
                    "pool_bonus": canonical(res["pool_bonus"]) if "pool_bonus" in res else None,
                }
                for src, res in zip(inputs, results)
            ],
        )
    return batch_id
