"""Oversight reports over HTTP: produce (logged), read back recomputed, download JSON, each
CSV, the data dictionary and standalone HTML; check a report's JSON in the page and the API."""

from __future__ import annotations

import csv
import io

from oversight_support import fill
from test_web_support import Web, csrf_of, sqlite_web  # noqa: F401


def test_supervisor_produces_the_trust_report_and_downloads_it(sqlite_web: Web) -> None:  # noqa: F811
    w = sqlite_web
    fill(w.service)
    client = w.login("supervisor")
    home = client.get("/oversight")
    assert home.status_code == 200
    made = client.post(
        "/oversight/reports",
        data={"report": "trust", "year": "2025", "csrf_token": csrf_of(home.text)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    page = client.get(url)
    assert "Illinois TRUST Act annual report" in page.text
    assert 'id="table-detainers_and_warrants"' in page.text and "<svg" in page.text
    assert "@media print" in page.text
    doc = client.get(url + "?format=json").json()
    assert doc["figures"]["detainers_and_warrants"] == 2 and doc["logged"]["ledger_index"] >= 0
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(url + "?format=csv&table=detainers_and_warrants").text)
        )
    )
    assert {r["disposition"] for r in rows} == {"released", "transferred"}
    dictionary = client.get(url + "?format=dictionary").text
    assert "bail_posted_at" in dictionary and "content_hash" in dictionary
    assert client.get(url + "?format=document").text.startswith("<!doctype html>")
    assert client.get(url + "?format=pdf").status_code == 422
    bad = client.post(
        "/oversight/reports",
        data={"report": "trust", "quarter": "2025Q7", "csrf_token": csrf_of(home.text)},
    )
    assert bad.status_code == 422 and "quarter must look like" in bad.text
    checked = client.post(
        "/oversight/verify",
        data={"document": page_json(client, url), "csrf_token": csrf_of(home.text)},
    )
    assert "Verified" in checked.text


def page_json(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return str(client.get(url + "?format=json").text)


def test_api_produce_verify_and_roles(sqlite_web: Web) -> None:  # noqa: F811
    w = sqlite_web
    fill(w.service)
    made = w.client.post(
        "/api/v1/oversight/reports",
        json={"report": "wco", "quarter": "2025Q4"},
        headers=w.auth("auditor"),
    )
    assert made.status_code == 201, made.text
    doc = made.json()
    listed = w.client.get("/api/v1/oversight/reports", headers=w.auth("supervisor")).json()
    assert listed["items"][0]["id"] == doc["logged"]["id"]
    again = w.client.get(
        f"/api/v1/oversight/reports/{doc['logged']['id']}", headers=w.auth("auditor")
    )
    assert again.json()["content_hash"] == doc["content_hash"]
    ok = w.client.post("/api/v1/oversight/verify", json=doc, headers=w.auth("auditor")).json()
    assert ok["ok"] is True
    doc["figures"]["transferred"] = 5
    bad = w.client.post("/api/v1/oversight/verify", json=doc, headers=w.auth("auditor")).json()
    assert bad["ok"] is False and any("figure transferred" in p for p in bad["problems"])
    assert w.client.post("/api/v1/oversight/verify", json=doc).status_code == 401
    officer = w.client.post(
        "/api/v1/oversight/reports", json={"report": "wco", "year": 2025}, headers=w.auth("officer")
    )
    assert officer.status_code == 403 and officer.json()["error"]["code"]
    two = w.client.post(
        "/api/v1/oversight/reports",
        json={"report": "wco", "year": 2025, "quarter": "2025Q1"},
        headers=w.auth("auditor"),
    )
    assert two.status_code == 422 and "exactly one period" in two.json()["error"]["message"]
    public = w.client.post(
        "/api/v1/oversight/reports",
        json={"report": "federal-conduct", "quarter": "2026Q1"},
        headers=w.auth("auditor"),
    ).json()
    anyone = w.client.get(f"/api/v1/oversight/reports/{public['logged']['id']}")
    assert anyone.status_code == 200
    assert w.client.get(f"/api/v1/oversight/reports/{doc['logged']['id']}").status_code == 401


def test_the_public_ledger_entry_of_a_report_ties_it_to_the_log(sqlite_web: Web) -> None:  # noqa: F811
    w = sqlite_web
    fill(w.service)
    doc = w.client.post(
        "/api/v1/oversight/reports",
        json={"report": "trust", "year": 2025},
        headers=w.auth("auditor"),
    ).json()
    entry = w.client.get(f"/api/v1/ledger/entries/{doc['logged']['ledger_index']}").json()
    assert entry["kind"] == "oversight_report"
    assert entry["summary"]["content_hash"] == doc["content_hash"]
    assert entry["summary"]["entries"] == doc["entries"]
    custody = w.client.get("/api/v1/ledger/entries/0").json()
    assert custody["kind"] == "custody_request" and custody["summary"] is None
