"""Structured JSON request logs on stdout and X-Request-Id echo, as plain ASGI middleware
(so streaming responses stay streaming)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

log = logging.getLogger("legacy_fastapi.access")
_REQUEST_ID_OK = re.compile(r"^[\x21-\x7e]{1,200}$")


def configure_logging() -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def log_json(**fields: Any) -> None:
    log.info(json.dumps(fields, separators=(",", ":")))


class RequestLogMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                candidate = value.decode("latin-1")
                if _REQUEST_ID_OK.match(candidate):
                    request_id = candidate
                break
        if request_id is None:
            request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log_json(
                ts=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                level="info",
                msg="request",
                method=scope["method"],
                path=scope.get("raw_path", b"").split(b"?", 1)[0].decode("latin-1") or scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                request_id=request_id,
            )
