"""Bands admin, /calculate, uploads (good and bad), batches, export, scenarios."""

from __future__ import annotations

import csv
import io

from legacy_fastapi.gen import csv_text

EMP = {
    "employee_id": "E1",
    "base_salary": "100000",
    "target_pct": "0.1",
    "performance_score": "0.85",
    "fund_return": "0.05",
    "revenue": "2000000",
}
DEFAULT_BANDS = [
    {"min_revenue": "0", "multiplier": "0.8"},
    {"min_revenue": "1000000", "multiplier": "1"},
    {"min_revenue": "5000000", "multiplier": "1.2"},
]


def upload(client, text: str, name: str = "staff.csv"):
    return client.post("/api/v1/uploads", files={"file": (name, text.encode(), "text/csv")})


# ------------------------------------------------------------------ bands


def test_band_table_starts_at_version_1_with_the_default_bands(client):
    r = client.get("/api/v1/admin/revenue-bands")
    assert r.status_code == 200
    assert r.json() == {"version": 1, "bands": DEFAULT_BANDS, "updated_at": "2025-06-30T09:00:00.000Z"}


def test_put_bands_bumps_the_version_and_batches_record_it(client):
    new = [{"min_revenue": "0", "multiplier": "0.5"}, {"min_revenue": "2000000.00", "multiplier": "1.50"}]
    r = client.put("/api/v1/admin/revenue-bands", json={"bands": new})
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == 2
    assert body["bands"] == [{"min_revenue": "0", "multiplier": "0.5"}, {"min_revenue": "2000000", "multiplier": "1.5"}]
    assert client.get("/api/v1/admin/revenue-bands").json()["version"] == 2
    batch = client.post("/api/v1/batches", json={"upload_id": 1}).json()
    assert batch["band_version"] == 2
    assert batch["bands"] == body["bands"]
    calc = client.post("/api/v1/calculate", json={"employees": [EMP]}).json()
    assert calc["band_version"] == 2
    assert calc["results"][0]["band_multiplier"] == "1.5"


def test_put_bands_validates_with_fastapi_detail_shape(client):
    cases = [
        ({"bands": []}, ["body", "bands"]),
        ({"bands": [{"min_revenue": "5", "multiplier": "1"}]}, ["body", "bands"]),
        ({"bands": [{"min_revenue": "0", "multiplier": "1"}, {"min_revenue": "0", "multiplier": "2"}]}, ["body", "bands"]),
        ({"bands": [{"min_revenue": "0", "multiplier": "-0.1"}]}, ["body", "bands", 0, "multiplier"]),
        ({"bands": [{"min_revenue": "0", "multiplier": "abc"}]}, ["body", "bands", 0, "multiplier"]),
        ({"bands": [{"min_revenue": str(i), "multiplier": "1"} for i in range(21)]}, ["body", "bands"]),
    ]
    for payload, loc in cases:
        r = client.put("/api/v1/admin/revenue-bands", json=payload)
        assert r.status_code == 422, payload
        detail = r.json()["detail"]
        assert detail[0]["loc"] == loc, (payload, detail)
        assert set(detail[0]) >= {"loc", "msg", "type"}
    assert client.get("/api/v1/admin/revenue-bands").json()["version"] == 1


def test_bands_error_messages(client):
    r = client.put("/api/v1/admin/revenue-bands", json={"bands": [{"min_revenue": "5", "multiplier": "1"}]})
    assert r.json() == {
        "detail": [{"loc": ["body", "bands"], "msg": "the first band must start at min_revenue 0", "type": "value_error"}]
    }


# ------------------------------------------------------------------ calculate


def test_calculate_returns_canonical_strings_and_the_band_version(client):
    r = client.post("/api/v1/calculate", json={"employees": [EMP]})
    assert r.status_code == 200
    assert r.json() == {
        "results": [
            {
                "employee_id": "E1",
                "perf_multiplier": "1.2",
                "fund_factor": "1.03",
                "band_multiplier": "1",
                "target": "10000",
                "raw": "12360",
                "capped": "12360",
                "bonus": "12360",
                "pool_bonus": None,
            }
        ],
        "total_bonus": "12360",
        "total_pool_bonus": None,
        "band_version": 1,
    }


def test_calculate_reads_json_numbers_from_their_exact_token(client):
    raw = (
        b'{"employees":[{"employee_id":7,"base_salary":1000.35,"target_pct":0.1,'
        b'"performance_score":0.6,"fund_return":0.02,"revenue":1000000}]}'
    )
    r = client.post("/api/v1/calculate", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    res = r.json()["results"][0]
    assert (res["employee_id"], res["capped"], res["bonus"]) == ("7", "100.035", "100.04")


def test_calculate_with_pool_and_own_bands(client):
    emps = [dict(EMP, employee_id=e) for e in ("c", "a", "b")]
    bands = [{"min_revenue": "0", "multiplier": "1"}]
    r = client.post("/api/v1/calculate", json={"employees": emps, "pool_amount": "20000", "bands": bands})
    body = r.json()
    assert body["band_version"] is None
    # each bonus 10000*1.2*1.03 = 12360; pool 20000 -> 6666.66.. each, 2 leftover cents to a and b
    assert [(x["employee_id"], x["bonus"], x["pool_bonus"]) for x in body["results"]] == [
        ("c", "12360", "6666.66"),
        ("a", "12360", "6666.67"),
        ("b", "12360", "6666.67"),
    ]
    assert (body["total_bonus"], body["total_pool_bonus"]) == ("37080", "20000")


def test_calculate_rejects_bad_rows_with_paths(client):
    bad = dict(EMP, base_salary="12,000", revenue="1e6")
    bad.pop("fund_return")
    r = client.post("/api/v1/calculate", json={"employees": [EMP, bad], "pool_amount": "-1"})
    assert r.status_code == 422
    locs = sorted(tuple(d["loc"]) for d in r.json()["detail"])
    assert locs == [
        ("body", "employees", 1, "base_salary"),
        ("body", "employees", 1, "fund_return"),
        ("body", "employees", 1, "revenue"),
        ("body", "pool_amount"),
    ]


def test_calculate_refuses_negative_salary_and_empty_body(client):
    r = client.post("/api/v1/calculate", json={"employees": [dict(EMP, base_salary="-1")]})
    assert r.json()["detail"] == [
        {
            "loc": ["body", "employees", 0, "base_salary"],
            "msg": "ensure this value is greater than or equal to 0",
            "type": "value_error",
        }
    ]
    assert client.post("/api/v1/calculate", json={}).status_code == 422
    r = client.post("/api/v1/calculate", json={"employees": []})
    assert r.json() == {"results": [], "total_bonus": "0", "total_pool_bonus": None, "band_version": 1}


# ------------------------------------------------------------------ uploads


def test_upload_stores_rows_and_paginates(client):
    text = csv_text(30, 5)
    r = upload(client, text)
    assert r.status_code == 201, r.text
    up = r.json()
    assert up["filename"] == "staff.csv" and up["row_count"] == 30 and len(up["sha256"]) == 64
    assert client.get(f"/api/v1/uploads/{up['id']}").json() == up
    page = client.get(f"/api/v1/uploads/{up['id']}/rows?limit=10&offset=25").json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (30, 10, 25, 5)
    first = client.get(f"/api/v1/uploads/{up['id']}/rows?limit=1").json()["items"][0]
    src = next(csv.DictReader(io.StringIO(text)))
    assert first["row_no"] == 2 and first["employee_id"] == src["employee_id"]
    listing = client.get("/api/v1/uploads").json()
    assert listing["total"] == 4 and listing["items"][-1]["id"] == up["id"]


HEADER = "employee_id,name,department,base_salary,target_pct,performance_score,fund_return,revenue\n"


def test_upload_missing_column(client):
    r = upload(client, "employee_id,name,department,base_salary,target_pct,performance_score\nE1,A,B,1,1,1\n")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "loc": ["body", "file", 1],
                "msg": "missing column(s): fund_return, revenue",
                "type": "value_error.missing_column",
                "row": 1,
                "column": None,
                "missing": ["fund_return", "revenue"],
            }
        ]
    }


def test_upload_non_numeric_cells_name_row_and_column(client):
    text = HEADER + "E1,A,Ops,50000,0.1,0.9,0.05,100\nE2,B,Ops,abc,0.1,0.9,0.05,1e6\nE3,C,Ops,-5,0.1,0.9,0.05,100\n"
    r = upload(client, text)
    assert r.status_code == 422
    assert [(d["row"], d["column"], d["msg"]) for d in r.json()["detail"]] == [
        (3, "base_salary", "'abc' is not a valid decimal"),
        (3, "revenue", "'1e6' is not a valid decimal"),
        (4, "base_salary", "must be greater than or equal to 0"),
    ]
    assert r.json()["detail"][0]["loc"] == ["body", "file", 3, "base_salary"]
    assert client.get("/api/v1/uploads").json()["total"] == 3  # nothing stored


def test_upload_empty_and_header_only_files(client):
    r = upload(client, "")
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body", "file"], "msg": "file is empty", "type": "value_error.empty", "row": None, "column": None}
    ]
    r = upload(client, HEADER)
    assert r.json()["detail"][0]["msg"] == "file has a header but no data rows"


def test_upload_duplicate_ids_and_ragged_rows(client):
    text = HEADER + "E1,A,Ops,1,0.1,0.9,0.05,100\nE1,B,Ops,1,0.1,0.9,0.05,100\nE3,C,Ops,1\n"
    detail = upload(client, text).json()["detail"]
    assert [(d["row"], d["column"], d["type"]) for d in detail] == [
        (3, "employee_id", "value_error.duplicate"),
        (4, None, "value_error.field_count"),
    ]


def test_upload_without_file_is_a_fastapi_422(client):
    r = client.post("/api/v1/uploads")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "file"]


def test_unknown_upload_is_404(client):
    assert client.get("/api/v1/uploads/999").json() == {"detail": "Upload not found"}
    assert client.get("/api/v1/uploads/999/rows").status_code == 404


# ------------------------------------------------------------------ batches


def test_historical_batches_are_seeded(client):
    page = client.get("/api/v1/batches").json()
    assert page["total"] == 3
    assert [b["band_version"] for b in page["items"]] == [1, 1, 1]
    assert [b["pool_applied"] for b in page["items"]] == [False, True, True]
    for b in page["items"][1:]:
        assert b["total_pool_bonus"] == b["pool_amount"]


def test_batch_computes_stores_and_exports(client):
    text = HEADER + (
        "E2,Bea,Ops,1000.35,0.1,0.6,0.02,1000000\n"
        "E1,Al,Risk,100000,0.1,0.85,0.05,2000000\n"
    )
    up = upload(client, text).json()
    r = client.post("/api/v1/batches", json={"upload_id": up["id"], "pool_amount": "10000", "scenario_name": "q"})
    assert r.status_code == 201
    batch = r.json()
    assert batch["employee_count"] == 2 and batch["total_bonus"] == "12460.04"
    assert batch["pool_applied"] is True and batch["total_pool_bonus"] == "10000"
    assert client.get(f"/api/v1/batches/{batch['id']}").json() == batch
    results = client.get(f"/api/v1/batches/{batch['id']}/results").json()
    assert results["total"] == 2
    first = results["items"][0]
    # 100.04 * 10000 / 12460.04 = 80.289..; 12360 * 10000 / 12460.04 = 9919.71..; floors 9999.99 -> cent to E2 (.0089 > .0071)
    assert {k: first[k] for k in ("employee_id", "capped", "bonus", "pool_bonus", "base_salary")} == {
        "employee_id": "E2",
        "capped": "100.035",
        "bonus": "100.04",
        "pool_bonus": "80.29",
        "base_salary": "1000.35",
    }
    assert results["items"][1]["pool_bonus"] == "9919.71"
    r = client.get(f"/api/v1/batches/{batch['id']}/export.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="batch-{batch["id"]}.csv"'
    lines = r.text.splitlines()
    assert lines[0].split(",")[-3:] == ["capped", "bonus", "pool_bonus"]
    assert lines[1] == "E2,Bea,Ops,1000.35,0.1,0.6,0.02,1000000,1,1,1,100.035,100.035,100.035,100.04,80.29"


def test_batch_errors(client):
    assert client.post("/api/v1/batches", json={"upload_id": 999}).json() == {"detail": "Upload not found"}
    r = client.post("/api/v1/batches", json={"upload_id": 1, "pool_amount": "x"})
    assert r.json()["detail"][0]["loc"] == ["body", "pool_amount"]
    for path in ("/api/v1/batches/999", "/api/v1/batches/999/results", "/api/v1/batches/999/export.csv"):
        assert client.get(path).json() == {"detail": "Batch not found"}


# ------------------------------------------------------------------ scenarios


def test_scenarios_compare_payouts(client):
    text = HEADER + "E1,Al,Risk,100000,0.1,0.85,0.05,2000000\nE2,Bo,Ops,50000,0.1,0.6,0.02,6000000\n"
    up = upload(client, text).json()
    # no pool: E1 12360, E2 5000*1*1*1.2 = 6000
    a = client.post("/api/v1/scenarios", json={"upload_id": up["id"], "name": "base"})
    assert a.status_code == 201
    a = a.json()
    assert (a["band_version"], a["total_bonus"], a["total_pool_bonus"]) == (1, "18360", None)
    bands = [{"min_revenue": "0", "multiplier": "1"}]
    b = client.post(
        "/api/v1/scenarios", json={"upload_id": up["id"], "name": "flat", "bands": bands, "pool_amount": "17000"}
    ).json()
    assert b["band_version"] is None and b["bands"] == bands
    # flat bands: 12360 + 5000 = 17360 > 17000 -> 12103.686.. (r .0064) and 4896.313.. (r .0036); cent to E1
    assert client.get(f"/api/v1/scenarios/{b['id']}").json() == b
    cmp = client.get(f"/api/v1/scenarios/{a['id']}/compare/{b['id']}").json()
    assert cmp["base"] == a and cmp["other"] == b
    assert (cmp["base_total"], cmp["other_total"], cmp["total_delta"], cmp["changed_count"]) == (
        "18360", "17000", "-1360", 2
    )
    assert cmp["employees"] == [
        {"employee_id": "E1", "base_payout": "12360", "other_payout": "12103.69", "delta": "-256.31"},
        {"employee_id": "E2", "base_payout": "6000", "other_payout": "4896.31", "delta": "-1103.69"},
    ]
    assert client.get("/api/v1/scenarios").json()["total"] == 2
    # the global band table is untouched by a scenario's own bands
    assert client.get("/api/v1/admin/revenue-bands").json()["version"] == 1


def test_scenario_errors(client):
    assert client.get("/api/v1/scenarios/999").json() == {"detail": "Scenario not found"}
    assert client.get("/api/v1/scenarios/1/compare/2").status_code == 404
    assert client.post("/api/v1/scenarios", json={"upload_id": 999, "name": "x"}).status_code == 404
    assert client.post("/api/v1/scenarios", json={"upload_id": 1, "name": ""}).status_code == 422
