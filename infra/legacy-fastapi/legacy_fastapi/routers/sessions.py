"""Anonymous sessions kept in SQLite, identified by a random id and a cookie."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from .. import db as tables
from ..common import ERROR_RESPONSES, PageParams, get_db, not_found, page_model
from ..db import Database, utcnow

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])

COOKIE = "legacy_session"


class SessionBody(BaseModel):
    data: Dict[str, Any] = Field(default_factory=dict, description="arbitrary JSON object")


class Session(BaseModel):
    id: str
    data: Dict[str, Any]
    created_at: str
    updated_at: str
    expires_at: str


SessionPage = page_model(Session)


def _to_session(row: Any) -> Session:
    return Session(
        id=row.id,
        data=json.loads(row.data),
        created_at=row.created_at,
        updated_at=row.updated_at,
        expires_at=row.expires_at,
    )


def _live(conn: Any, session_id: str) -> Any:
    row = conn.execute(select(tables.sessions).where(tables.sessions.c.id == session_id)).first()
    if row is None or row.expires_at <= utcnow():
        raise not_found("Session")
    return row


@router.post("", response_model=Session, status_code=201)
def create_session(
    request: Request,
    response: Response,
    body: Optional[SessionBody] = Body(None),
    db: Database = Depends(get_db),
) -> Session:
    """Create an anonymous session; sets `legacy_session` (HttpOnly) and `legacy_seen` cookies."""
    now = datetime.now(timezone.utc)
    ttl = request.app.state.settings.session_ttl_seconds
    created = utcnow()
    expires = (now + timedelta(seconds=ttl)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    session_id = secrets.token_hex(16)
    data = body.data if body else {}
    with db.write() as conn:
        conn.execute(
            tables.sessions.insert().values(
                id=session_id, data=json.dumps(data), created_at=created, updated_at=created, expires_at=expires
            )
        )
    response.set_cookie(COOKIE, session_id, httponly=True, path="/", max_age=ttl, samesite="lax")
    response.set_cookie("legacy_seen", "1", path="/")
    return Session(id=session_id, data=data, created_at=created, updated_at=created, expires_at=expires)


@router.get("", response_model=SessionPage)
def list_sessions(page: PageParams = Depends(), db: Database = Depends(get_db)) -> Any:
    """Live sessions, oldest first (used by backfill importers)."""
    now = utcnow()
    live = tables.sessions.c.expires_at > now
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(tables.sessions).where(live)).scalar_one()
        rows = conn.execute(
            select(tables.sessions)
            .where(live)
            .order_by(tables.sessions.c.created_at, tables.sessions.c.id)
            .limit(page.limit)
            .offset(page.offset)
        ).all()
    return {"items": [_to_session(r) for r in rows], "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/{id}", response_model=Session, responses=ERROR_RESPONSES)
def get_session(session_id: str = Path(..., alias="id"), db: Database = Depends(get_db)) -> Session:
    with db.read() as conn:
        return _to_session(_live(conn, session_id))


@router.put("/{id}", response_model=Session, responses=ERROR_RESPONSES)
def update_session(body: SessionBody, session_id: str = Path(..., alias="id"), db: Database = Depends(get_db)) -> Session:
    """Replace the session's data."""
    with db.write() as conn:
        _live(conn, session_id)
        conn.execute(
            tables.sessions.update()
            .where(tables.sessions.c.id == session_id)
            .values(data=json.dumps(body.data), updated_at=utcnow())
        )
        return _to_session(_live(conn, session_id))


@router.delete("/{id}", status_code=204, response_class=Response, responses=ERROR_RESPONSES)
def delete_session(session_id: str = Path(..., alias="id"), db: Database = Depends(get_db)) -> Response:
    with db.write() as conn:
        _live(conn, session_id)
        conn.execute(tables.sessions.delete().where(tables.sessions.c.id == session_id))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response
