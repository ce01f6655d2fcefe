"""The FastAPI application. ``create_app(db_path)`` builds one; ``app`` is built lazily from the env."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from fastapi import FastAPI
from pydantic import BaseModel

from . import __version__
from .config import Settings, from_env
from .db import Database
from .logs import RequestLogMiddleware, configure_logging
from .routers import apar, bonus, diag, projects, sessions
from .seed import is_seeded, seed


class Health(BaseModel):
    status: str


def create_app(db_path: Optional[str] = None, settings: Optional[Settings] = None) -> FastAPI:
    """Open (create and seed on first use) the SQLite database and build the app."""
    settings = settings or from_env()
    if db_path is not None:
        settings = replace(settings, db_path=str(db_path))
    configure_logging()
    db = Database(settings.db_path)
    with db.write() as conn:
        if not is_seeded(conn):
            seed(conn)

    app = FastAPI(
        title="Legacy compensation & AP/AR service",
        version=__version__,
        description="The legacy FastAPI backend that fig fronts (reference stand-in).",
    )
    app.state.db = db
    app.state.settings = settings

    @app.get("/health", response_model=Health, tags=["health"])
    def health() -> Health:
        return Health(status="ok")

    for module in (sessions, bonus, apar, projects):
        app.include_router(module.router)
    if settings.diag:
        app.include_router(diag.router)
    app.add_middleware(RequestLogMiddleware)

    @app.on_event("shutdown")
    def _close() -> None:
        db.dispose()

    return app


_app: Optional[FastAPI] = None


def __getattr__(name: str) -> Any:
    # `from legacy_fastapi.app import app` (or uvicorn "legacy_fastapi.app:app") builds from the env
    # on first access, so importing create_app never touches the default database.
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(name)
