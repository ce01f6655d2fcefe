"""Deterministic first-start seed: band table v1, customers, vendors, projects, invoices, bills,
payments, and three historical uploads with their batches. Same data every time for an empty DB."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import db as t
from .apar import auto_allocate, status_of
from .bonus import run_batch, save_bands, store_upload
from .csvio import parse_employee_csv
from .decimals import canonical
from .formula import DEFAULT_BANDS, calculate, total_bonus
from .gen import csv_text

SEED = 20240601
REFERENCE_DATE = date(2025, 6, 30)  # seeded AR/AP is interesting for aging around this date
SEEDED_AT = "2025-06-30T09:00:00.000Z"

CUSTOMERS = ["Acme Capital", "Birch & Co", "Cobalt Pensions", "Delta Mutual", "Evergreen Trust", "Fjord Asset Mgmt",
             "Granite Holdings", "Harbor Insurance", "Iris Family Office", "Juniper Partners", "Kestrel Fund",
             "Lumen Advisors", "Maple Endowment", "Northwind Bank", "Orchid Wealth", "Pioneer Reinsurance",
             "Quarry Securities", "Redwood Foundation", "Summit Credit", "Tidewater Capital", "Umbra Ventures",
             "Vale Municipal", "Willow Savings", "Xenon Treasury", "Yarrow Asset Co"]
VENDORS = ["Bloomline Data", "CloudNine Hosting", "DeskPro Supplies", "Eastgate Legal", "Fastrack Travel",
           "Gridlock Security", "Helix Consulting", "Ironclad Audit", "Jetstream Telecom", "Keystone Facilities",
           "Ledger Software", "Metro Catering", "Nimbus Research", "Optima Recruiting", "Pinnacle Print"]
CATEGORIES = ["labour", "software", "data", "travel", "subcontract"]
TERMS = [15, 30, 45, 60]
HISTORICAL = [  # (filename, employees, generator seed, pool as a fraction of the unpooled total or None)
    ("historical-2024-q4.csv", 400, 101, None),
    ("historical-2025-q1.csv", 380, 102, Decimal("0.9")),
    ("historical-2025-q2.csv", 420, 103, Decimal("0.95")),
]


def _money(rng: random.Random, lo: int, hi: int) -> str:
    cents = rng.randint(lo * 100, hi * 100)
    return canonical(Decimal(cents) / 100)


def is_seeded(conn: Connection) -> bool:
    return conn.execute(select(t.meta.c.value).where(t.meta.c.key == "seeded")).first() is not None


def seed(conn: Connection) -> None:
    """Fill an empty database. Callers hold the write transaction."""
    rng = random.Random(SEED)
    save_bands(conn, DEFAULT_BANDS, SEEDED_AT)
    conn.execute(t.customers.insert(), [
        {"name": n, "email": f"ap@{n.split()[0].lower()}.example", "created_at": SEEDED_AT} for n in CUSTOMERS
    ])
    conn.execute(t.vendors.insert(), [
        {"name": n, "email": f"billing@{n.split()[0].lower()}.example", "created_at": SEEDED_AT} for n in VENDORS
    ])
    _projects(conn, rng)
    _invoices(conn, rng)
    _bills(conn, rng)
    _history(conn)
    conn.execute(t.meta.insert().values(key="seeded", value=SEEDED_AT))


def _projects(conn: Connection, rng: random.Random) -> None:
    for i in range(12):
        start = REFERENCE_DATE - timedelta(days=rng.randint(60, 540))
        status = rng.choice(["active", "active", "active", "completed", "on_hold"])
        end = start + timedelta(days=rng.randint(90, 400)) if status == "completed" else None
        project_id = conn.execute(t.projects.insert().values(
            code=f"PRJ-{i + 1:03d}",
            name=f"{rng.choice(['Ledger', 'Atlas', 'Beacon', 'Compass', 'Harbor', 'Prism'])} "
                 f"{rng.choice(['Migration', 'Rollout', 'Audit', 'Platform', 'Integration'])} {i + 1}",
            status=status,
            customer_id=rng.randint(1, len(CUSTOMERS)),
            start_date=start.isoformat(),
            end_date=end.isoformat() if end else None,
            created_at=SEEDED_AT,
        )).inserted_primary_key[0]
        for category in rng.sample(CATEGORIES, rng.randint(2, len(CATEGORIES))):
            conn.execute(t.project_budget_lines.insert().values(
                project_id=project_id, category=category, amount=_money(rng, 20000, 400000)))


def _invoices(conn: Connection, rng: random.Random) -> None:
    rows = []
    for i in range(320):
        issue = REFERENCE_DATE - timedelta(days=rng.randint(0, 240))
        rows.append({
            "number": f"INV-{i + 1:06d}",
            "customer_id": rng.randint(1, len(CUSTOMERS)),
            "project_id": rng.choice([None, None, rng.randint(1, 12)]),
            "issue_date": issue.isoformat(),
            "due_date": (issue + timedelta(days=rng.choice(TERMS))).isoformat(),
            "amount": _money(rng, 500, 120000),
            "amount_paid": "0",
            "status": "open",
            "currency": "USD",
            "description": f"Services {issue.strftime('%B %Y')}",
            "created_at": SEEDED_AT,
        })
    conn.execute(t.invoices.insert(), rows)
    # Payments: about half the invoices get paid in full or in part some days after issue.
    invoices = conn.execute(select(t.invoices).order_by(t.invoices.c.id)).all()
    paid: dict[int, Decimal] = {}
    for inv in invoices:
        roll = rng.random()
        if roll > 0.55:
            continue
        issue = date.fromisoformat(inv.issue_date)
        pay_day = issue + timedelta(days=rng.randint(5, 75))
        if pay_day > REFERENCE_DATE:
            continue
        amount = Decimal(inv.amount)
        if roll < 0.15:  # partial
            amount = (amount * Decimal(rng.randint(20, 80)) / 100).quantize(Decimal("0.01"))
        payment_id = conn.execute(t.payments.insert().values(
            customer_id=inv.customer_id, amount=canonical(amount), date=pay_day.isoformat(),
            method=rng.choice(["bank_transfer", "ach", "wire", "check"]), reference=f"REF-{inv.id:06d}",
            created_at=SEEDED_AT,
        )).inserted_primary_key[0]
        for invoice_id, applied in auto_allocate(amount, [(inv.id, Decimal(inv.amount))]):
            conn.execute(t.payment_allocations.insert().values(
                payment_id=payment_id, invoice_id=invoice_id, amount=canonical(applied)))
            paid[invoice_id] = paid.get(invoice_id, Decimal(0)) + applied
    for inv in invoices:
        p = paid.get(inv.id, Decimal(0))
        if p:
            conn.execute(t.invoices.update().where(t.invoices.c.id == inv.id).values(
                amount_paid=canonical(p), status=status_of(Decimal(inv.amount), p)))


def _bills(conn: Connection, rng: random.Random) -> None:
    rows = []
    for i in range(220):
        issue = REFERENCE_DATE - timedelta(days=rng.randint(0, 200))
        amount = Decimal(_money(rng, 200, 60000))
        roll = rng.random()
        paid = amount if roll < 0.4 else (amount * Decimal(rng.randint(10, 90)) / 100).quantize(Decimal("0.01")) if roll < 0.55 else Decimal(0)
        rows.append({
            "number": f"BILL-{i + 1:06d}",
            "vendor_id": rng.randint(1, len(VENDORS)),
            "project_id": rng.choice([None, rng.randint(1, 12), rng.randint(1, 12)]),
            "category": rng.choice(CATEGORIES),
            "issue_date": issue.isoformat(),
            "due_date": (issue + timedelta(days=rng.choice(TERMS))).isoformat(),
            "amount": canonical(amount),
            "amount_paid": canonical(paid),
            "status": status_of(amount, paid),
            "currency": "USD",
            "description": f"Bill {i + 1}",
            "created_at": SEEDED_AT,
        })
    conn.execute(t.bills.insert(), rows)


def _history(conn: Connection) -> None:
    for filename, employees, gen_seed, pool_fraction in HISTORICAL:
        content = csv_text(employees, gen_seed).encode()
        parsed = parse_employee_csv(content)
        assert not parsed.errors, parsed.errors
        upload_id = store_upload(conn, filename, content, parsed.rows, SEEDED_AT)
        pool = None
        if pool_fraction is not None:
            unpooled = total_bonus(calculate(parsed.rows))
            pool = (unpooled * pool_fraction).quantize(Decimal("1"))
        run_batch(conn, upload_id, SEEDED_AT, pool, filename.rsplit(".", 1)[0])
