"""Public reports: decided by the pack on the reporter's facts only, logged, answered with a
receipt; private fields for auditors only."""

from __future__ import annotations

import dataclasses
import json

import pytest

import test_service_support as support
from brightline.errors import AuthError, Forbidden, InvalidCase, InvalidRequest, RateLimited
from brightline.service import Service
from brightline.settings import Rate
from test_service_support import ANON, AUDITOR, OFFICER, SUPERVISOR, assert_receipt_verifies

service = support.service
sqlite_service = support.sqlite_service

REPORT = {
    "category": "officer_appearance",
    "description": "Officer directing traffic with a balaclava; no star visible.",
    "place": "Belmont and Western",
    "occurred_at": "2025-10-11T08:10:00-05:00",
    "contact": "reporter@example.org",
    "facts": {"face_covering": "balaclava", "star_visible": False},
}
PRIVATE = ("Officer directing traffic", "Belmont and Western", "reporter@example.org")


def test_report_is_decided_logged_and_its_receipt_verifies(service: Service) -> None:
    out = service.submit_report(REPORT, client_id="203.0.113.9")
    assert set(out) == {"id", "receipt", "decision", "created_at"}
    assert out["decision"]["outcome"] == "prohibited"
    assert out["decision"]["kind"] == "appearance"
    assert_receipt_verifies(service, out["receipt"])
    entry = service.ledger.entry(out["receipt"]["index"])
    assert entry.kind == "report"
    assert entry.record["description"] == REPORT["description"]
    assert "contact" not in entry.record  # kept apart, encrypted (test_reporter_privacy.py)
    assert entry.record["case"]["facts"] == {**REPORT["facts"], "officer_type": "local"}
    assert "203.0.113.9" not in json.dumps(entry.record)

    public = service.get_report(out["id"], actor=ANON)
    assert public["outcome"] == "prohibited" and public["month"] == "2025-10"
    assert "private" not in public
    for text in PRIVATE:
        assert text not in json.dumps(public)
        assert text not in json.dumps(service.ledger_entry(out["receipt"]["index"]))
    assert_receipt_verifies(service, public["receipt"])
    full = service.get_report(out["id"], actor=AUDITOR)
    assert full["private"]["contact"] == "reporter@example.org"
    assert full["private"]["place"] == "Belmont and Western"
    for reader in (OFFICER, SUPERVISOR):
        assert "private" not in service.get_report(out["id"], actor=reader)


def test_unknown_facts_give_needs_review(sqlite_service: Service) -> None:
    out = sqlite_service.submit_report(
        {"category": "property_use", "description": "Vans gathering in a lot before dawn."},
        client_id="a",
    )
    assert out["decision"]["outcome"] == "needs_review"
    assert out["decision"]["questions"]
    assert sqlite_service.ledger.entry(out["receipt"]["index"]).record["facts"] == {}


def test_bad_reports_are_refused_and_change_nothing(sqlite_service: Service) -> None:
    svc = sqlite_service
    with pytest.raises(InvalidRequest, match="category must be one of officer_appearance") as e:
        svc.submit_report({**REPORT, "category": "noise"}, client_id="a")
    assert "federal_conduct" in e.value.details["allowed"]
    with pytest.raises(InvalidRequest, match="at most 4000"):
        svc.submit_report({**REPORT, "description": "x" * 4001}, client_id="a")
    with pytest.raises(InvalidRequest, match="description must not be empty"):
        svc.submit_report({**REPORT, "description": " "}, client_id="a")
    with pytest.raises(InvalidRequest, match=r"unknown field.*name"):
        svc.submit_report({**REPORT, "name": "Jane"}, client_id="a")
    with pytest.raises(InvalidRequest, match="occurred_at must be an ISO 8601"):
        svc.submit_report({**REPORT, "occurred_at": "last tuesday"}, client_id="a")
    with pytest.raises(InvalidRequest, match="in the future"):
        svc.submit_report({**REPORT, "occurred_at": "2999-01-01"}, client_id="a")
    with pytest.raises(InvalidRequest, match="occurred_at") as before:
        svc.submit_report({**REPORT, "occurred_at": "2019-05-01"}, client_id="a")
    assert before.value.details["field"] == "occurred_at"
    with pytest.raises(InvalidCase, match="face_covering"):
        svc.submit_report({**REPORT, "facts": {"face_covering": "scarf"}}, client_id="a")
    with pytest.raises(InvalidRequest, match="JSON object"):
        svc.submit_report("a complaint", client_id="a")
    with pytest.raises(InvalidRequest, match="facts must be a JSON object"):
        svc.submit_report({**REPORT, "facts": ["balaclava"]}, client_id="a")
    with pytest.raises(InvalidRequest, match=r"facts\.face_covering must be a value"):
        svc.submit_report({**REPORT, "facts": {"face_covering": {"x": 1}}}, client_id="a")
    assert svc.ledger.size() == 0


def test_reports_are_rate_limited_per_client_and_listed_for_auditors(
    sqlite_service: Service,
) -> None:
    svc = sqlite_service
    svc.config = dataclasses.replace(svc.config, report_rate=Rate(2, 3600))
    brief = {"category": "federal_conduct", "description": "Agents in masks."}
    for _ in range(2):
        svc.submit_report(brief, client_id="198.51.100.1")
    with pytest.raises(RateLimited) as err:
        svc.submit_report(brief, client_id="198.51.100.1")
    assert err.value.details["retry_after"] == 3600
    svc.submit_report(brief, client_id="198.51.100.2")
    listed = svc.list_reports(actor=AUDITOR)
    assert listed["total"] == 3 and all("description" not in r for r in listed["items"])
    with pytest.raises(AuthError):
        svc.list_reports(actor=ANON)
    with pytest.raises(Forbidden):
        svc.list_reports(actor=SUPERVISOR)


def test_auditor_redacts_a_report_and_its_receipt_still_verifies(sqlite_service: Service) -> None:
    svc = sqlite_service
    out = svc.submit_report(REPORT, client_id="a")
    for actor, error in ((ANON, AuthError), (SUPERVISOR, Forbidden)):
        with pytest.raises(error):
            svc.redact_report(out["id"], reason="reporter asked", actor=actor)
    with pytest.raises(InvalidRequest, match="reason must not be empty"):
        svc.redact_report(out["id"], reason="", actor=AUDITOR)
    done = svc.redact_report(out["id"], reason="reporter asked", actor=AUDITOR)
    assert done["redacted_index"] == out["receipt"]["index"]
    assert svc.ledger.entry(out["receipt"]["index"]).record is None
    full = svc.get_report(out["id"], actor=AUDITOR)
    assert full["redacted"] is True and full["private"] is None
    assert full["outcome"] == "prohibited"  # the index keeps the non-personal summary
    assert_receipt_verifies(svc, out["receipt"])
    assert svc.ledger_entry(done["receipt"]["index"])["summary"] == {
        "redacts": out["receipt"]["index"]}
