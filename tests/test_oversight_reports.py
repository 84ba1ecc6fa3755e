"""The oversight reports from the ledger: WCO quarterly, TRUST Act annual (with "certifies
none"), EO 2026-01 public data (small counts suppressed), the decisions audit trail; each logged
as a ledger entry and recomputed identically from the ledger at its size; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from brightline.errors import AuthError, Forbidden, InvalidRequest, LedgerCorrupt
from brightline.service import Service
from brightline.service.oversight import findings_of, period
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_oversight import custody_events
from oversight_support import fill
from test_service_support import (
    ANON,
    AUDITOR,
    OFFICER,
    SUPERVISOR,
    assert_receipt_verifies,
    service,  # noqa: F401
    sqlite_service,  # noqa: F401
)


def _table(doc: dict, name: str) -> list[dict]:
    return next(t["rows"] for t in doc["tables"] if t["name"] == name)


def test_trust_report_rows_and_its_ledger_entry(service: Service) -> None:  # noqa: F811
    fill(service)
    doc = service.oversight_report("trust", period(year=2025), actor=SUPERVISOR)
    assert doc["figures"] == {
        "assistance_requests": 2,
        "detainers_and_warrants": 2,
        "released": 1,
        "transferred": 1,
    }
    docs = _table(doc, "detainers_and_warrants")
    released, transferred = docs
    assert released["received_on"] == "2025-10-04"
    assert released["bail_posted_at"] == "2025-10-05T11:00-05:00"
    assert released["disposition"] == "released"
    assert released["disposition_at"] == "2025-10-05T13:20-05:00"
    assert transferred["receiving_agency"] == "ice"
    assert transferred["disposition_outcome"] == "prohibited"
    assert all(r["ledger_index"] is not None for r in docs)
    requests = _table(doc, "assistance_requests")
    reviewed = next(r for r in requests if r["handled_by"] == "supervisor_review")
    assert reviewed["first_outcome"] == "needs_review" and reviewed["final_outcome"] == "prohibited"
    assert any(r["still_open"] for r in requests)
    logged = doc["logged"]
    assert_receipt_verifies(service, logged["receipt"])
    entry = service.ledger.entry(logged["ledger_index"])
    assert entry.kind == "oversight_report"
    assert entry.record["content_hash"] == doc["content_hash"]
    assert entry.record["entries"] == doc["entries"]
    assert entry.record["ledger_size"] == doc["basis"]["ledger_size"] == logged["ledger_index"]
    assert entry.record["pack"]["digest"].startswith("sha256:")
    again = service.get_oversight_report(logged["id"], actor=AUDITOR)
    assert again["content_hash"] == doc["content_hash"]
    assert service.verify_oversight_report(doc, actor=AUDITOR)["ok"]


def test_a_year_with_nothing_certifies_none(sqlite_service: Service) -> None:  # noqa: F811
    fill(sqlite_service)
    doc = sqlite_service.oversight_report("trust", period(year=2024), actor=AUDITOR)
    for name in ("assistance_requests", "detainers_and_warrants"):
        (row,) = _table(doc, name)
        assert row["certifies_none"] is True
        assert row["statement"].startswith("The agency certifies that it received no")
        assert "2024-01-01 to 2024-12-31" in row["statement"]
    assert doc["figures"]["detainers_and_warrants"] == 0
    assert doc["entries"]["count"] == 0
    assert sqlite_service.verify_oversight_report(doc, actor=AUDITOR)["ok"]


def test_wco_quarter_counts_detainers_warrants_and_wco_requests(sqlite_service: Service) -> None:  # noqa: F811
    fill(sqlite_service)
    doc = sqlite_service.oversight_report("wco", period(quarter="2025Q4"), actor=SUPERVISOR)
    rows = _table(doc, "detainers_and_warrants")
    assert [(r["document_type"], r["transferred"], r["receiving_agency"]) for r in rows] == [
        ("immigration_detainer", False, None),
        ("administrative_warrant", True, "ice"),
    ]
    assert not any("T" in str(r["received_on"]) for r in rows)  # dates only
    # Which requests are reported is the pack's word: obligations citing WCO.RPT.
    requests = _table(doc, "assistance_requests")
    assert [r["activity"] for r in requests] == ["crowd_control", "traffic_control"]
    other = sqlite_service.oversight_report("wco", period(quarter="2026Q1"), actor=SUPERVISOR)
    assert all(r["certifies_none"] for t in other["tables"] for r in t["rows"])


def test_federal_conduct_suppresses_small_counts(sqlite_service: Service) -> None:  # noqa: F811
    fill(sqlite_service)
    doc = sqlite_service.oversight_report(
        "federal-conduct", period(quarter="2026Q1"), actor=AUDITOR, suppress_below=5
    )
    rows = _table(doc, "violations")
    shown = next(r for r in rows if r["source"] == "officer")
    hidden = next(r for r in rows if r["source"] == "resident")
    # The month's only other cell is withheld too, or the hidden one would be 7 - 6.
    assert shown["count"] is None and shown["shown_as"] == "withheld" and shown["suppressed"]
    assert shown["ledger_indexes"] is None
    assert hidden == {
        "month": "2026-02",
        "agency": "ice",
        "violation": "local_ordinance",
        "source": "resident",
        "count": None,
        "suppressed": True,
        "shown_as": "fewer than 5",
        "ledger_indexes": None,
    }
    findings = _table(doc, "findings")
    assert {r["finding"] for r in findings} == {"mask", "no_id"}
    assert all(r["count"] == 6 and len(r["ledger_indexes"]) == 6 for r in findings)
    loose = sqlite_service.oversight_report(
        "federal-conduct", period(quarter="2026Q1"), actor=AUDITOR, suppress_below=1
    )
    assert all(not r["suppressed"] for r in _table(loose, "violations"))
    assert loose["parameters"] == {"suppress_below": 1}
    with pytest.raises(InvalidRequest, match="suppress_below"):
        sqlite_service.oversight_report(
            "federal-conduct", period(quarter="2026Q1"), actor=AUDITOR, suppress_below=0
        )


def test_findings_follow_the_facts() -> None:
    assert findings_of({"face_covering": "balaclava", "plate": "none", "injuries": True}) == [
        "mask",
        "plates",
        "injuries",
    ]
    assert findings_of({"face_covering": "medical_mask", "covering_reason": "health"}) == []
    assert findings_of(
        {"face_covering": "medical_mask", "covering_reason": "conceal_identity"}
    ) == ["mask"]


def test_decisions_trail_counts_and_reviews(sqlite_service: Service) -> None:  # noqa: F811
    fill(sqlite_service)
    doc = sqlite_service.oversight_report(
        "decisions", period(start="2025-10-01", end="2026-03-31"), actor=AUDITOR
    )
    assert doc["figures"] == {"decisions": 8, "prohibited": 6, "needs_review": 2, "reviewed": 1}
    rows = _table(doc, "decisions")
    assert {r["actor_role"] for r in rows} == {"officer"}
    assert sum(r["review_index"] is not None for r in rows) == 1


def test_periods_and_permissions(sqlite_service: Service) -> None:  # noqa: F811
    assert period(quarter="2026Q1") == {"from": "2026-01-01", "to": "2026-03-31", "label": "2026Q1"}
    assert period(quarter="2024Q4")["to"] == "2024-12-31"
    assert period(year=2025)["label"] == "2025"
    for bad in ({"quarter": "2026Q5"}, {"year": "20x5"}, {}, {"quarter": "2026Q1", "year": 2025}):
        with pytest.raises(InvalidRequest):
            period(**bad)
    with pytest.raises(InvalidRequest, match="before"):
        period(start="2026-02-01", end="2026-01-01")
    with pytest.raises(Forbidden):
        sqlite_service.oversight_report("trust", period(year=2025), actor=OFFICER)
    with pytest.raises(AuthError):
        sqlite_service.oversight_report("trust", period(year=2025), actor=ANON)
    with pytest.raises(InvalidRequest, match="report must be one of"):
        sqlite_service.oversight_report("weekly", period(year=2025), actor=AUDITOR)
    public = sqlite_service.oversight_report(
        "federal-conduct", period(year=2026), actor=ANON, log=False
    )
    assert "logged" not in public


def test_a_report_refuses_an_index_row_that_disagrees_with_its_record(
    sqlite_service: Service,  # noqa: F811
) -> None:
    fill(sqlite_service)
    with sqlite_service.writing() as conn:
        conn.execute(custody_events.update().values(outcome="permitted"))
    with pytest.raises(LedgerCorrupt, match="custody_events row of ledger entry"):
        sqlite_service.oversight_report("trust", period(year=2025), actor=AUDITOR)


def test_a_report_is_built_only_from_entries_below_its_size(sqlite_service: Service) -> None:  # noqa: F811
    fill(sqlite_service)
    first = sqlite_service.oversight_report("trust", period(year=2025), actor=AUDITOR)
    sqlite_service.log_custody_request(
        {
            "received_at": "2025-12-24T10:00",
            "agency": "ice",
            "document_type": "immigration_detainer",
            "case_ref": "RD-JH555555",
        },
        actor=OFFICER,
    )
    later = sqlite_service.oversight_report("trust", period(year=2025), actor=AUDITOR)
    assert later["figures"]["detainers_and_warrants"] == 3
    same = sqlite_service.get_oversight_report(first["logged"]["id"], actor=AUDITOR)
    assert same["figures"]["detainers_and_warrants"] == 2
    assert same["content_hash"] == first["content_hash"]
    with sqlite_service.writing() as conn:
        conn.execute(decisions_t.update().values(month="1999-01"))
    with pytest.raises(LedgerCorrupt):
        sqlite_service.get_oversight_report(first["logged"]["id"], actor=AUDITOR)


def test_a_request_answered_by_a_follow_up_is_one_row_handled_by_it(
    sqlite_service: Service,  # noqa: F811
) -> None:
    case = {
        "jurisdiction": "chicago",
        "at": "2025-09-04T10:30:00-05:00",
        "kind": "assistance",
        "facts": {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration"},
    }
    first = sqlite_service.decide(case, actor=OFFICER)
    assert first["decision"]["outcome"] == "needs_review"
    answered = {**case, "facts": {**case["facts"], "imminent_threat": False}}
    second = sqlite_service.decide(answered, actor=OFFICER, follow_up_of=first["id"])
    doc = sqlite_service.oversight_report("trust", period(year=2025), actor=AUDITOR, log=False)
    (row,) = _table(doc, "assistance_requests")
    assert row["decision_id"] == first["id"] and row["handled_by"] == "follow_up"
    assert row["final_outcome"] == second["decision"]["outcome"]
    assert row["handling_indexes"] == [second["receipt"]["index"]]
