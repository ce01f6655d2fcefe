"""Projects read APIs."""

from __future__ import annotations

from decimal import Decimal


def test_list_and_get_projects(client):
    page = client.get("/api/v1/projects?limit=5").json()
    assert (page["total"], len(page["items"])) == (12, 5)
    first = page["items"][0]
    assert first["code"] == "PRJ-001"
    assert client.get(f"/api/v1/projects/{first['id']}").json() == first
    active = client.get("/api/v1/projects?status=active&limit=100").json()
    assert active["items"] and all(p["status"] == "active" for p in active["items"])
    assert client.get("/api/v1/projects?status=nope").status_code == 422
    assert client.get("/api/v1/projects/999").json() == {"detail": "Project not found"}


def test_budget_adds_up_against_bills_and_invoices(client):
    for project in client.get("/api/v1/projects?limit=100").json()["items"]:
        pid = project["id"]
        budget = client.get(f"/api/v1/projects/{pid}/budget").json()
        bills = client.get(f"/api/v1/bills?project_id={pid}&limit=1000").json()["items"]
        invoices = client.get(f"/api/v1/invoices?project_id={pid}&limit=1000").json()["items"]
        assert budget["budget"] == project["budget"]
        assert Decimal(budget["spent"]) == sum((Decimal(b["amount"]) for b in bills), Decimal(0))
        assert Decimal(budget["invoiced"]) == sum((Decimal(i["amount"]) for i in invoices), Decimal(0))
        assert Decimal(budget["remaining"]) == Decimal(budget["budget"]) - Decimal(budget["spent"])
        assert sum((Decimal(line["budget"]) for line in budget["lines"]), Decimal(0)) == Decimal(budget["budget"])
        for line in budget["lines"]:
            spent = sum((Decimal(b["amount"]) for b in bills if b["category"] == line["category"]), Decimal(0))
            assert Decimal(line["spent"]) == spent
    assert client.get("/api/v1/projects/999/budget").json() == {"detail": "Project not found"}


def test_budget_counts_a_new_bill(client):
    before = client.get("/api/v1/projects/2/budget").json()
    client.post("/api/v1/bills", json={"vendor_id": 1, "project_id": 2, "category": "brand-new", "amount": "10.05",
                                       "issue_date": "2025-01-01", "due_date": "2025-01-02"})
    after = client.get("/api/v1/projects/2/budget").json()
    assert Decimal(after["spent"]) - Decimal(before["spent"]) == Decimal("10.05")
    assert [line for line in after["lines"] if line["category"] == "brand-new"] == [
        {"category": "brand-new", "budget": "0", "spent": "10.05", "remaining": "-10.05"}
    ]
