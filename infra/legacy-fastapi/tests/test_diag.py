"""Diagnostic endpoints used by the gateway's proxy tests."""

from __future__ import annotations

import gzip
import hashlib
import json


def test_echo_reports_method_raw_path_query_headers_and_body(client):
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        r = client.request(method, "/api/v1/_diag/echo?b=%2F&a=1&a=2&sp=%20", content=b"hello",
                           headers={"X-Custom": "v1"})
        assert r.status_code == 200, method
        body = r.json()
        assert body["method"] == method
        assert body["raw_path"] == "/api/v1/_diag/echo"
        assert body["query_string"] == "b=%2F&a=1&a=2&sp=%20"
        assert body["url"] == "/api/v1/_diag/echo?b=%2F&a=1&a=2&sp=%20"
        assert ["x-custom", "v1"] in body["headers"]
        assert (body["body_length"], body["body_sha256"]) == (5, hashlib.sha256(b"hello").hexdigest())


def test_echo_keeps_encoded_path_bytes_from_the_raw_scope(app):
    # TestClient always derives raw_path itself; drive the ASGI app directly with an odd raw path.
    import asyncio

    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/api/v1/_diag/echo", "raw_path": b"/api/v1/_diag/%65cho", "root_path": "",
        "query_string": b"q=%E2%82%AC+x", "headers": [(b"host", b"t")], "server": ("t", 80), "client": ("c", 1),
    }
    asyncio.run(app(scope, receive, send))
    body = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    assert (body["raw_path"], body["query_string"]) == ("/api/v1/_diag/%65cho", "q=%E2%82%AC+x")


def test_stream_sends_n_chunks(client):
    with client.stream("GET", "/api/v1/_diag/stream?chunks=4&delay_ms=1") as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
        assert "content-length" not in r.headers
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines == [{"chunk": i, "of": 4} for i in range(4)]


def test_gzip_is_compressed_by_the_app(client):
    r = client.get("/api/v1/_diag/gzip", headers={"Accept-Encoding": "identity"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["message"] == "compressed by the legacy service"  # httpx decoded it
    raw = gzip.compress(json.dumps(r.json()).encode(), mtime=0)
    assert int(r.headers["content-length"]) == len(raw)


def test_redirect_not_modified_slow_upload(client):
    r = client.get("/api/v1/_diag/redirect", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (302, "/api/v1/_diag/echo?from=redirect")
    r = client.get("/api/v1/_diag/not-modified")
    etag = r.headers["etag"]
    assert r.status_code == 200 and r.json() == {"etag": etag, "message": "fresh"}
    r = client.get("/api/v1/_diag/not-modified", headers={"If-None-Match": f'"other", {etag}'})
    assert (r.status_code, r.content, r.headers["etag"]) == (304, b"", etag)
    assert client.get("/api/v1/_diag/not-modified", headers={"If-None-Match": '"x"'}).status_code == 200
    assert client.get("/api/v1/_diag/slow?ms=5").json() == {"slept_ms": 5}
    assert client.get("/api/v1/_diag/slow?ms=-1").status_code == 422
    payload = bytes(range(256)) * 8192  # 2 MiB
    r = client.post("/api/v1/_diag/upload", content=payload)
    assert r.json() == {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}


def test_diag_is_off_unless_legacy_diag_is_set(client, db_path, monkeypatch):
    import pytest
    from fastapi.testclient import TestClient

    from legacy_fastapi.app import create_app
    from legacy_fastapi.config import Settings, from_env

    plain = create_app(str(db_path), settings=Settings())
    try:
        assert TestClient(plain).get("/api/v1/_diag/echo").status_code == 404
        paths = set(TestClient(plain).get("/openapi.json").json()["paths"])
        with_diag = set(client.get("/openapi.json").json()["paths"])
        assert sorted(with_diag - paths) == sorted(p for p in with_diag if p.startswith("/api/v1/_diag/"))
        assert len(with_diag - paths) == 7
        assert paths < with_diag
    finally:
        plain.state.db.dispose()

    monkeypatch.delenv("LEGACY_DIAG", raising=False)
    assert from_env().diag is False
    monkeypatch.setenv("LEGACY_DIAG", "1")
    assert from_env().diag is True
    monkeypatch.setenv("LEGACY_DIAG", "maybe")
    with pytest.raises(SystemExit, match="LEGACY_DIAG must be 1 or 0"):
        from_env()
