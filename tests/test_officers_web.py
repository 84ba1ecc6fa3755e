"""The officer pages and API over a real-data roster subset: the public lookup and its 422s,
no demographic field anywhere, the no-match help, roll calls by form and by API with their role
refusals, failures as CSV and the compliance page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brightline.service.officers import roster_index
from test_roster_support import GOOD_APPEARANCE as GOOD
from test_roster_support import subset_dir
from test_web_support import Web, csrf_of, web_with_roster

DEMOGRAPHIC = ("race", "gender", "birth_year", "age")


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return subset_dir(tmp_path_factory)


@pytest.fixture
def site(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subset: Path
) -> Iterator[Web]:
    yield from web_with_roster(sqlite_url, tmp_path, monkeypatch, subset)


def _officer(site: Web) -> Any:
    return next(p for p in roster_index(site.service).people.values() if p.active and p.stars)


def test_lookup_by_star_shows_public_fields_only(site: Web) -> None:
    person = _officer(site)
    reply = site.client.get("/api/v1/officers", params={"star": person.star_numbers()[0]})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert person.id in {p["id"] for p in body["results"]}
    for result in body["results"]:
        assert not set(DEMOGRAPHIC) & set(result)
    assert not any(word in reply.text for word in ('"race"', '"gender"', '"birth_year"'))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"star": "12x"}, "star"),
        ({"unit": "9999999"}, "unit"),
        ({"name": "?"}, "name"),
        ({}, "query"),
    ],
)
def test_bad_lookups_are_clear_422s(site: Web, params: dict[str, str], field: str) -> None:
    reply = site.client.get("/api/v1/officers", params=params)
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "invalid_request" and error["details"]["field"] == field


def test_lookup_page_lists_matches_and_explains_a_miss(site: Web) -> None:
    person = _officer(site)
    page = site.client.get("/officers", params={"name": person.last_name.lower()})
    assert page.status_code == 200 and person.name in page.text
    assert "Race" not in page.text and "Gender" not in page.text
    miss = site.client.get("/officers", params={"star": "9999998"})
    assert miss.status_code == 200
    assert "federal agent" in miss.text and 'href="/report"' in miss.text
    bad = site.client.get("/officers", params={"star": "abc"})
    assert bad.status_code == 422 and "star must be a whole number" in bad.text


def _payload(site: Web) -> dict[str, Any]:
    person = _officer(site)
    return {
        "unit": person.unit,
        "watch": "3",
        "inspected_at": "2025-11-02T15:00:00-06:00",
        "officers": [{"officer_id": person.id, **GOOD, "bwc_recording": False}],
    }


def test_roll_call_api_refuses_public_and_officers(site: Web) -> None:
    payload = _payload(site)
    headers = site.auth("officer")
    before = site.service.ledger.size()  # account changes are logged too
    assert site.client.post("/api/v1/inspections", json=payload).status_code == 401
    officer = site.client.post("/api/v1/inspections", json=payload, headers=headers)
    assert officer.status_code == 403 and officer.json()["error"]["code"] == "forbidden"
    assert site.service.ledger.size() == before


def test_roll_call_api_decides_logs_and_lists_failures_as_csv(site: Web) -> None:
    reply = site.client.post(
        "/api/v1/inspections", json=_payload(site), headers=site.auth("supervisor")
    )
    assert reply.status_code == 201, reply.text
    [inspection] = reply.json()["inspections"]
    assert inspection["outcome"] == "prohibited" and not inspection["compliant"]
    assert any("EO2025-6.C8" in f for f in inspection["failures"])
    assert site.service.ledger.entry(inspection["receipt"]["index"]).kind == "inspection"
    csv_reply = site.client.get(
        "/api/v1/inspections/failures", params={"format": "csv"}, headers=site.auth("auditor")
    )
    assert csv_reply.status_code == 200
    assert csv_reply.headers["content-type"].startswith("text/csv")
    assert len(csv_reply.text.strip().splitlines()) == 2
    compliance = site.client.get("/api/v1/inspections/compliance", headers=site.auth("auditor"))
    assert compliance.json()["compliance"][0]["failed"] == 1
    bad = site.client.get(
        "/api/v1/inspections/failures", params={"format": "xml"}, headers=site.auth("auditor")
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "format"


def test_roll_call_by_form(site: Web) -> None:
    assert site.client.get("/officers/roll-call", follow_redirects=False).status_code == 303
    person = _officer(site)
    client = site.login("supervisor")
    before = site.service.ledger.size()
    form_page = client.get("/officers/roll-call", params={"unit": person.unit})
    assert form_page.status_code == 200 and person.name in form_page.text
    data = {
        "csrf_token": csrf_of(form_page.text),
        "unit": str(person.unit),
        "watch": "1",
        "inspected_at": "2025-11-02T06:00",
        "present.0": "yes",
        "officer_id.0": str(person.id),
        "assignment.0": "uniform",
        "face_covering.0": "ski_mask",
        "covering_reason.0": "weather",
        **{f"{check}.0": "yes" for check in ("star_visible", "name_visible", "uniform_worn")},
        "bwc_recording.0": "yes",
        "enforcement_activity.0": "yes",
    }
    done = client.post("/officers/roll-call", data=data)
    assert done.status_code == 200, done.text
    assert "Inspection recorded" in done.text and "prohibited" in done.text
    failures = client.get("/officers/inspections/failures", params={"unit": person.unit})
    assert failures.status_code == 200 and person.name in failures.text
    forged = client.post("/officers/roll-call", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert site.service.ledger.size() == before + 1


def test_compliance_page_is_for_auditors(site: Web) -> None:
    assert site.client.get("/officers/compliance", follow_redirects=False).status_code == 303
    client = site.login("auditor")
    page = client.get("/officers/compliance")
    assert page.status_code == 200 and "No inspections recorded" in page.text


def test_openapi_lists_the_officer_endpoints(site: Web) -> None:
    paths = site.client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/officers", "/api/v1/inspections"} <= set(paths)


def test_the_lookup_index_is_built_when_the_app_starts(site: Web) -> None:
    from brightline.service.officers import _INDEXES, _engine_key

    assert _engine_key(site.service.engine) in _INDEXES


def test_one_officer_by_id(site: Web) -> None:
    person = _officer(site)
    reply = site.client.get(f"/api/v1/officers/{person.id}")
    assert reply.status_code == 200 and reply.json()["name"] == person.name
    assert not set(DEMOGRAPHIC) & set(reply.json())
    assert site.client.get("/api/v1/officers/999999999").status_code == 404
    assert site.client.get("/api/v1/officers/abc").status_code == 422
