"""Shared bits for routers: the database dependency, pagination, FastAPI-shaped errors."""

from __future__ import annotations

from typing import Any, List, Optional, Type

from fastapi import HTTPException, Query, Request
from pydantic import BaseModel, create_model

from .db import Database

MAX_LIMIT = 1000


def get_db(request: Request) -> Database:
    return request.app.state.db


class PageParams:
    """limit/offset query parameters shared by every list endpoint."""

    def __init__(
        self,
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="page size"),
        offset: int = Query(0, ge=0, description="rows to skip"),
    ) -> None:
        self.limit = limit
        self.offset = offset


def page_model(item: Type[BaseModel], name: Optional[str] = None) -> Type[BaseModel]:
    """`{items, total, limit, offset}` response model for a list endpoint."""
    return create_model(
        name or f"{item.__name__}Page",
        items=(List[item], ...),  # type: ignore[valid-type]
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def unprocessable(loc: list[Any], msg: str, type_: str = "value_error") -> HTTPException:
    """422 in FastAPI's own validation shape: {"detail": [{"loc", "msg", "type"}]}."""
    return HTTPException(status_code=422, detail=[{"loc": loc, "msg": msg, "type": type_}])


class Detail(BaseModel):
    detail: Any


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {404: {"model": Detail, "description": "Not found"}}
