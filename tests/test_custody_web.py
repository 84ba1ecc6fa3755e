"""The custody log, the oversight inbox and the report status lookup over HTTP: API with the
one error shape, pages with CSRF, exports as CSV and JSON."""

from __future__ import annotations

import csv
import io

from test_web_support import REPORT, Web, csrf_of, sqlite_web, web  # noqa: F401

DETAINER = {
    "received_at": "2025-10-04T09:15",
    "agency": "ice",
    "document_type": "immigration_detainer",
    "case_ref": "RD-JH123456",
}


def test_api_logs_a_detainer_and_a_prohibited_transfer(web: Web) -> None:  # noqa: F811
    made = web.client.post("/api/v1/custody", json=DETAINER, headers=web.auth("officer"))
    assert made.status_code == 201, made.text
    rid = made.json()["request_id"]
    moved = web.client.post(
        f"/api/v1/custody/{rid}/events",
        json={"event": "transferred", "at": "2025-10-05T10:00", "to_agency": "ice"},
        headers=web.auth("officer"),
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["entry"]["decision"]["outcome"] == "prohibited"
    got = web.client.get(f"/api/v1/custody/{rid}", headers=web.auth("auditor")).json()
    assert got["status"] == "transferred" and got["events"][0]["to_agency"] == "ice"
    listed = web.client.get("/api/v1/custody?status=transferred", headers=web.auth("supervisor"))
    assert listed.json()["total"] == 1


def test_api_errors_use_the_one_shape(sqlite_web: Web) -> None:  # noqa: F811
    w = sqlite_web
    bad = w.client.post(
        "/api/v1/custody", json={**DETAINER, "case_ref": "Jane Doe"}, headers=w.auth("officer")
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "case_ref"
    anon = w.client.post("/api/v1/custody", json=DETAINER)
    assert anon.status_code == 401 and "error" in anon.json()
    auditor = w.client.post("/api/v1/custody", json=DETAINER, headers=w.auth("auditor"))
    assert auditor.status_code == 403
    missing = w.client.get("/api/v1/custody/cr-none", headers=w.auth("auditor"))
    assert missing.status_code == 404 and missing.json()["error"]["code"]
    unsorted = w.client.get("/api/v1/custody?sort=name", headers=w.auth("auditor"))
    assert unsorted.status_code == 422


def test_pages_log_a_request_and_its_release_and_export_the_list(sqlite_web: Web) -> None:  # noqa: F811
    client = sqlite_web.login("officer")
    form = client.get("/custody/new")
    assert form.status_code == 200
    made = client.post(
        "/custody",
        data={**DETAINER, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert "RD-JH123456" in page.text and 'id="custody-status">open' in page.text
    out = client.post(
        made.headers["location"] + "/events",
        data={"event": "released", "at": "2025-10-05T08:00", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert out.status_code == 303
    page = client.get(made.headers["location"])
    assert 'id="custody-status">released' in page.text
    listed = client.get("/custody?status=released&sort=agency&order=asc")
    assert listed.status_code == 200 and "RD-JH123456" in listed.text
    assert "Log a document received" in listed.text
    no_csrf = client.post("/custody", data=DETAINER, follow_redirects=False)
    assert no_csrf.status_code == 403
    exported = client.get("/custody?format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows[0]["status"] == "released" and rows[0]["case_ref"] == "RD-JH123456"
    as_json = client.get("/custody?format=json&status=open").json()
    assert as_json["total"] == 0


def test_inbox_lists_resolves_exports_and_the_resident_sees_the_status(sqlite_web: Web) -> None:  # noqa: F811
    w = sqlite_web
    filed = w.client.post("/api/v1/reports", json=REPORT).json()
    number = filed["id"]
    status = w.client.get(f"/api/v1/reports/{number}/status").json()
    assert status["status"] == "open"
    inbox = w.client.get("/api/v1/oversight/inbox", headers=w.auth("auditor")).json()
    assert inbox["items"][0]["id"] == number and inbox["items"][0]["decision"]["outcome"]
    assert w.client.get("/api/v1/oversight/inbox", headers=w.auth("officer")).status_code == 403
    done = w.client.post(
        f"/api/v1/reports/{number}/resolution",
        json={"resolution": "referred", "note": "Sent to COPA with the footage request."},
        headers=w.auth("auditor"),
    )
    assert done.status_code == 201, done.text
    again = w.client.post(
        f"/api/v1/reports/{number}/resolution",
        json={"resolution": "no_action", "note": "x"},
        headers=w.auth("auditor"),
    )
    assert again.status_code == 422
    status = w.client.get(f"/api/v1/reports/{number}/status").json()
    assert status["status"] == "resolved" and status["resolution"] == "referred"
    assert "note" not in status and "COPA with the footage" not in str(status)
    page = w.client.get(f"/reports/status?number={number}")
    assert "Resolved on" in page.text and "footage request" not in page.text
    assert "no report with the number" in w.client.get("/reports/status?number=r-nothing").text
    client = w.login("auditor")
    page = client.get("/oversight/inbox?category=officer_appearance&status=resolved")
    assert page.status_code == 200 and "1 report" in page.text
    exported = client.get("/oversight/inbox?format=csv&status=resolved")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["id"] for r in rows] == [number] and rows[0]["resolution"] == "referred"
    assert REPORT["description"] not in exported.text
    assert client.get("/oversight/inbox?status=open&format=json").json()["total"] == 0
    assert client.get("/oversight/inbox?format=xml").status_code == 422


def test_decisions_list_filters_sorts_and_exports(sqlite_web: Web) -> None:  # noqa: F811
    from test_web_support import DETAINER_CASE, OPEN_CASE

    w = sqlite_web
    for case in (DETAINER_CASE, OPEN_CASE):
        w.client.post("/api/v1/decisions", json=case, headers=w.auth("officer"))
    client = w.login("supervisor")
    page = client.get("/decisions?kind=assistance&month_from=2025-11&sort=at&order=asc")
    assert page.status_code == 200 and "1 in all" in page.text
    rows = list(csv.DictReader(io.StringIO(client.get("/decisions?format=csv&order=asc").text)))
    assert [r["outcome"] for r in rows] == ["prohibited", "needs_review"]
    assert client.get("/decisions?format=json&outcome=prohibited").json()["total"] == 1
    assert client.get("/decisions?sort=actor").status_code == 422
    assert client.get("/decisions?month_from=2025").status_code == 422
