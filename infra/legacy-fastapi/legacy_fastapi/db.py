"""SQLite storage through SQLAlchemy Core. Money and rates are stored as canonical decimal TEXT."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String, primary_key=True), Column("value", Text, nullable=False))

sessions = Table(
    "sessions",
    metadata,
    Column("id", String, primary_key=True),
    Column("data", Text, nullable=False),
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
    Column("expires_at", String, nullable=False),
)

band_tables = Table(
    "band_tables",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("bands", Text, nullable=False),
    Column("updated_at", String, nullable=False),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("filename", String, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("sha256", String, nullable=False),
    Column("created_at", String, nullable=False),
)

upload_rows = Table(
    "upload_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("row_no", Integer, nullable=False),
    Column("employee_id", String, nullable=False),
    Column("name", String, nullable=False),
    Column("department", String, nullable=False),
    Column("base_salary", String, nullable=False),
    Column("target_pct", String, nullable=False),
    Column("performance_score", String, nullable=False),
    Column("fund_return", String, nullable=False),
    Column("revenue", String, nullable=False),
    Index("ix_upload_rows_upload", "upload_id", "row_no"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("scenario_name", String, nullable=True),
    Column("pool_amount", String, nullable=True),
    Column("pool_applied", Boolean, nullable=False),
    Column("band_version", Integer, nullable=True),
    Column("bands", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("employee_count", Integer, nullable=False),
    Column("total_bonus", String, nullable=False),
    Column("total_pool_bonus", String, nullable=True),
    Column("created_at", String, nullable=False),
)

batch_results = Table(
    "batch_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("row_no", Integer, nullable=False),
    Column("employee_id", String, nullable=False),
    Column("name", String, nullable=False),
    Column("department", String, nullable=False),
    Column("base_salary", String, nullable=False),
    Column("target_pct", String, nullable=False),
    Column("performance_score", String, nullable=False),
    Column("fund_return", String, nullable=False),
    Column("revenue", String, nullable=False),
    Column("perf_multiplier", String, nullable=False),
    Column("fund_factor", String, nullable=False),
    Column("band_multiplier", String, nullable=False),
    Column("target", String, nullable=False),
    Column("raw", String, nullable=False),
    Column("capped", String, nullable=False),
    Column("bonus", String, nullable=False),
    Column("pool_bonus", String, nullable=True),
    Index("ix_batch_results_batch", "batch_id", "row_no"),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("created_at", String, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=True),
    Column("created_at", String, nullable=False),
)

vendors = Table(
    "vendors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=True),
    Column("created_at", String, nullable=False),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("status", String, nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=True),
    Column("start_date", String, nullable=False),
    Column("end_date", String, nullable=True),
    Column("created_at", String, nullable=False),
)

project_budget_lines = Table(
    "project_budget_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("category", String, nullable=False),
    Column("amount", String, nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String, nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=True),
    Column("issue_date", String, nullable=False),
    Column("due_date", String, nullable=False),
    Column("amount", String, nullable=False),
    Column("amount_paid", String, nullable=False),
    Column("status", String, nullable=False),
    Column("currency", String, nullable=False),
    Column("description", String, nullable=True),
    Column("created_at", String, nullable=False),
)

bills = Table(
    "bills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String, nullable=False, unique=True),
    Column("vendor_id", Integer, ForeignKey("vendors.id"), nullable=False),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=True),
    Column("category", String, nullable=False),
    Column("issue_date", String, nullable=False),
    Column("due_date", String, nullable=False),
    Column("amount", String, nullable=False),
    Column("amount_paid", String, nullable=False),
    Column("status", String, nullable=False),
    Column("currency", String, nullable=False),
    Column("description", String, nullable=True),
    Column("created_at", String, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("amount", String, nullable=False),
    Column("date", String, nullable=False),
    Column("method", String, nullable=False),
    Column("reference", String, nullable=True),
    Column("created_at", String, nullable=False),
)

payment_allocations = Table(
    "payment_allocations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False),
    Column("amount", String, nullable=False),
    Index("ix_allocations_invoice", "invoice_id"),
)


def utcnow() -> str:
    """Current UTC time as ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """One SQLite file. Writes are serialised in-process so read-then-write never meets SQLITE_BUSY."""

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=QueuePool,
            pool_size=8,
            max_overflow=32,
            future=True,
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self._write_lock = threading.Lock()
        metadata.create_all(self.engine)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._write_lock:
            with self.engine.begin() as conn:
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
