"""Health, OpenAPI completeness, request ids and structured logs, generator, deterministic seed."""

from __future__ import annotations

import json
import logging
import sqlite3

from legacy_fastapi.app import create_app
from legacy_fastapi.config import Settings
from legacy_fastapi.gen import COLUMNS, EDGE_CASES, csv_text, generate_rows, main


def test_health(client):
    r = client.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_every_route_is_in_openapi_with_a_response_schema(client):
    doc = client.get("/openapi.json").json()
    ops = [(m.upper(), p, o) for p, item in doc["paths"].items() for m, o in item.items()]
    assert len(ops) == 52
    for method, path, op in ops:
        ok = [c for c in op["responses"] if c.startswith("2") or c == "302"]
        assert ok, (method, path)
        code = ok[0]
        if code in ("204", "302"):
            continue
        content = op["responses"][code].get("content")
        assert content, (method, path)
        schema = next(iter(content.values()))["schema"]
        assert schema, (method, path)
    app_paths = {r.path for r in client.app.routes if getattr(r, "include_in_schema", False)}
    assert app_paths <= set(doc["paths"])
    assert client.get("/docs").status_code == 200


def test_request_id_is_echoed_or_generated_and_logged(client):
    records = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("legacy_fastapi.access")
    logger.addHandler(handler)
    try:
        r = client.get("/api/v1/projects/1?x=1", headers={"X-Request-Id": "abc-123"})
        generated = client.get("/health").headers["x-request-id"]
        client.get("/health", headers={"X-Request-Id": "bad id with spaces"})
    finally:
        logger.removeHandler(handler)
    assert r.headers["x-request-id"] == "abc-123"
    assert len(generated) == 32 and generated != "abc-123"
    lines = [json.loads(rec.getMessage()) for rec in records]
    assert lines[0]["method"] == "GET" and lines[0]["path"] == "/api/v1/projects/1"
    assert (lines[0]["status"], lines[0]["request_id"], lines[0]["query"]) == (200, "abc-123", "x=1")
    assert isinstance(lines[0]["duration_ms"], float)
    assert lines[1]["request_id"] == generated
    assert lines[2]["request_id"] != "bad id with spaces"


def test_access_line_carries_the_w3c_trace_id_of_a_valid_traceparent(client):
    records = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("legacy_fastapi.access")
    logger.addHandler(handler)
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    try:
        client.get("/health", headers={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
        client.get("/health", headers={"traceparent": f"00-{'0' * 32}-00f067aa0ba902b7-01"})
        client.get("/health", headers={"traceparent": "not a traceparent"})
        client.get("/health")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(rec.getMessage()) for rec in records]
    assert (lines[0]["trace_id"], lines[0]["parent_span_id"]) == (trace, "00f067aa0ba902b7")
    assert [line["trace_id"] for line in lines[1:]] == [None, None, None]


def test_generator_is_deterministic_and_has_every_edge_case(tmp_path):
    assert csv_text(200, 7) == csv_text(200, 7)
    assert csv_text(200, 7) != csv_text(200, 8)
    rows = generate_rows(200, 7)
    assert list(rows[0]) == COLUMNS and len({r["employee_id"] for r in rows}) == 200
    for edge in EDGE_CASES:
        assert any(all(r[k] == v for k, v in edge.items()) for r in rows), edge
    out = tmp_path / "e.csv"
    assert main(["--employees", "50", "--seed", "3", "--out", str(out)]) == 0
    assert out.read_text() == csv_text(50, 3)
    assert out.read_text().splitlines()[0] == ",".join(COLUMNS)


def test_generator_cli_writes_to_stdout(capsys):
    main(["--employees", "3", "--seed", "1"])
    assert capsys.readouterr().out == csv_text(3, 1)


def _dump(path):
    conn = sqlite3.connect(path)
    tables = ["band_tables", "uploads", "upload_rows", "batches", "batch_results", "customers", "vendors",
              "projects", "project_budget_lines", "invoices", "bills", "payments", "payment_allocations"]
    out = {t: conn.execute(f"select * from {t} order by 1").fetchall() for t in tables}  # noqa: S608
    conn.close()
    return out


def test_seed_is_the_same_every_time(template_db, tmp_path):
    other = tmp_path / "again.sqlite3"
    create_app(str(other), settings=Settings()).state.db.dispose()
    assert _dump(other) == _dump(template_db)
