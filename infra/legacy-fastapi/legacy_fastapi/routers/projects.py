"""Projects read APIs (these stay on legacy during the migration)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, List, Optional

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from .. import db as t
from ..common import ERROR_RESPONSES, PageParams, get_db, not_found, page_model
from ..db import Database
from ..decimals import canonical

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


class Project(BaseModel):
    id: int
    code: str
    name: str
    status: str
    customer_id: Optional[int]
    start_date: str
    end_date: Optional[str]
    budget: str
    created_at: str


class BudgetLine(BaseModel):
    category: str
    budget: str
    spent: str
    remaining: str


class ProjectBudget(BaseModel):
    project_id: int
    currency: str
    budget: str
    spent: str
    remaining: str
    invoiced: str
    lines: List[BudgetLine]


ProjectPage = page_model(Project)


def _budgets(conn: Any, ids: list[int]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for r in conn.execute(
        select(t.project_budget_lines.c.project_id, t.project_budget_lines.c.amount).where(
            t.project_budget_lines.c.project_id.in_(ids)
        )
    ):
        out[r.project_id] += Decimal(r.amount)
    return out


def _project(row: Any, budget: Decimal) -> dict[str, Any]:
    return {**row._asdict(), "budget": canonical(budget)}


@router.get("", response_model=ProjectPage)
def list_projects(
    page: PageParams = Depends(),
    status: Optional[str] = Query(None, regex="^(active|completed|on_hold)$", description="active | completed | on_hold"),
    db: Database = Depends(get_db),
) -> Any:
    filters = [t.projects.c.status == status] if status else []
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(t.projects).where(*filters)).scalar_one()
        rows = conn.execute(
            select(t.projects).where(*filters).order_by(t.projects.c.id).limit(page.limit).offset(page.offset)
        ).all()
        budgets = _budgets(conn, [r.id for r in rows])
    return {
        "items": [_project(r, budgets[r.id]) for r in rows],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    }


def _get(conn: Any, project_id: int) -> Any:
    row = conn.execute(select(t.projects).where(t.projects.c.id == project_id)).first()
    if row is None:
        raise not_found("Project")
    return row


@router.get("/{id}", response_model=Project, responses=ERROR_RESPONSES)
def get_project(project_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    with db.read() as conn:
        row = _get(conn, project_id)
        return _project(row, _budgets(conn, [project_id])[project_id])


@router.get("/{id}/budget", response_model=ProjectBudget, responses=ERROR_RESPONSES)
def get_project_budget(project_id: int = Path(..., alias="id"), db: Database = Depends(get_db)) -> Any:
    """Budget per category against spend (bills booked to the project) and amounts invoiced."""
    with db.read() as conn:
        _get(conn, project_id)
        lines = conn.execute(
            select(t.project_budget_lines)
            .where(t.project_budget_lines.c.project_id == project_id)
            .order_by(t.project_budget_lines.c.id)
        ).all()
        bills = conn.execute(
            select(t.bills.c.category, t.bills.c.amount).where(t.bills.c.project_id == project_id)
        ).all()
        invoiced = sum(
            (Decimal(r.amount) for r in conn.execute(select(t.invoices.c.amount).where(t.invoices.c.project_id == project_id))),
            Decimal(0),
        )
    budget: dict[str, Decimal] = {}
    for line in lines:
        budget[line.category] = budget.get(line.category, Decimal(0)) + Decimal(line.amount)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    for b in bills:
        spent[b.category] += Decimal(b.amount)
    categories = list(budget) + sorted(c for c in spent if c not in budget)
    zero = Decimal(0)
    total_budget = sum(budget.values(), zero)
    total_spent = sum(spent.values(), zero)
    return {
        "project_id": project_id,
        "currency": "USD",
        "budget": canonical(total_budget),
        "spent": canonical(total_spent),
        "remaining": canonical(total_budget - total_spent),
        "invoiced": canonical(invoiced),
        "lines": [
            {
                "category": c,
                "budget": canonical(budget.get(c, zero)),
                "spent": canonical(spent.get(c, zero)),
                "remaining": canonical(budget.get(c, zero) - spent.get(c, zero)),
            }
            for c in categories
        ],
    }
