"""The custody request log: documents received, what became of the person, each disposition
decided by the pack and logged, corrections as new entries; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from brightline.errors import AuthError, Forbidden, InvalidRequest, NotFound
from brightline.service import Service
from brightline.store.tables_oversight import custody_events, custody_requests
from test_service_support import (
    ANON,
    AUDITOR,
    OFFICER,
    SUPERVISOR,
    assert_receipt_verifies,
    service,  # noqa: F401
    sqlite_service,  # noqa: F401
)

DETAINER = {
    "received_at": "2025-10-04T09:15",
    "agency": "ice",
    "document_type": "immigration_detainer",
    "case_ref": "RD-JH123456",
}


def _log(svc: Service, **changes: Any) -> dict[str, Any]:
    return svc.log_custody_request({**DETAINER, **changes}, actor=OFFICER)


def test_a_detainer_and_its_release_are_logged_with_receipts(service: Service) -> None:  # noqa: F811
    made = _log(service)
    assert_receipt_verifies(service, made["receipt"])
    assert made["request"]["received_at"] == "2025-10-04T09:15-05:00"
    bail = service.log_custody_event(
        made["request_id"], {"event": "bail_posted", "at": "2025-10-05T11:00"}, actor=OFFICER
    )
    assert bail["event"]["decision"] is None
    out = service.log_custody_event(
        made["request_id"], {"event": "released", "at": "2025-10-05T13:20"}, actor=SUPERVISOR
    )
    assert_receipt_verifies(service, out["receipt"])
    got = service.get_custody_request(made["request_id"], actor=AUDITOR)
    assert got["status"] == "released"
    assert [e["event"] for e in got["events"]] == ["bail_posted", "released"]
    assert got["case_ref"] == "RD-JH123456"
    with service.reading() as conn:
        assert conn.execute(select(custody_requests.c.ledger_index)).scalars().all() == [
            made["receipt"]["index"]
        ]
        assert len(conn.execute(select(custody_events)).all()) == 2


def test_a_transfer_on_a_detainer_alone_is_decided_prohibited_and_still_logged(
    service: Service,  # noqa: F811
) -> None:
    made = _log(service)
    out = service.log_custody_event(
        made["request_id"],
        {"event": "transferred", "at": "2025-10-05T13:20", "to_agency": "ice"},
        actor=OFFICER,
    )
    decision = out["event"]["decision"]
    assert decision["outcome"] == "prohibited"
    assert any("WCO.020(a)(5)" in r["cites"] for r in decision["reasons"])
    assert out["event"]["case"]["facts"]["activity"] == "custody_transfer"
    got = service.get_custody_request(made["request_id"], actor=SUPERVISOR)
    assert got["status"] == "transferred"
    assert got["events"][0]["outcome"] == "prohibited"
    assert got["events"][0]["to_agency"] == "ice"


def test_holding_on_a_detainer_is_prohibited_and_on_a_judicial_warrant_permitted(
    service: Service,  # noqa: F811
) -> None:
    detainer = _log(service)
    held = service.log_custody_event(
        detainer["request_id"], {"event": "held", "at": "2025-10-04T10:00"}, actor=OFFICER
    )
    assert held["event"]["decision"]["outcome"] == "prohibited"
    warrant = _log(service, document_type="judicial_warrant", agency="usms", case_ref="CB-20001234")
    moved = service.log_custody_event(
        warrant["request_id"],
        {"event": "transferred", "at": "2025-10-06T08:00", "to_agency": "usms"},
        actor=OFFICER,
    )
    assert moved["event"]["decision"]["outcome"] == "permitted"


def test_corrections_are_new_entries_and_the_newest_is_in_force(service: Service) -> None:  # noqa: F811
    made = _log(service)
    fixed = service.log_custody_request(
        {**DETAINER, "received_at": "2025-10-03T22:40", "corrects": made["id"]}, actor=SUPERVISOR
    )
    assert fixed["request_id"] == made["request_id"]
    assert fixed["receipt"]["index"] > made["receipt"]["index"]
    got = service.get_custody_request(made["request_id"], actor=AUDITOR)
    assert got["id"] == fixed["id"] and got["received_on"] == "2025-10-03"
    assert [h["in_force"] for h in got["history"]] == [False, True]
    with pytest.raises(InvalidRequest, match="already corrected"):
        service.log_custody_request({**DETAINER, "corrects": made["id"]}, actor=OFFICER)
    wrong = service.log_custody_event(
        made["request_id"], {"event": "released", "at": "2025-10-04T10:00"}, actor=OFFICER
    )
    with pytest.raises(InvalidRequest, match="already ended"):
        service.log_custody_event(
            made["request_id"], {"event": "held", "at": "2025-10-04T11:00"}, actor=OFFICER
        )
    service.log_custody_event(
        made["request_id"], {"event": "void", "corrects": wrong["id"]}, actor=SUPERVISOR
    )
    after = service.get_custody_request(made["request_id"], actor=AUDITOR)
    assert after["status"] == "open" and after["events"] == []
    assert len(after["history"]) == 4
    listed = service.list_custody_requests(actor=AUDITOR)
    assert listed["total"] == 1 and listed["items"][0]["id"] == fixed["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"case_ref": "John Smith"}, "case_ref"),
        ({"case_ref": "SMITH-JOHN"}, "case_ref"),
        ({"document_type": "letter"}, "document_type"),
        ({"agency": "kgb"}, "agency"),
        ({"received_at": "2025-10-04"}, "received_at"),
        ({"received_at": "2999-01-01T10:00"}, "received_at"),
        ({"name": "x"}, "request"),
    ],
)
def test_bad_requests_are_refused_naming_the_field_and_change_nothing(
    sqlite_service: Service,  # noqa: F811
    changes: dict[str, Any],
    field: str,
) -> None:
    size = sqlite_service.ledger.size()
    with pytest.raises(InvalidRequest) as err:
        _log(sqlite_service, **changes)
    assert err.value.details.get("field") == field
    assert sqlite_service.ledger.size() == size


def test_bad_events_are_refused(sqlite_service: Service) -> None:  # noqa: F811
    made = _log(sqlite_service)
    rid = made["request_id"]
    cases = [
        ({"event": "escaped", "at": "2025-10-05T10:00"}, "event"),
        ({"event": "transferred", "at": "2025-10-05T10:00"}, "to_agency"),
        ({"event": "released", "at": "2025-10-05T10:00", "to_agency": "ice"}, "to_agency"),
        ({"event": "released", "at": "2025-10-01T10:00"}, "at"),
        ({"event": "void"}, "event"),
    ]
    for body, field in cases:
        with pytest.raises(InvalidRequest) as err:
            sqlite_service.log_custody_event(rid, body, actor=OFFICER)
        assert err.value.details.get("field") == field, body
    with pytest.raises(NotFound):
        sqlite_service.log_custody_event("cr-nothing", {"event": "released"}, actor=OFFICER)


def test_who_may_log_and_read(sqlite_service: Service) -> None:  # noqa: F811
    with pytest.raises(AuthError):
        sqlite_service.log_custody_request(DETAINER, actor=ANON)
    with pytest.raises(Forbidden):
        sqlite_service.log_custody_request(DETAINER, actor=AUDITOR)
    with pytest.raises(AuthError):
        sqlite_service.list_custody_requests(actor=ANON)


def test_list_filters_and_sorts(sqlite_service: Service) -> None:  # noqa: F811
    a = _log(sqlite_service, received_at="2025-03-01T10:00")
    b = _log(sqlite_service, received_at="2025-05-01T10:00", document_type="administrative_warrant")
    sqlite_service.log_custody_event(
        b["request_id"], {"event": "released", "at": "2025-05-01T12:00"}, actor=OFFICER
    )
    svc = sqlite_service
    assert [i["id"] for i in svc.list_custody_requests(actor=AUDITOR)["items"]] == [
        b["id"],
        a["id"],
    ]
    asc = svc.list_custody_requests(actor=AUDITOR, order="asc")
    assert [i["id"] for i in asc["items"]] == [a["id"], b["id"]]
    only = svc.list_custody_requests(actor=AUDITOR, filters={"status": "released"})
    assert [i["id"] for i in only["items"]] == [b["id"]]
    early = svc.list_custody_requests(actor=AUDITOR, filters={"received_to": "2025-04-01"})
    assert [i["id"] for i in early["items"]] == [a["id"]]
    with pytest.raises(InvalidRequest, match="sort"):
        svc.list_custody_requests(actor=AUDITOR, sort="name")


def test_a_lost_index_row_is_restored_from_the_ledger(sqlite_service: Service) -> None:  # noqa: F811
    made = _log(sqlite_service)
    sqlite_service.log_custody_event(
        made["request_id"], {"event": "held", "at": "2025-10-04T10:00"}, actor=OFFICER
    )
    with sqlite_service.writing() as conn:
        conn.execute(custody_events.delete())
        conn.execute(custody_requests.delete())
    restored = sqlite_service.recover_index()
    assert restored["restored"] == 2
    assert sqlite_service.get_custody_request(made["request_id"], actor=AUDITOR)["status"] == "held"


def test_ledger_verify_catches_a_changed_custody_row(sqlite_service: Service) -> None:  # noqa: F811
    from brightline.errors import LedgerCorrupt
    from brightline.service.index_audit import check_index_tables

    made = _log(sqlite_service)
    sqlite_service.log_custody_event(
        made["request_id"],
        {"event": "transferred", "at": "2025-10-05T10:00", "to_agency": "ice"},
        actor=OFFICER,
    )
    checked = check_index_tables(sqlite_service.engine)
    assert checked["tables"]["custody_events"] == 1
    assert checked["tables"]["custody_requests"] == 1
    with sqlite_service.writing() as conn:
        conn.execute(custody_events.update().values(outcome="permitted"))
    with pytest.raises(LedgerCorrupt, match=r"custody_events row .* outcome is 'permitted'"):
        check_index_tables(sqlite_service.engine)
