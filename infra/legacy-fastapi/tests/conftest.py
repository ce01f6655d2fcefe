"""Fixtures: a seeded template SQLite database built once, copied for every test that needs an app."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legacy_fastapi.app import create_app  # noqa: E402
from legacy_fastapi.config import Settings  # noqa: E402
from legacy_fastapi.db import Database  # noqa: E402


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "legacy.sqlite3"
    app = create_app(str(path), settings=Settings())
    app.state.db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


@pytest.fixture()
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "legacy.sqlite3"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory, template_db: Path):
    # Building the FastAPI app costs ~0.1-0.2 s (route cloning); tests share one and swap its database.
    path = tmp_path_factory.mktemp("shared") / "legacy.sqlite3"
    shutil.copyfile(template_db, path)
    # LEGACY_DIAG=1: the suite tests the _diag proxy endpoints too (test_diag.py).
    application = create_app(str(path), settings=Settings(diag=True))
    application.state.db.dispose()
    return application


@pytest.fixture()
def app(shared_app, db_path: Path):
    original = shared_app.state.db
    shared_app.state.db = Database(str(db_path))
    yield shared_app
    shared_app.state.db.dispose()
    shared_app.state.db = original


@pytest.fixture()
def client(request):
    """The app in-process; or, with LEGACY_TEST_BASE_URL set, a real HTTP client on that URL (the same
    tests run against another server answering legacy's API, e.g. fig after the cutover; that server
    must start each test from legacy's seeded state)."""
    base = os.environ.get("LEGACY_TEST_BASE_URL")
    if base:
        import httpx

        with httpx.Client(base_url=base, timeout=120) as c:
            yield c
        return
    yield TestClient(request.getfixturevalue("app"))
