"""`python3 -m legacy_fastapi`: seed if needed, then serve with uvicorn on LEGACY_HOST:LEGACY_PORT."""

from __future__ import annotations

import socket
import sys

import uvicorn

from .app import create_app
from .config import from_env
from .logs import configure_logging, log_json


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
    # IPPROTO_TCP, and without it every keep-alive response (headers and body written separately)
    # waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def main() -> int:
    settings = from_env()
    configure_logging()
    app = create_app(settings=settings)
    try:
        sock = _bind(settings.host, settings.port)
    except OSError as exc:
        print(f"legacy_fastapi: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    log_json(level="info", msg="listening", host=settings.host, port=port, db_path=settings.db_path)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=port,
        log_level=settings.log_level,
        access_log=False,
        timeout_keep_alive=65,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
