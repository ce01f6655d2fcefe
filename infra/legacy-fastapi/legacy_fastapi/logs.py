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
# W3C traceparent: version-traceid-parentid-flags (lower-case hex; all-zero ids are invalid).
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


def trace_ids(value: str | None) -> tuple[str | None, str | None]:
    """(trace id, parent span id) of a valid W3C traceparent, else (None, None)."""
    if not value:
        return None, None
    m = _TRACEPARENT.match(value.strip())
    if not m:
        return None, None
    version, trace_id, parent_id, _flags, rest = m.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None, None
    if set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None, None
    return trace_id, parent_id


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
        seen_request_id = False
        traceparent = None
        for name, value in scope["headers"]:
            # Only the first X-Request-Id counts (an invalid one is replaced, not skipped over).
            if name == b"x-request-id" and not seen_request_id:
                seen_request_id = True
                candidate = value.decode("latin-1")
                if _REQUEST_ID_OK.match(candidate):
                    request_id = candidate
            elif name == b"traceparent" and traceparent is None:
                traceparent = value.decode("latin-1")
        trace_id, parent_span_id = trace_ids(traceparent)
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
                trace_id=trace_id,
                parent_span_id=parent_span_id,
            )
