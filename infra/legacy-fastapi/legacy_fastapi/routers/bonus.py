"""Revenue bands admin, stateless calculation, uploads, batches, scenarios."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, List, Optional

from fastapi import APIRouter, Depends, File, HTTPException, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, conlist, constr, validator
from sqlalchemy import func, select

from .. import db as t
from ..bonus import current_bands, run_batch, save_bands, store_upload, wire_bands
from ..common import ERROR_RESPONSES, Detail, PageParams, get_db, not_found, page_model
from ..csvio import parse_employee_csv
from ..db import Database, utcnow
from ..decimals import DecimalStr, ExactJSONRoute, canonical
from ..formula import calculate as run_formula
from ..formula import to_wire, total_bonus

router = APIRouter(prefix="/api/v1", route_class=ExactJSONRoute)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# ---------------------------------------------------------------- models


class Band(BaseModel):
    min_revenue: DecimalStr = Field(..., description="lowest revenue (inclusive) of this band")
    multiplier: DecimalStr = Field(..., description="band multiplier, >= 0")

    @validator("multiplier")
    def _multiplier_non_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("ensure this value is greater than or equal to 0")
        return v


def _check_band_order(bands: List[Band]) -> List[Band]:
    if bands[0].min_revenue != 0:
        raise ValueError("the first band must start at min_revenue 0")
    for prev, cur in zip(bands, bands[1:]):
        if cur.min_revenue <= prev.min_revenue:
            raise ValueError("min_revenue must be strictly ascending")
    return bands


class BandTableIn(BaseModel):
    bands: conlist(Band, min_items=1, max_items=20)  # type: ignore[valid-type]

    _order = validator("bands", allow_reuse=True)(_check_band_order)


class BandOut(BaseModel):
    min_revenue: str
    multiplier: str


class BandTable(BaseModel):
    version: int
    bands: List[BandOut]
    updated_at: str


class EmployeeIn(BaseModel):
    employee_id: constr(min_length=1, max_length=200)  # type: ignore[valid-type]
    name: Optional[str] = None
    department: Optional[str] = None
    base_salary: DecimalStr
    target_pct: DecimalStr
    performance_score: DecimalStr
    fund_return: DecimalStr
    revenue: DecimalStr

    @validator("base_salary", "target_pct")
    def _non_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("ensure this value is greater than or equal to 0")
        return v


def _pool_non_negative(v: Optional[Decimal]) -> Optional[Decimal]:
    if v is not None and v < 0:
        raise ValueError("ensure this value is greater than or equal to 0")
    return v


class CalculateIn(BaseModel):
    employees: conlist(EmployeeIn, max_items=200000)  # type: ignore[valid-type]
    pool_amount: Optional[DecimalStr] = None
    bands: Optional[conlist(Band, min_items=1, max_items=20)] = None  # type: ignore[valid-type]

    _pool = validator("pool_amount", allow_reuse=True)(_pool_non_negative)
    _order = validator("bands", allow_reuse=True)(_check_band_order)


class EmployeeResult(BaseModel):
    employee_id: str
    perf_multiplier: str
    fund_factor: str
    band_multiplier: str
    target: str
    raw: str
    capped: str
    bonus: str
    pool_bonus: Optional[str] = Field(None, description="pool-scaled bonus; null when no pool is given")


class CalculateOut(BaseModel):
    results: List[EmployeeResult]
    total_bonus: str
    total_pool_bonus: Optional[str] = None
    band_version: Optional[int] = Field(None, description="null when the request supplied its own bands")


class Upload(BaseModel):
    id: int
    filename: str
    row_count: int
    sha256: str
    created_at: str


class UploadRow(BaseModel):
    row_no: int = Field(..., description="line number in the uploaded file (header is line 1)")
    employee_id: str
    name: str
    department: str
    base_salary: str
    target_pct: str
    performance_score: str
    fund_return: str
    revenue: str


class BatchIn(BaseModel):
    upload_id: int
    pool_amount: Optional[DecimalStr] = None
    scenario_name: Optional[constr(max_length=200)] = None  # type: ignore[valid-type]

    _pool = validator("pool_amount", allow_reuse=True)(_pool_non_negative)


class Batch(BaseModel):
    id: int
    upload_id: int
    scenario_name: Optional[str]
    pool_amount: Optional[str]
    pool_applied: bool = Field(..., description="true when the pool was exceeded and bonuses were scaled down")
    band_version: Optional[int]
    bands: List[BandOut]
    status: str
    employee_count: int
    total_bonus: str
    total_pool_bonus: Optional[str]
    created_at: str


class BatchResult(UploadRow):
    perf_multiplier: str
    fund_factor: str
    band_multiplier: str
    target: str
    raw: str
    capped: str
    bonus: str
    pool_bonus: Optional[str]


class ScenarioIn(BaseModel):
    upload_id: int
    name: constr(min_length=1, max_length=200)  # type: ignore[valid-type]
    pool_amount: Optional[DecimalStr] = None
    bands: Optional[conlist(Band, min_items=1, max_items=20)] = None  # type: ignore[valid-type]

    _pool = validator("pool_amount", allow_reuse=True)(_pool_non_negative)
    _order = validator("bands", allow_reuse=True)(_check_band_order)


class Scenario(BaseModel):
    id: int
    name: str
    upload_id: int
    batch_id: int
    pool_amount: Optional[str]
    band_version: Optional[int]
    bands: List[BandOut]
    employee_count: int
    total_bonus: str
    total_pool_bonus: Optional[str]
    created_at: str


class EmployeeDelta(BaseModel):
    employee_id: str
    base_payout: Optional[str] = Field(None, description="payout in the first scenario (pool_bonus, else bonus)")
    other_payout: Optional[str]
    delta: str = Field(..., description="other_payout - base_payout (a missing side counts as 0)")


class ScenarioCompare(BaseModel):
    base: Scenario
    other: Scenario
    base_total: str
    other_total: str
    total_delta: str
    changed_count: int
    employees: List[EmployeeDelta]


UploadPage = page_model(Upload)
UploadRowPage = page_model(UploadRow)
BatchPage = page_model(Batch)
BatchResultPage = page_model(BatchResult)
ScenarioPage = page_model(Scenario)

VALIDATION = {422: {"model": Detail, "description": "Validation error"}}

# ---------------------------------------------------------------- revenue bands


@router.get("/admin/revenue-bands", response_model=BandTable, tags=["admin"])
def get_revenue_bands(db: Database = Depends(get_db)) -> Any:
    """The current revenue band table and its version."""
    with db.read() as conn:
        table = current_bands(conn)
    return {**table, "bands": wire_bands(table["bands"])}


@router.put("/admin/revenue-bands", response_model=BandTable, tags=["admin"])
def put_revenue_bands(body: BandTableIn, db: Database = Depends(get_db)) -> Any:
    """Replace the band table: ascending min_revenue from 0, multipliers >= 0, 1-20 bands. Bumps the version."""
    bands = wire_bands([b.dict() for b in body.bands])
    with db.write() as conn:
        return save_bands(conn, bands, utcnow())


# ---------------------------------------------------------------- stateless calculation


@router.post("/calculate", response_model=CalculateOut, tags=["calculate"])
def calculate(body: CalculateIn, db: Database = Depends(get_db)) -> Any:
    """Compute bonuses for the given rows without storing anything (used by parity runners)."""
    if body.bands is None:
        with db.read() as conn:
            table = current_bands(conn)
        band_version, bands = table["version"], table["bands"]
    else:
        band_version, bands = None, [b.dict() for b in body.bands]
    results = run_formula([e.dict() for e in body.employees], bands, body.pool_amount)
    pool_total = total_bonus(results, "pool_bonus") if body.pool_amount is not None else None
    return {
        "results": [to_wire(r) for r in results],
        "total_bonus": canonical(total_bonus(results)),
        "total_pool_bonus": canonical(pool_total) if pool_total is not None else None,
        "band_version": band_version,
    }


# ---------------------------------------------------------------- uploads


@router.post("/uploads", response_model=Upload, status_code=201, tags=["uploads"], responses=VALIDATION)
async def create_upload(file: UploadFile = File(..., description="employee CSV"), db: Database = Depends(get_db)) -> Any:
    """Upload an employee CSV. Every row is validated; errors name the row (file line) and column."""
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="file larger than 50 MiB")
    parsed = parse_employee_csv(content)
    if parsed.errors:
        raise HTTPException(status_code=422, detail=parsed.errors)
    with db.write() as conn:
        upload_id = store_upload(conn, file.filename or "upload.csv", content, parsed.rows, utcnow())
        return conn.execute(select(t.uploads).where(t.uploads.c.id == upload_id)).first()._asdict()


@router.get("/uploads", response_model=UploadPage, tags=["uploads"])
def list_uploads(page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(t.uploads)).scalar_one()
        rows = conn.execute(select(t.uploads).order_by(t.uploads.c.id).limit(page.limit).offset(page.offset)).all()
    return {"items": [r._asdict() for r in rows], "total": total, "limit": page.limit, "offset": page.offset}


def _get_upload(conn: Any, upload_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.uploads).where(t.uploads.c.id == upload_id)).first()
    if row is None:
        raise not_found("Upload")
    return row._asdict()


@router.get("/uploads/{id}", response_model=Upload, tags=["uploads"], responses=ERROR_RESPONSES)
def get_upload(upload_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        return _get_upload(conn, upload_id)


@router.get("/uploads/{id}/rows", response_model=UploadRowPage, tags=["uploads"], responses=ERROR_RESPONSES)
def list_upload_rows(upload_id: int = Path(..., alias="id"), page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        upload = _get_upload(conn, upload_id)
        rows = conn.execute(
            select(t.upload_rows)
            .where(t.upload_rows.c.upload_id == upload_id)
            .order_by(t.upload_rows.c.row_no)
            .limit(page.limit)
            .offset(page.offset)
        ).all()
    return {
        "items": [r._asdict() for r in rows],
        "total": upload["row_count"],
        "limit": page.limit,
        "offset": page.offset,
    }


# ---------------------------------------------------------------- batches


def _batch_dict(row: Any) -> dict[str, Any]:
    out = row._asdict()
    out["bands"] = json.loads(out["bands"])
    return out


def _get_batch(conn: Any, batch_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.batches).where(t.batches.c.id == batch_id)).first()
    if row is None:
        raise not_found("Batch")
    return _batch_dict(row)


@router.post("/batches", response_model=Batch, status_code=201, tags=["batches"], responses=ERROR_RESPONSES)
def create_batch(body: BatchIn, db: Database = Depends(get_db)) -> Any:
    """Compute every employee of an upload with the current band table and store the results."""
    with db.write() as conn:
        _get_upload(conn, body.upload_id)
        batch_id = run_batch(conn, body.upload_id, utcnow(), body.pool_amount, body.scenario_name)
        return _get_batch(conn, batch_id)


@router.get("/batches", response_model=BatchPage, tags=["batches"])
def list_batches(page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(t.batches)).scalar_one()
        rows = conn.execute(select(t.batches).order_by(t.batches.c.id).limit(page.limit).offset(page.offset)).all()
    return {"items": [_batch_dict(r) for r in rows], "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/batches/{id}", response_model=Batch, tags=["batches"], responses=ERROR_RESPONSES)
def get_batch(batch_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        return _get_batch(conn, batch_id)


@router.get("/batches/{id}/results", response_model=BatchResultPage, tags=["batches"], responses=ERROR_RESPONSES)
def list_batch_results(batch_id: int = Path(..., alias="id"), page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    """Per employee: inputs, intermediates, bonus and pool_bonus (null without a pool), in upload order."""
    with db.read() as conn:
        batch = _get_batch(conn, batch_id)
        rows = conn.execute(
            select(t.batch_results)
            .where(t.batch_results.c.batch_id == batch_id)
            .order_by(t.batch_results.c.row_no)
            .limit(page.limit)
            .offset(page.offset)
        ).all()
    return {
        "items": [r._asdict() for r in rows],
        "total": batch["employee_count"],
        "limit": page.limit,
        "offset": page.offset,
    }


EXPORT_COLUMNS = [
    "employee_id", "name", "department", "base_salary", "target_pct", "performance_score", "fund_return",
    "revenue", "perf_multiplier", "fund_factor", "band_multiplier", "target", "raw", "capped", "bonus",
    "pool_bonus",
]


@router.get(
    "/batches/{id}/export.csv",
    response_class=Response,
    tags=["batches"],
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, one row per employee"},
        **ERROR_RESPONSES,
    },
)
def export_batch(batch_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Response:
    with db.read() as conn:
        _get_batch(conn, batch_id)
        rows = conn.execute(
            select(t.batch_results).where(t.batch_results.c.batch_id == batch_id).order_by(t.batch_results.c.row_no)
        ).all()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        m = r._mapping
        writer.writerow(["" if m[c] is None else m[c] for c in EXPORT_COLUMNS])
    return Response(
        content=buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"'},
    )


# ---------------------------------------------------------------- scenarios


def _scenario_dict(conn: Any, row: Any) -> dict[str, Any]:
    batch = _get_batch(conn, row.batch_id)
    return {
        "id": row.id,
        "name": row.name,
        "upload_id": row.upload_id,
        "batch_id": row.batch_id,
        "pool_amount": batch["pool_amount"],
        "band_version": batch["band_version"],
        "bands": batch["bands"],
        "employee_count": batch["employee_count"],
        "total_bonus": batch["total_bonus"],
        "total_pool_bonus": batch["total_pool_bonus"],
        "created_at": row.created_at,
    }


def _get_scenario(conn: Any, scenario_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.scenarios).where(t.scenarios.c.id == scenario_id)).first()
    if row is None:
        raise not_found("Scenario")
    return _scenario_dict(conn, row)


@router.post("/scenarios", response_model=Scenario, status_code=201, tags=["scenarios"], responses=ERROR_RESPONSES)
def create_scenario(body: ScenarioIn, db: Database = Depends(get_db)) -> Any:
    """A what-if batch on an upload with its own pool and/or band table (the global table is untouched)."""
    bands = [b.dict() for b in body.bands] if body.bands is not None else None
    with db.write() as conn:
        _get_upload(conn, body.upload_id)
        now = utcnow()
        batch_id = run_batch(conn, body.upload_id, now, body.pool_amount, body.name, bands)
        scenario_id = conn.execute(
            t.scenarios.insert().values(name=body.name, upload_id=body.upload_id, batch_id=batch_id, created_at=now)
        ).inserted_primary_key[0]
        return _get_scenario(conn, scenario_id)


@router.get("/scenarios", response_model=ScenarioPage, tags=["scenarios"])
def list_scenarios(page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(t.scenarios)).scalar_one()
        rows = conn.execute(
            select(t.scenarios).order_by(t.scenarios.c.id).limit(page.limit).offset(page.offset)
        ).all()
        items = [_scenario_dict(conn, r) for r in rows]
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/scenarios/{id}", response_model=Scenario, tags=["scenarios"], responses=ERROR_RESPONSES)
def get_scenario(scenario_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        return _get_scenario(conn, scenario_id)


def _payouts(conn: Any, batch_id: int) -> dict[str, Decimal]:
    rows = conn.execute(
        select(t.batch_results.c.employee_id, t.batch_results.c.bonus, t.batch_results.c.pool_bonus).where(
            t.batch_results.c.batch_id == batch_id
        )
    ).all()
    return {r.employee_id: Decimal(r.pool_bonus if r.pool_bonus is not None else r.bonus) for r in rows}


@router.get(
    "/scenarios/{id}/compare/{other}",
    response_model=ScenarioCompare,
    tags=["scenarios"],
    responses=ERROR_RESPONSES,
)
def compare_scenarios(scenario_id: int = Path(..., alias="id"), other_id: int = Path(..., alias="other"), db: Database = Depends(get_db)) -> Any:
    """Per-employee payout difference (other - base), over the union of both scenarios' employees."""
    with db.read() as conn:
        base = _get_scenario(conn, scenario_id)
        other = _get_scenario(conn, other_id)
        a = _payouts(conn, base["batch_id"])
        b = _payouts(conn, other["batch_id"])
    zero = Decimal(0)
    employees = []
    changed = 0
    for emp in sorted(set(a) | set(b)):
        delta = b.get(emp, zero) - a.get(emp, zero)
        changed += delta != 0
        employees.append(
            {
                "employee_id": emp,
                "base_payout": canonical(a[emp]) if emp in a else None,
                "other_payout": canonical(b[emp]) if emp in b else None,
                "delta": canonical(delta),
            }
        )
    base_total, other_total = sum(a.values(), zero), sum(b.values(), zero)
    return {
        "base": base,
        "other": other,
        "base_total": canonical(base_total),
        "other_total": canonical(other_total),
        "total_delta": canonical(other_total - base_total),
        "changed_count": changed,
        "employees": employees,
    }
