"""Diagnostic endpoints for the gateway's proxy tests (raw paths, streaming, gzip, redirects, 304, slow)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from typing import Any, List

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

router = APIRouter(prefix="/api/v1/_diag", tags=["diagnostics"])

ETAG = '"legacy-diag-v1"'
ECHO_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class Echo(BaseModel):
    method: str
    raw_path: str = Field(..., description="path exactly as received (scope raw_path, latin-1)")
    query_string: str = Field(..., description="query exactly as received, without the '?'")
    url: str = Field(..., description="raw_path plus '?' and query_string when there is one")
    headers: List[List[str]] = Field(..., description="[name, value] pairs in arrival order, repeats kept apart")
    body_length: int
    body_sha256: str


class Digest(BaseModel):
    bytes: int
    sha256: str


class Slow(BaseModel):
    slept_ms: int


class Cached(BaseModel):
    etag: str
    message: str


def _raw_path(request: Request) -> str:
    # ASGI raw_path excludes the query; some clients (Starlette's TestClient) append it, so cut there.
    raw = request.scope.get("raw_path")
    return raw.split(b"?", 1)[0].decode("latin-1") if raw else request.scope["path"]


async def echo(request: Request) -> Echo:
    body = await request.body()
    raw_path = _raw_path(request)
    query = request.scope.get("query_string", b"").decode("latin-1")
    return Echo(
        method=request.method,
        raw_path=raw_path,
        query_string=query,
        url=f"{raw_path}?{query}" if query else raw_path,
        headers=[[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.scope["headers"]],
        body_length=len(body),
        body_sha256=hashlib.sha256(body).hexdigest(),
    )


for _method in ECHO_METHODS:
    router.add_api_route(
        "/echo",
        echo,
        methods=[_method],
        response_model=Echo,
        name=f"diag_echo_{_method.lower()}",
        summary=f"Echo a {_method} request",
    )


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
)
async def stream(
    chunks: int = Query(5, ge=1, le=10000), delay_ms: int = Query(0, ge=0, le=10000)
) -> StreamingResponse:
    """Chunked NDJSON: one line per chunk, `delay_ms` between chunks."""

    async def lines():
        for i in range(chunks):
            if i and delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            yield (json.dumps({"chunk": i, "of": chunks}) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson")


GZIP_PAYLOAD = {"message": "compressed by the legacy service", "items": list(range(100))}


@router.get(
    "/gzip",
    response_class=Response,
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}, "description": "gzip body"}},
)
def gzipped() -> Response:
    """JSON compressed by the app itself (Content-Encoding: gzip), whatever Accept-Encoding says."""
    body = gzip.compress(json.dumps(GZIP_PAYLOAD).encode(), mtime=0)
    return Response(content=body, media_type="application/json", headers={"Content-Encoding": "gzip"})


@router.get("/redirect", response_class=Response, status_code=302, responses={302: {"description": "to echo"}})
def redirect() -> Response:
    return Response(status_code=302, headers={"Location": "/api/v1/_diag/echo?from=redirect"})


@router.get("/not-modified", response_model=Cached, responses={304: {"description": "If-None-Match matched"}})
def not_modified(request: Request) -> Any:
    """200 with an ETag, or 304 when If-None-Match carries it (or *)."""
    tags = [t.strip() for t in request.headers.get("if-none-match", "").split(",") if t.strip()]
    if "*" in tags or ETAG in tags or f"W/{ETAG}" in tags:
        return Response(status_code=304, headers={"ETag": ETAG})
    return JSONResponse({"etag": ETAG, "message": "fresh"}, headers={"ETag": ETAG})


@router.get("/slow", response_model=Slow)
async def slow(ms: int = Query(1000, ge=0, le=120000)) -> Slow:
    """Sleeps `ms` milliseconds, then answers (for timeout tests)."""
    await asyncio.sleep(ms / 1000)
    return Slow(slept_ms=ms)


@router.post("/upload", response_model=Digest)
async def upload(request: Request) -> Digest:
    """Reads the body as a stream (any size) and returns its length and sha256."""
    digest = hashlib.sha256()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        digest.update(chunk)
    return Digest(bytes=size, sha256=digest.hexdigest())
