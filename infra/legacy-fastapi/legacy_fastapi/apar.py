"""AP/AR rules: invoice status, payment allocation, aging buckets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Optional

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def status_of(amount: Decimal, paid: Decimal) -> str:
    if paid <= 0:
        return "open"
    if paid >= amount:
        return "paid"
    return "partial"


def bucket_for(as_of: date, due: date) -> str:
    """current = not yet past due; then days past due 1-30, 31-60, 61-90, over 90."""
    days = (as_of - due).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def auto_allocate(amount: Decimal, open_items: Iterable[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Apply a payment to (invoice_id, balance) pairs in the given order (oldest due first)."""
    out = []
    remaining = amount
    for invoice_id, balance in open_items:
        if remaining <= 0:
            break
        if balance <= 0:
            continue
        applied = min(remaining, balance)
        out.append((invoice_id, applied))
        remaining -= applied
    return out


def empty_buckets() -> dict[str, list[Any]]:
    return {b: [Decimal(0), 0] for b in BUCKETS}


def add_to(buckets: dict[str, list[Any]], bucket: str, amount: Decimal) -> None:
    buckets[bucket][0] += amount
    buckets[bucket][1] += 1


def parse_day(value: Optional[str]) -> Optional[date]:
    return date.fromisoformat(value) if value else None
