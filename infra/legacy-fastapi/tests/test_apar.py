"""Customers, vendors, invoices, bills, payment allocation, aging buckets."""

from __future__ import annotations

from datetime import date, timedelta


def new_customer(client, name="Test Co"):
    r = client.post("/api/v1/customers", json={"name": name, "email": "ap@test.example"})
    assert r.status_code == 201
    return r.json()


def new_invoice(client, customer_id, amount, issue="2025-01-01", due="2025-01-31", **extra):
    r = client.post(
        "/api/v1/invoices",
        json={"customer_id": customer_id, "amount": amount, "issue_date": issue, "due_date": due, **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_seeded_ap_ar_counts(client):
    assert client.get("/api/v1/customers").json()["total"] == 25
    assert client.get("/api/v1/vendors").json()["total"] == 15
    assert client.get("/api/v1/invoices?limit=1").json()["total"] == 320
    assert client.get("/api/v1/bills?limit=1").json()["total"] == 220
    assert client.get("/api/v1/payments?limit=1").json()["total"] > 100


def test_customers_and_vendors(client):
    c = new_customer(client)
    assert client.get(f"/api/v1/customers/{c['id']}").json() == c
    assert client.get("/api/v1/customers/9999").json() == {"detail": "Customer not found"}
    v = client.post("/api/v1/vendors", json={"name": "Paper Ltd"}).json()
    assert v["email"] is None and client.get(f"/api/v1/vendors/{v['id']}").json() == v
    assert client.get("/api/v1/vendors/9999").json() == {"detail": "Vendor not found"}
    r = client.post("/api/v1/customers", json={"name": " ", "email": "nope"})
    assert sorted(tuple(d["loc"]) for d in r.json()["detail"]) == [("body", "email"), ("body", "name")]


def test_invoice_create_get_and_filters(client):
    c = new_customer(client)
    inv = new_invoice(client, c["id"], "1200.50", description="March")
    assert inv["number"] == "INV-000321"
    assert (inv["amount"], inv["amount_paid"], inv["balance"], inv["status"], inv["currency"]) == (
        "1200.5", "0", "1200.5", "open", "USD"
    )
    detail = client.get(f"/api/v1/invoices/{inv['id']}").json()
    assert detail == {**inv, "allocations": []}
    page = client.get(f"/api/v1/invoices?customer_id={c['id']}").json()
    assert page["total"] == 1 and page["items"][0] == inv
    for status in ("open", "partial", "paid"):
        items = client.get(f"/api/v1/invoices?status={status}&limit=1000").json()["items"]
        assert items and all(i["status"] == status for i in items)
    assert client.get("/api/v1/invoices?status=weird").status_code == 422
    assert client.get("/api/v1/invoices/9999").json() == {"detail": "Invoice not found"}


def test_invoice_validation(client):
    c = new_customer(client)
    r = client.post(
        "/api/v1/invoices",
        json={"customer_id": c["id"], "amount": "0", "issue_date": "2025-02-01", "due_date": "2025-01-01"},
    )
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", "amount"]]
    r = client.post(
        "/api/v1/invoices",
        json={"customer_id": c["id"], "amount": "5", "issue_date": "2025-02-01", "due_date": "2025-01-01"},
    )
    assert r.json()["detail"] == [
        {"loc": ["body", "__root__"], "msg": "due_date must not be before issue_date", "type": "value_error"}
    ]
    r = client.post(
        "/api/v1/invoices", json={"customer_id": 9999, "amount": "5", "issue_date": "2025-01-01", "due_date": "2025-01-01"}
    )
    assert r.json() == {"detail": "Customer not found"}
    new_invoice(client, c["id"], "5", number="X-1")
    r = client.post(
        "/api/v1/invoices",
        json={"customer_id": c["id"], "amount": "5", "issue_date": "2025-01-01", "due_date": "2025-01-01", "number": "X-1"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["msg"] == "number X-1 already exists"


def test_bills(client):
    r = client.post(
        "/api/v1/bills",
        json={"vendor_id": 1, "project_id": 1, "category": "travel", "amount": "99.90",
              "issue_date": "2025-03-01", "due_date": "2025-03-31"},
    )
    assert r.status_code == 201
    bill = r.json()
    assert (bill["number"], bill["amount"], bill["balance"], bill["status"], bill["category"]) == (
        "BILL-000221", "99.9", "99.9", "open", "travel"
    )
    assert client.get(f"/api/v1/bills/{bill['id']}").json() == bill
    assert client.get("/api/v1/bills?vendor_id=1&limit=1000").json()["items"][-1] == bill
    assert client.get("/api/v1/bills/9999").json() == {"detail": "Bill not found"}
    r = client.post("/api/v1/bills", json={"vendor_id": 9999, "amount": "1", "issue_date": "2025-01-01", "due_date": "2025-01-01"})
    assert r.json() == {"detail": "Vendor not found"}


def test_payment_allocates_explicitly_with_partials(client):
    c = new_customer(client)
    a = new_invoice(client, c["id"], "100")
    b = new_invoice(client, c["id"], "250.50")
    r = client.post(
        "/api/v1/payments",
        json={
            "customer_id": c["id"], "amount": "300", "date": "2025-02-10", "reference": "wire 1",
            "allocations": [{"invoice_id": a["id"], "amount": "100"}, {"invoice_id": b["id"], "amount": "150.25"}],
        },
    )
    assert r.status_code == 201, r.text
    pay = r.json()
    assert (pay["amount"], pay["applied"], pay["unapplied"], pay["method"]) == ("300", "250.25", "49.75", "bank_transfer")
    assert pay["allocations"] == [{"invoice_id": a["id"], "amount": "100"}, {"invoice_id": b["id"], "amount": "150.25"}]
    inv_a = client.get(f"/api/v1/invoices/{a['id']}").json()
    inv_b = client.get(f"/api/v1/invoices/{b['id']}").json()
    assert (inv_a["status"], inv_a["balance"]) == ("paid", "0")
    assert (inv_b["status"], inv_b["amount_paid"], inv_b["balance"]) == ("partial", "150.25", "100.25")
    assert inv_b["allocations"] == [{"payment_id": pay["id"], "date": "2025-02-10", "amount": "150.25"}]
    assert client.get(f"/api/v1/payments/{pay['id']}").json() == pay
    assert client.get(f"/api/v1/payments?customer_id={c['id']}").json()["items"] == [pay]


def test_payment_without_allocations_pays_oldest_due_first(client):
    c = new_customer(client)
    late = new_invoice(client, c["id"], "100", due="2025-03-01")
    early = new_invoice(client, c["id"], "80", due="2025-02-01")
    pay = client.post("/api/v1/payments", json={"customer_id": c["id"], "amount": "120", "date": "2025-03-05"}).json()
    assert pay["allocations"] == [{"invoice_id": early["id"], "amount": "80"}, {"invoice_id": late["id"], "amount": "40"}]
    assert pay["unapplied"] == "0"
    assert client.get(f"/api/v1/invoices/{late['id']}").json()["balance"] == "60"


def test_payment_errors(client):
    c = new_customer(client)
    other = new_customer(client, "Other")
    mine = new_invoice(client, c["id"], "100")
    theirs = new_invoice(client, other["id"], "100")

    def pay(allocs, amount="100", customer=c["id"]):
        return client.post(
            "/api/v1/payments",
            json={"customer_id": customer, "amount": amount, "date": "2025-02-01", "allocations": allocs},
        )

    r = pay([{"invoice_id": mine["id"], "amount": "100.01"}], amount="200")
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body", "allocations", 0, "amount"], "msg": "amount exceeds the invoice balance of 100",
         "type": "value_error.balance"}
    ]
    r = pay([{"invoice_id": theirs["id"], "amount": "1"}])
    assert r.json()["detail"][0]["msg"] == "invoice belongs to another customer"
    r = pay([{"invoice_id": mine["id"], "amount": "60"}], amount="50")
    assert r.json()["detail"][0]["loc"] == ["body", "allocations"]
    r = pay([{"invoice_id": mine["id"], "amount": "10"}, {"invoice_id": mine["id"], "amount": "10"}])
    assert r.json()["detail"][0]["msg"] == "invoice appears more than once"
    assert pay([{"invoice_id": 99999, "amount": "1"}]).json() == {"detail": "Invoice 99999 not found"}
    assert pay(None, customer=99999).json() == {"detail": "Customer not found"}
    assert pay(None, amount="-5").status_code == 422
    # nothing was recorded by the failed attempts
    assert client.get(f"/api/v1/payments?customer_id={c['id']}").json()["total"] == 0
    assert client.get(f"/api/v1/invoices/{mine['id']}").json()["balance"] == "100"
    assert client.get("/api/v1/payments/99999").json() == {"detail": "Payment not found"}


def test_aging_buckets_by_days_past_due(client):
    c = new_customer(client, "Aging Co")
    as_of = date(2030, 6, 30)
    cases = {0: "current", -5: "current", 1: "1-30", 30: "1-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90",
             91: "90+", 400: "90+"}
    for days, _ in cases.items():
        due = as_of - timedelta(days=days)
        issue = min(due, as_of) - timedelta(days=1)
        new_invoice(client, c["id"], f"{days + 1000}", issue=issue.isoformat(), due=due.isoformat())
    # issued after as_of: not counted
    new_invoice(client, c["id"], "5", issue="2030-07-01", due="2030-07-31")
    # a paid-down invoice counts its remaining balance; a payment dated after as_of does not count
    part = new_invoice(client, c["id"], "500", issue="2030-05-01", due="2030-05-15")
    client.post("/api/v1/payments", json={"customer_id": c["id"], "amount": "200", "date": "2030-06-01",
                                          "allocations": [{"invoice_id": part["id"], "amount": "200"}]})
    client.post("/api/v1/payments", json={"customer_id": c["id"], "amount": "300", "date": "2030-07-02",
                                          "allocations": [{"invoice_id": part["id"], "amount": "300"}]})
    report = client.get("/api/v1/reports/aging?as_of=2030-06-30").json()
    assert report["as_of"] == "2030-06-30"
    mine = next(p for p in report["receivables"]["parties"] if p["id"] == c["id"])
    assert mine == {
        "id": c["id"],
        "name": "Aging Co",
        "total": "11059",
        "buckets": [
            {"bucket": "current", "amount": "1995", "count": 2},  # 1000 (due today) + 995 (due in 5 days)
            {"bucket": "1-30", "amount": "2031", "count": 2},  # 1001 + 1030
            {"bucket": "31-60", "amount": "2391", "count": 3},  # 1031 + 1060 + 300 (500 - 200, 46 days past due)
            {"bucket": "61-90", "amount": "2151", "count": 2},     # 1061 + 1090
            {"bucket": "90+", "amount": "2491", "count": 2},       # 1091 + 1400
        ],
    }
    assert report["receivables"]["buckets"][4]["bucket"] == "90+"
    assert report["payables"]["count"] > 0


def test_aging_seeded_data_spreads_over_every_bucket(client):
    report = client.get("/api/v1/reports/aging?as_of=2025-06-30").json()
    for section in ("receivables", "payables"):
        buckets = report[section]["buckets"]
        assert [b["bucket"] for b in buckets] == ["current", "1-30", "31-60", "61-90", "90+"]
        assert all(b["count"] > 0 for b in buckets), (section, buckets)
    assert client.get("/api/v1/reports/aging?as_of=2025-13-01").status_code == 422
    assert client.get("/api/v1/reports/aging").status_code == 200
