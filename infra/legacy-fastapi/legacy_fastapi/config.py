"""Settings from the environment (the only module that reads os.environ)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PACKAGE_ROOT / ".data" / "legacy.sqlite3"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db_path: str = str(DEFAULT_DB_PATH)
    log_level: str = "info"
    session_ttl_seconds: int = 86400
    # /api/v1/_diag/* (proxy test endpoints): off unless LEGACY_DIAG=1, so real users never see them.
    diag: bool = False


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise SystemExit(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _flag(name: str) -> bool:
    raw = (os.environ.get(name) or "0").lower()
    if raw not in ("0", "1", "true", "false", "yes", "no"):
        raise SystemExit(f"{name} must be 1 or 0, got {raw!r}")
    return raw in ("1", "true", "yes")


def from_env() -> Settings:
    level = os.environ.get("LEGACY_LOG_LEVEL", "info").lower()
    if level not in LOG_LEVELS:
        raise SystemExit(f"LEGACY_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    return Settings(
        host=os.environ.get("LEGACY_HOST") or "127.0.0.1",
        port=_int("LEGACY_PORT", 8000, 0, 65535),
        db_path=os.environ.get("LEGACY_DB_PATH") or str(DEFAULT_DB_PATH),
        log_level=level,
        session_ttl_seconds=_int("LEGACY_SESSION_TTL_SECONDS", 86400, 1, 10 * 365 * 86400),
        diag=_flag("LEGACY_DIAG"),
    )
