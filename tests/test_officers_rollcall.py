"""Roll-call inspections: each officer's record decided by the pack's appearance rules, logged
to the ledger with its index row, failures listed by unit and watch (CSV too), compliance by
unit, and the role refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from brightline.errors import AuthError, Forbidden, InvalidInput
from brightline.ledger.merkle import leaf_hash, verify_inclusion
from brightline.ledger.records import leaf_data
from brightline.service import Actor, Service
from brightline.service.officers import (
    COMPLIANCE_COLUMNS,
    FAILURE_COLUMNS,
    compliance_by_unit,
    import_roster,
    inspection_failures,
    record_roll_call,
    roster_index,
    to_csv,
    unit_officers,
)
from brightline.store.tables_roster import roster_inspections
from test_roster_support import GOOD_APPEARANCE as GOOD
from test_roster_support import subset_dir

SUPERVISOR = Actor("sgt.ortiz", "supervisor")
AUDITOR = Actor("ig.audit", "auditor")



@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return subset_dir(tmp_path_factory)


def _open(url: str, subset: Path) -> Service:
    service = Service.open(url)
    import_roster(service.engine, [subset])
    return service


@pytest.fixture
def service(
    db_url: str, subset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    opened = _open(db_url, subset)
    yield opened
    opened.close()


@pytest.fixture
def lite(
    sqlite_url: str, subset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    opened = _open(sqlite_url, subset)
    yield opened
    opened.close()


def _three_officers(service: Service) -> tuple[int, list[dict[str, Any]]]:
    everyone = roster_index(service).people.values()
    people = [p.public_view() for p in everyone if p.active]
    unit = people[0]["unit"]
    return unit, people[:3]


def _roll_call(service: Service) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    unit, people = _three_officers(service)
    payload = {
        "unit": unit,
        "watch": "2",
        "inspected_at": "2025-10-04T06:30:00-05:00",
        "officers": [
            {"officer_id": people[0]["id"], "star": people[0]["stars"][0], **GOOD},
            {"officer_id": people[1]["id"], **GOOD, "face_covering": "balaclava",
             "covering_reason": "weather"},
            {"officer_id": people[2]["id"], **GOOD, "name_visible": False},
        ],
    }  # fmt: skip
    return unit, people, record_roll_call(service, payload, actor=SUPERVISOR)


def test_each_officer_is_decided_and_logged_with_its_row(service: Service) -> None:
    unit, _people, done = _roll_call(service)
    outcomes = [i["outcome"] for i in done["inspections"]]
    assert [i["officer"]["star_on_record"] for i in done["inspections"]] == [True] * 3
    assert outcomes == ["permitted", "prohibited", "prohibited"]
    assert done["failed"] == 2
    masked = done["inspections"][1]
    assert any("EO2025-6.C9" in reason for reason in masked["failures"])
    unnamed = done["inspections"][2]
    assert any("EO2025-6.C7" in reason for reason in unnamed["failures"])
    for inspection in done["inspections"]:
        receipt = inspection["receipt"]
        entry = service.ledger.entry(receipt["index"])
        assert entry.kind == "inspection"
        proof = service.inclusion_proof(receipt["index"])
        verify_inclusion(
            leaf_hash(leaf_data("inspection", bytes.fromhex(_commitment(service, entry)))),
            receipt["index"],
            proof["size"],
            [bytes.fromhex(h) for h in proof["proof"]],
            bytes.fromhex(proof["root"]),
        )
    with service.reading() as conn:
        rows = conn.execute(select(roster_inspections)).all()
    by_index = {r.ledger_index: r for r in rows}  # the appends run side by side: any order
    logged = [by_index[i["receipt"]["index"]] for i in done["inspections"]]
    assert len(rows) == 3 and [r.compliant for r in logged] == [True, False, False]
    assert [r.officer_id for r in logged] == [i["officer"]["id"] for i in done["inspections"]]
    assert {r.unit for r in rows} == {unit} and {r.watch for r in rows} == {"2"}


def _commitment(service: Service, entry: Any) -> str:
    view = service.ledger_entry(entry.index)
    return str(view["commitment"])


def test_failures_by_unit_and_watch_with_csv(lite: Service) -> None:
    unit, people, _ = _roll_call(lite)
    failures = inspection_failures(lite, actor=SUPERVISOR, unit=unit, watch="2")
    assert {f["officer_id"] for f in failures} == {people[1]["id"], people[2]["id"]}
    assert all(f["unit"] == unit and f["watch"] == "2" and f["failures"] for f in failures)
    assert inspection_failures(lite, actor=AUDITOR, watch="1") == []
    assert inspection_failures(lite, actor=AUDITOR, since="2025-10-05") == []
    text = to_csv(failures, FAILURE_COLUMNS)
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(FAILURE_COLUMNS) and len(lines) == 3
    assert "prohibited" in lines[1] and "EO2025-6" in text


def test_compliance_over_time_by_unit(lite: Service) -> None:
    unit, _, _ = _roll_call(lite)
    rows = compliance_by_unit(lite, actor=AUDITOR)
    assert [
        (r["unit"], r["period"], r["inspected"], r["compliant"], r["failed"]) for r in rows
    ] == [(unit, "2025-10", 3, 1, 2)]
    assert rows[0]["rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert to_csv(rows, COMPLIANCE_COLUMNS).splitlines()[0] == ",".join(COMPLIANCE_COLUMNS)


def test_public_and_officers_cannot_record_inspections(lite: Service) -> None:
    unit, people = _three_officers(lite)
    payload = {
        "unit": unit,
        "watch": "1",
        "inspected_at": "2025-10-04T06:30:00-05:00",
        "officers": [{"officer_id": people[0]["id"], **GOOD}],
    }
    size = lite.ledger.size()
    with pytest.raises(AuthError):
        record_roll_call(lite, payload, actor=Actor.anonymous())
    with pytest.raises(Forbidden):
        record_roll_call(lite, payload, actor=Actor("po.smith", "officer"))
    with pytest.raises(Forbidden):
        record_roll_call(lite, payload, actor=AUDITOR)
    with pytest.raises(AuthError):
        inspection_failures(lite, actor=Actor.anonymous())
    with pytest.raises(Forbidden):
        compliance_by_unit(lite, actor=Actor("po.smith", "officer"))
    with pytest.raises(AuthError):
        unit_officers(lite, unit, actor=Actor.anonymous())
    assert lite.ledger.size() == size


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"watch": "4"}, "watch"),
        ({"inspected_at": "2025-10-04 06:30"}, "inspected_at"),
        ({"officers": []}, "officers"),
        ({"unit": "sixteen"}, "unit"),
        ({"inspected_at": "2999-01-01T06:00:00-06:00"}, "inspected_at"),
    ],
)
def test_bad_roll_calls_change_nothing(lite: Service, change: dict[str, Any], field: str) -> None:
    unit, people = _three_officers(lite)
    payload = {
        "unit": unit,
        "watch": "1",
        "inspected_at": "2025-10-04T06:30:00-05:00",
        "officers": [{"officer_id": people[0]["id"], **GOOD}],
        **change,
    }
    size = lite.ledger.size()
    with pytest.raises(InvalidInput) as caught:
        record_roll_call(lite, payload, actor=SUPERVISOR)
    assert caught.value.details["field"] == field
    assert lite.ledger.size() == size


def test_one_bad_officer_record_logs_none_of_the_roll_call(lite: Service) -> None:
    unit, people = _three_officers(lite)
    payload = {
        "unit": unit,
        "watch": "1",
        "inspected_at": "2025-10-04T06:30:00-05:00",
        "officers": [
            {"officer_id": people[0]["id"], **GOOD},
            {"officer_id": people[1]["id"], **GOOD, "face_covering": "hat"},
        ],
    }
    size = lite.ledger.size()
    with pytest.raises(InvalidInput, match="face_covering"):
        record_roll_call(lite, payload, actor=SUPERVISOR)
    payload["officers"] = [{"officer_id": 999_999_999, **GOOD}]
    with pytest.raises(InvalidInput, match="not an officer of the roster"):
        record_roll_call(lite, payload, actor=SUPERVISOR)
    assert lite.ledger.size() == size
