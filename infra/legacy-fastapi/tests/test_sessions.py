"""Anonymous sessions."""

from __future__ import annotations

from sqlalchemy import update

from legacy_fastapi import db as t


def test_create_sets_two_separate_cookies_and_returns_the_session(client):
    r = client.post("/api/v1/sessions", json={"data": {"cart": [1, 2], "theme": "dark"}})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "data", "created_at", "updated_at", "expires_at"}
    assert body["data"] == {"cart": [1, 2], "theme": "dark"}
    cookies = r.headers.get_list("set-cookie")
    assert len(cookies) == 2
    assert cookies[0].startswith(f"legacy_session={body['id']}; HttpOnly;") and "Path=/" in cookies[0]
    assert cookies[1].startswith("legacy_seen=1;") and "Path=/" in cookies[1]


def test_create_without_body(client):
    r = client.post("/api/v1/sessions")
    assert r.status_code == 201 and r.json()["data"] == {}


def test_get_put_list_delete(client):
    sid = client.post("/api/v1/sessions").json()["id"]
    assert client.get(f"/api/v1/sessions/{sid}").json()["data"] == {}
    r = client.put(f"/api/v1/sessions/{sid}", json={"data": {"step": 2}})
    assert r.status_code == 200 and r.json()["data"] == {"step": 2}
    assert client.get(f"/api/v1/sessions/{sid}").json()["data"] == {"step": 2}
    other = client.post("/api/v1/sessions").json()["id"]
    page = client.get("/api/v1/sessions?limit=1&offset=1").json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [s["id"] for s in client.get("/api/v1/sessions").json()["items"]] == [sid, other]
    r = client.delete(f"/api/v1/sessions/{sid}")
    assert r.status_code == 204 and r.content == b""
    assert client.get(f"/api/v1/sessions/{sid}").json() == {"detail": "Session not found"}
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 404
    assert client.put(f"/api/v1/sessions/{sid}", json={"data": {}}).status_code == 404


def test_put_validates_body(client):
    sid = client.post("/api/v1/sessions").json()["id"]
    r = client.put(f"/api/v1/sessions/{sid}", json={"data": [1]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "data"]


def test_expired_sessions_are_gone(client, app):
    sid = client.post("/api/v1/sessions").json()["id"]
    with app.state.db.write() as conn:
        conn.execute(update(t.sessions).where(t.sessions.c.id == sid).values(expires_at="2000-01-01T00:00:00.000Z"))
    assert client.get(f"/api/v1/sessions/{sid}").status_code == 404
    assert client.get("/api/v1/sessions").json()["total"] == 0
