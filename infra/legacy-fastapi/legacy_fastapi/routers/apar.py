"""AP/AR: customers, vendors, invoices, bills, payments with allocation, aging report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, List, Optional

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, conlist, constr, root_validator, validator
from sqlalchemy import func, select

from .. import db as t
from ..apar import BUCKETS, add_to, auto_allocate, bucket_for, empty_buckets, status_of
from ..common import ERROR_RESPONSES, Detail, PageParams, get_db, not_found, page_model, unprocessable
from ..db import Database, utcnow
from ..decimals import DecimalStr, ExactJSONRoute, canonical

router = APIRouter(prefix="/api/v1", route_class=ExactJSONRoute)

Currency = constr(regex=r"^[A-Z]{3}$")
NOT_FOUND_OR_INVALID = {**ERROR_RESPONSES, 422: {"model": Detail, "description": "Validation error"}}

# ---------------------------------------------------------------- models


class PartyIn(BaseModel):
    name: constr(strip_whitespace=True, min_length=1, max_length=200)  # type: ignore[valid-type]
    email: Optional[constr(regex=r"^[^@\s]+@[^@\s]+$", max_length=200)] = None  # type: ignore[valid-type]


class Party(BaseModel):
    id: int
    name: str
    email: Optional[str]
    created_at: str


class Customer(Party):
    pass


class Vendor(Party):
    pass


def _positive(v: Decimal) -> Decimal:
    if v <= 0:
        raise ValueError("ensure this value is greater than 0")
    return v


class DocumentIn(BaseModel):
    number: Optional[constr(min_length=1, max_length=50)] = None  # type: ignore[valid-type]
    project_id: Optional[int] = None
    issue_date: date
    due_date: date
    amount: DecimalStr
    currency: Currency = "USD"  # type: ignore[valid-type]
    description: Optional[constr(max_length=500)] = None  # type: ignore[valid-type]

    _amount = validator("amount", allow_reuse=True)(_positive)

    @root_validator(skip_on_failure=True)
    def _due_after_issue(cls, values: dict) -> dict:
        if values["due_date"] < values["issue_date"]:
            raise ValueError("due_date must not be before issue_date")
        return values


class InvoiceIn(DocumentIn):
    customer_id: int


class BillIn(DocumentIn):
    vendor_id: int
    category: constr(min_length=1, max_length=50) = "general"  # type: ignore[valid-type]


class Document(BaseModel):
    id: int
    number: str
    project_id: Optional[int]
    issue_date: str
    due_date: str
    amount: str
    amount_paid: str
    balance: str
    status: str = Field(..., description="open | partial | paid")
    currency: str
    description: Optional[str]
    created_at: str


class Invoice(Document):
    customer_id: int


class InvoiceAllocation(BaseModel):
    payment_id: int
    date: str
    amount: str


class InvoiceDetail(Invoice):
    allocations: List[InvoiceAllocation]


class Bill(Document):
    vendor_id: int
    category: str


class AllocationIn(BaseModel):
    invoice_id: int
    amount: DecimalStr

    _amount = validator("amount", allow_reuse=True)(_positive)


class PaymentIn(BaseModel):
    customer_id: int
    amount: DecimalStr
    date: date
    method: constr(min_length=1, max_length=50) = "bank_transfer"  # type: ignore[valid-type]
    reference: Optional[constr(max_length=100)] = None  # type: ignore[valid-type]
    allocations: Optional[conlist(AllocationIn, min_items=1, max_items=100)] = Field(  # type: ignore[valid-type]
        None, description="explicit allocations; when omitted the payment is applied to the oldest due invoices"
    )

    _amount = validator("amount", allow_reuse=True)(_positive)


class PaymentAllocation(BaseModel):
    invoice_id: int
    amount: str


class Payment(BaseModel):
    id: int
    customer_id: int
    amount: str
    date: str
    method: str
    reference: Optional[str]
    applied: str
    unapplied: str
    allocations: List[PaymentAllocation]
    created_at: str


class AgingBucket(BaseModel):
    bucket: str = Field(..., description="current | 1-30 | 31-60 | 61-90 | 90+ (days past due)")
    amount: str
    count: int


class AgingParty(BaseModel):
    id: int
    name: str
    total: str
    buckets: List[AgingBucket]


class AgingSection(BaseModel):
    total: str
    count: int
    buckets: List[AgingBucket]
    parties: List[AgingParty]


class AgingReport(BaseModel):
    as_of: str
    receivables: AgingSection
    payables: AgingSection


CustomerPage = page_model(Customer)
VendorPage = page_model(Vendor)
InvoicePage = page_model(Invoice)
BillPage = page_model(Bill)
PaymentPage = page_model(Payment)

# ---------------------------------------------------------------- customers and vendors


def _party_routes(table: Any, model: Any, page_model_: Any, label: str, path: str, tag: str) -> None:
    def create(body: PartyIn, db: Database = Depends(get_db)) -> Any:
        with db.write() as conn:
            now = utcnow()
            new_id = conn.execute(
                table.insert().values(name=body.name, email=body.email, created_at=now)
            ).inserted_primary_key[0]
            return {"id": new_id, "name": body.name, "email": body.email, "created_at": now}

    def list_(page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
        with db.read() as conn:
            total = conn.execute(select(func.count()).select_from(table)).scalar_one()
            rows = conn.execute(select(table).order_by(table.c.id).limit(page.limit).offset(page.offset)).all()
        return {"items": [r._asdict() for r in rows], "total": total, "limit": page.limit, "offset": page.offset}

    def get(item_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
        with db.read() as conn:
            row = conn.execute(select(table).where(table.c.id == item_id)).first()
        if row is None:
            raise not_found(label)
        return row._asdict()

    router.add_api_route(path, create, methods=["POST"], response_model=model, status_code=201, tags=[tag],
                         name=f"create_{tag[:-1]}", summary=f"Create {label.lower()}")
    router.add_api_route(path, list_, methods=["GET"], response_model=page_model_, tags=[tag],
                         name=f"list_{tag}", summary=f"List {tag}")
    router.add_api_route(path + "/{id}", get, methods=["GET"], response_model=model, tags=[tag],
                         responses=ERROR_RESPONSES, name=f"get_{tag[:-1]}", summary=f"Get {label.lower()}")


_party_routes(t.customers, Customer, CustomerPage, "Customer", "/customers", "customers")
_party_routes(t.vendors, Vendor, VendorPage, "Vendor", "/vendors", "vendors")

# ---------------------------------------------------------------- invoices and bills


def _document(row: Any) -> dict[str, Any]:
    out = row._asdict()
    out["balance"] = canonical(Decimal(out["amount"]) - Decimal(out["amount_paid"]))
    return out


def _require(conn: Any, table: Any, item_id: Optional[int], label: str) -> None:
    if item_id is not None and conn.execute(select(table.c.id).where(table.c.id == item_id)).first() is None:
        raise not_found(label)


def _next_number(conn: Any, table: Any, prefix: str) -> str:
    n = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    while True:
        number = f"{prefix}-{n:06d}"
        if conn.execute(select(table.c.id).where(table.c.number == number)).first() is None:
            return number
        n += 1


def _list_documents(table: Any, page: PageParams, db: Database, filters: list[Any]) -> Any:
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(table).where(*filters)).scalar_one()
        rows = conn.execute(
            select(table).where(*filters).order_by(table.c.id).limit(page.limit).offset(page.offset)
        ).all()
    return {"items": [_document(r) for r in rows], "total": total, "limit": page.limit, "offset": page.offset}


def _insert_document(conn: Any, table: Any, prefix: str, values: dict[str, Any], body: DocumentIn) -> dict[str, Any]:
    number = body.number or _next_number(conn, table, prefix)
    if conn.execute(select(table.c.id).where(table.c.number == number)).first() is not None:
        raise unprocessable(["body", "number"], f"number {number} already exists", "value_error.duplicate")
    new_id = conn.execute(
        table.insert().values(
            number=number,
            project_id=body.project_id,
            issue_date=body.issue_date.isoformat(),
            due_date=body.due_date.isoformat(),
            amount=canonical(body.amount),
            amount_paid="0",
            status="open",
            currency=body.currency,
            description=body.description,
            created_at=utcnow(),
            **values,
        )
    ).inserted_primary_key[0]
    return _document(conn.execute(select(table).where(table.c.id == new_id)).first())


@router.get("/invoices", response_model=InvoicePage, tags=["invoices"])
def list_invoices(
    page: PageParams = Depends(),
    customer_id: Optional[int] = Query(None),
    project_id: Optional[int] = Query(None),
    status: Optional[str] = Query(None, description="open | partial | paid", regex="^(open|partial|paid)$"),
    db: Database = Depends(get_db),
) -> Any:
    filters = []
    if customer_id is not None:
        filters.append(t.invoices.c.customer_id == customer_id)
    if project_id is not None:
        filters.append(t.invoices.c.project_id == project_id)
    if status is not None:
        filters.append(t.invoices.c.status == status)
    return _list_documents(t.invoices, page, db, filters)


@router.post("/invoices", response_model=Invoice, status_code=201, tags=["invoices"], responses=NOT_FOUND_OR_INVALID)
def create_invoice(body: InvoiceIn, db: Database = Depends(get_db)) -> Any:
    with db.write() as conn:
        _require(conn, t.customers, body.customer_id, "Customer")
        _require(conn, t.projects, body.project_id, "Project")
        return _insert_document(conn, t.invoices, "INV", {"customer_id": body.customer_id}, body)


@router.get("/invoices/{id}", response_model=InvoiceDetail, tags=["invoices"], responses=ERROR_RESPONSES)
def get_invoice(invoice_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    """An invoice with the payments applied to it."""
    with db.read() as conn:
        row = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).first()
        if row is None:
            raise not_found("Invoice")
        allocs = conn.execute(
            select(t.payment_allocations.c.payment_id, t.payments.c.date, t.payment_allocations.c.amount)
            .join(t.payments, t.payments.c.id == t.payment_allocations.c.payment_id)
            .where(t.payment_allocations.c.invoice_id == invoice_id)
            .order_by(t.payments.c.date, t.payment_allocations.c.id)
        ).all()
    return {**_document(row), "allocations": [a._asdict() for a in allocs]}


@router.get("/bills", response_model=BillPage, tags=["bills"])
def list_bills(
    page: PageParams = Depends(),
    vendor_id: Optional[int] = Query(None),
    project_id: Optional[int] = Query(None),
    status: Optional[str] = Query(None, description="open | partial | paid", regex="^(open|partial|paid)$"),
    db: Database = Depends(get_db),
) -> Any:
    filters = []
    if vendor_id is not None:
        filters.append(t.bills.c.vendor_id == vendor_id)
    if project_id is not None:
        filters.append(t.bills.c.project_id == project_id)
    if status is not None:
        filters.append(t.bills.c.status == status)
    return _list_documents(t.bills, page, db, filters)


@router.post("/bills", response_model=Bill, status_code=201, tags=["bills"], responses=NOT_FOUND_OR_INVALID)
def create_bill(body: BillIn, db: Database = Depends(get_db)) -> Any:
    with db.write() as conn:
        _require(conn, t.vendors, body.vendor_id, "Vendor")
        _require(conn, t.projects, body.project_id, "Project")
        return _insert_document(
            conn, t.bills, "BILL", {"vendor_id": body.vendor_id, "category": body.category}, body
        )


@router.get("/bills/{id}", response_model=Bill, tags=["bills"], responses=ERROR_RESPONSES)
def get_bill(bill_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        row = conn.execute(select(t.bills).where(t.bills.c.id == bill_id)).first()
    if row is None:
        raise not_found("Bill")
    return _document(row)


# ---------------------------------------------------------------- payments


def _payment(conn: Any, payment_id: int) -> dict[str, Any]:
    row = conn.execute(select(t.payments).where(t.payments.c.id == payment_id)).first()
    if row is None:
        raise not_found("Payment")
    allocs = conn.execute(
        select(t.payment_allocations.c.invoice_id, t.payment_allocations.c.amount)
        .where(t.payment_allocations.c.payment_id == payment_id)
        .order_by(t.payment_allocations.c.id)
    ).all()
    applied = sum((Decimal(a.amount) for a in allocs), Decimal(0))
    out = row._asdict()
    out["applied"] = canonical(applied)
    out["unapplied"] = canonical(Decimal(row.amount) - applied)
    out["allocations"] = [a._asdict() for a in allocs]
    return out


def apply_payment(conn: Any, body: PaymentIn, created_at: str) -> int:
    """Validate and record a payment and its allocations; updates invoice amount_paid and status."""
    _require(conn, t.customers, body.customer_id, "Customer")
    if body.allocations is None:
        open_rows = conn.execute(
            select(t.invoices)
            .where(t.invoices.c.customer_id == body.customer_id, t.invoices.c.status != "paid")
            .order_by(t.invoices.c.due_date, t.invoices.c.id)
        ).all()
        plan = auto_allocate(body.amount, [(r.id, Decimal(r.amount) - Decimal(r.amount_paid)) for r in open_rows])
    else:
        plan = []
        seen: set[int] = set()
        for i, alloc in enumerate(body.allocations):
            loc = ["body", "allocations", i]
            inv = conn.execute(select(t.invoices).where(t.invoices.c.id == alloc.invoice_id)).first()
            if inv is None:
                raise not_found(f"Invoice {alloc.invoice_id}")
            if alloc.invoice_id in seen:
                raise unprocessable(loc + ["invoice_id"], "invoice appears more than once", "value_error.duplicate")
            seen.add(alloc.invoice_id)
            if inv.customer_id != body.customer_id:
                raise unprocessable(loc + ["invoice_id"], "invoice belongs to another customer", "value_error.customer")
            balance = Decimal(inv.amount) - Decimal(inv.amount_paid)
            if alloc.amount > balance:
                raise unprocessable(
                    loc + ["amount"], f"amount exceeds the invoice balance of {canonical(balance)}", "value_error.balance"
                )
            plan.append((alloc.invoice_id, alloc.amount))
        if sum((a for _, a in plan), Decimal(0)) > body.amount:
            raise unprocessable(["body", "allocations"], "allocations exceed the payment amount", "value_error.total")
    payment_id = conn.execute(
        t.payments.insert().values(
            customer_id=body.customer_id,
            amount=canonical(body.amount),
            date=body.date.isoformat(),
            method=body.method,
            reference=body.reference,
            created_at=created_at,
        )
    ).inserted_primary_key[0]
    for invoice_id, amount in plan:
        conn.execute(t.payment_allocations.insert().values(payment_id=payment_id, invoice_id=invoice_id, amount=canonical(amount)))
        inv = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).first()
        paid = Decimal(inv.amount_paid) + amount
        conn.execute(
            t.invoices.update()
            .where(t.invoices.c.id == invoice_id)
            .values(amount_paid=canonical(paid), status=status_of(Decimal(inv.amount), paid))
        )
    return payment_id


@router.post("/payments", response_model=Payment, status_code=201, tags=["payments"], responses=NOT_FOUND_OR_INVALID)
def create_payment(body: PaymentIn, db: Database = Depends(get_db)) -> Any:
    """Record a customer payment applied to one or more invoices (partial allowed, remainder unapplied)."""
    with db.write() as conn:
        payment_id = apply_payment(conn, body, utcnow())
        return _payment(conn, payment_id)


@router.get("/payments", response_model=PaymentPage, tags=["payments"])
def list_payments(
    page: PageParams = Depends(), customer_id: Optional[int] = Query(None), db: Database = Depends(get_db)
) -> Any:
    filters = [t.payments.c.customer_id == customer_id] if customer_id is not None else []
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(t.payments).where(*filters)).scalar_one()
        ids = conn.execute(
            select(t.payments.c.id).where(*filters).order_by(t.payments.c.id).limit(page.limit).offset(page.offset)
        ).scalars().all()
        items = [_payment(conn, i) for i in ids]
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/payments/{id}", response_model=Payment, tags=["payments"], responses=ERROR_RESPONSES)
def get_payment(payment_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        return _payment(conn, payment_id)


# ---------------------------------------------------------------- aging


def _section(items: list[tuple[int, str, str, Decimal]], names: dict[int, str], as_of: date) -> dict[str, Any]:
    """items: (party_id, due_date, _, balance) with balance > 0."""
    totals = empty_buckets()
    per_party: dict[int, dict[str, list[Any]]] = defaultdict(empty_buckets)
    for party_id, due, _, balance in items:
        bucket = bucket_for(as_of, date.fromisoformat(due))
        add_to(totals, bucket, balance)
        add_to(per_party[party_id], bucket, balance)

    def wire(b: dict[str, list[Any]]) -> list[dict[str, Any]]:
        return [{"bucket": k, "amount": canonical(b[k][0]), "count": b[k][1]} for k in BUCKETS]

    return {
        "total": canonical(sum((v[0] for v in totals.values()), Decimal(0))),
        "count": sum(v[1] for v in totals.values()),
        "buckets": wire(totals),
        "parties": [
            {
                "id": pid,
                "name": names.get(pid, ""),
                "total": canonical(sum((v[0] for v in b.values()), Decimal(0))),
                "buckets": wire(b),
            }
            for pid, b in sorted(per_party.items())
        ],
    }


@router.get("/reports/aging", response_model=AgingReport, tags=["reports"], responses={422: {"model": Detail}})
def aging_report(
    as_of: Optional[date] = Query(None, description="YYYY-MM-DD; default today (UTC)"),
    db: Database = Depends(get_db),
) -> Any:
    """Open balances by days past due. Receivables count only payments dated on or before as_of."""
    day = as_of or datetime.now(timezone.utc).date()
    iso = day.isoformat()
    with db.read() as conn:
        invoices = conn.execute(select(t.invoices).where(t.invoices.c.issue_date <= iso)).all()
        paid_by: dict[int, Decimal] = defaultdict(Decimal)
        for a in conn.execute(
            select(t.payment_allocations.c.invoice_id, t.payment_allocations.c.amount)
            .join(t.payments, t.payments.c.id == t.payment_allocations.c.payment_id)
            .where(t.payments.c.date <= iso)
        ):
            paid_by[a.invoice_id] += Decimal(a.amount)
        bills = conn.execute(select(t.bills).where(t.bills.c.issue_date <= iso)).all()
        customers = {r.id: r.name for r in conn.execute(select(t.customers.c.id, t.customers.c.name))}
        vendors = {r.id: r.name for r in conn.execute(select(t.vendors.c.id, t.vendors.c.name))}
    receivable = []
    for inv in invoices:
        balance = Decimal(inv.amount) - paid_by[inv.id]
        if balance > 0:
            receivable.append((inv.customer_id, inv.due_date, inv.number, balance))
    payable = []
    for bill in bills:
        balance = Decimal(bill.amount) - Decimal(bill.amount_paid)
        if balance > 0:
            payable.append((bill.vendor_id, bill.due_date, bill.number, balance))
    return {
        "as_of": iso,
        "receivables": _section(receivable, customers, day),
        "payables": _section(payable, vendors, day),
    }
