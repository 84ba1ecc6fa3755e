"""`brightline oversight verify`: a report document recomputed from the ledger at its size.
Hostile vectors, one per attack, each with why it must fail and what the check must name."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from brightline.cli import main
from brightline.errors import InvalidRequest
from brightline.service.oversight import content_hash, period
from brightline.store.tables_oversight import custody_events
from oversight_support import fill
from test_service_support import AUDITOR, open_service


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One ledger, filled once, with a TRUST report for 2025, a WCO report of 2025Q4, an
    EO report of 2026Q1 and an empty TRUST report for 2024."""
    root = tmp_path_factory.mktemp("oversight")
    mp = pytest.MonkeyPatch()
    service = open_service(f"sqlite:///{root / 'b.db'}", root, mp)
    fill(service)
    docs = {
        "trust": service.oversight_report("trust", period(year=2025), actor=AUDITOR),
        "wco": service.oversight_report("wco", period(quarter="2025Q4"), actor=AUDITOR),
        "eo": service.oversight_report(
            "federal-conduct", period(quarter="2026Q1"), actor=AUDITOR, suppress_below=5
        ),
        "empty": service.oversight_report("trust", period(year=2024), actor=AUDITOR),
    }
    yield service, docs, root
    service.close()
    mp.undo()


def _rows(doc: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return next(t["rows"] for t in doc["tables"] if t["name"] == name)


def _rehash(doc: dict[str, Any]) -> None:
    """The attacker also fixes the content hash so that it matches the forged content."""
    doc["content_hash"] = content_hash(doc)


def changed_figure(doc: dict[str, Any]) -> None:
    doc["figures"]["transferred"] = 0


def changed_cell(doc: dict[str, Any]) -> None:
    _rows(doc, "detainers_and_warrants")[1]["disposition"] = "released"
    _rehash(doc)


def dropped_row(doc: dict[str, Any]) -> None:
    del _rows(doc, "detainers_and_warrants")[1]
    _rehash(doc)


def extra_row(doc: dict[str, Any]) -> None:
    forged = dict(_rows(doc, "detainers_and_warrants")[0], ledger_index=999, request_id="cr-x")
    _rows(doc, "detainers_and_warrants").append(forged)
    _rehash(doc)


def swapped_source(doc: dict[str, Any]) -> None:
    rows = _rows(doc, "detainers_and_warrants")
    rows[0]["ledger_index"], rows[1]["ledger_index"] = (
        rows[1]["ledger_index"],
        rows[0]["ledger_index"],
    )
    _rehash(doc)


def shrunk_period(doc: dict[str, Any]) -> None:
    doc["period"]["to"] = "2025-10-31"


def forged_checkpoint(doc: dict[str, Any]) -> None:
    note = doc["basis"]["checkpoint"]
    doc["basis"]["checkpoint"] = note.replace(
        note.split("\n")[1], str(doc["basis"]["ledger_size"] + 1), 1
    )


def other_ledger_size(doc: dict[str, Any]) -> None:
    doc["basis"]["ledger_size"] -= 3
    _rehash(doc)


def entries_commitment(doc: dict[str, Any]) -> None:
    doc["entries"]["count"] -= 1
    _rehash(doc)


def unsuppressed_guess(doc: dict[str, Any]) -> None:
    cell = next(r for r in _rows(doc, "violations") if r["suppressed"])
    cell.update(count=3, suppressed=False, shown_as="3")
    _rehash(doc)


def removed_certification(doc: dict[str, Any]) -> None:
    for table in doc["tables"]:
        table["rows"] = []
    _rehash(doc)


def renamed_figure(doc: dict[str, Any]) -> None:
    doc["figures"]["deported"] = doc["figures"].pop("transferred")
    _rehash(doc)


# name -> (which document, the attack, a phrase the check must print, why it must fail)
ATTACKS: dict[str, tuple[str, Callable[[dict[str, Any]], None], str, str]] = {
    "changed_figure": (
        "trust",
        changed_figure,
        "figure transferred: the report says 0, the ledger gives 1",
        "a figure edited by hand no longer matches what the ledger's entries add up to",
    ),
    "changed_cell": (
        "trust",
        changed_cell,
        "disposition says 'released', the ledger gives 'transferred'",
        "a transfer (prohibited by the pack) passed off as a release must be named",
    ),
    "dropped_row": (
        "trust",
        dropped_row,
        "missing from the report (dropped)",
        "hiding a detainer from the Attorney General must be caught",
    ),
    "extra_row": (
        "trust",
        extra_row,
        "row from ledger entry 999 is in the report but not in the ledger (extra)",
        "a row no ledger entry backs is invented",
    ),
    "swapped_source": (
        "trust",
        swapped_source,
        "received_on says",
        "a row must come from the entry it names, not from another",
    ),
    "shrunk_period": (
        "wco",
        shrunk_period,
        "content_hash",
        "a period narrowed after the fact changes what the report covers",
    ),
    "forged_checkpoint": (
        "wco",
        forged_checkpoint,
        "basis.checkpoint: not a checkpoint signed by this ledger's key",
        "a checkpoint not signed by the ledger's key proves nothing",
    ),
    "other_ledger_size": (
        "trust",
        other_ledger_size,
        "logged: ledger entry",
        "claiming another ledger size disowns entries the report counted",
    ),
    "entries_commitment": (
        "trust",
        entries_commitment,
        "entries: the report commits to",
        "the commitment must cover exactly the entries counted",
    ),
    "unsuppressed_guess": (
        "eo",
        unsuppressed_guess,
        "count says 3, the ledger gives None",
        "a suppressed cell filled in by hand is not the ledger's figure",
    ),
    "removed_certification": (
        "empty",
        removed_certification,
        "row certifying none is in the ledger but missing from the report (dropped)",
        "TRUST.25(a) needs the certification of none, not an empty file",
    ),
    "renamed_figure": (
        "trust",
        renamed_figure,
        "figure deported: in the report but not a figure of this report",
        "a figure the report does not have is an invention",
    ),
}


def test_untouched_reports_verify(produced: Any) -> None:
    service, docs, _ = produced
    for doc in docs.values():
        result = service.verify_oversight_report(copy.deepcopy(doc), actor=AUDITOR)
        assert result["ok"], result["problems"]
        assert result["checked"]["figures"] > 0


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_is_named(produced: Any, name: str) -> None:
    service, docs, _ = produced
    which, attack, phrase, why = ATTACKS[name]
    doc = copy.deepcopy(docs[which])
    attack(doc)
    result = service.verify_oversight_report(doc, actor=AUDITOR)
    assert not result["ok"], why
    assert any(phrase in p for p in result["problems"]), (why, result["problems"])


def test_a_document_that_is_not_a_report_is_refused(produced: Any) -> None:
    service, _, _ = produced
    for bad in (
        {},
        {"format": "x"},
        [],
        {"format": "brightline-oversight-report/1", "report": "x"},
    ):
        with pytest.raises(InvalidRequest):
            service.verify_oversight_report(bad, actor=AUDITOR)


def test_tampered_index_is_reported_by_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = open_service(f"sqlite:///{tmp_path / 'b.db'}", tmp_path, monkeypatch)
    try:
        fill(service)
        doc = service.oversight_report("trust", period(year=2025), actor=AUDITOR)
        with service.writing() as conn:
            conn.execute(custody_events.update().values(outcome="permitted"))
        result = service.verify_oversight_report(doc, actor=AUDITOR)
    finally:
        service.close()
    assert not result["ok"]
    assert any("the ledger cannot back this report" in p for p in result["problems"])


def test_cli_produces_and_verifies(
    produced: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _service, docs, root = produced
    db = f"sqlite:///{root / 'b.db'}"
    assert main(["oversight", "trust", "--year", "2025", "--database", db, "--no-log"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["figures"] == docs["trust"]["figures"]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(docs["trust"]))
    assert main(["oversight", "verify", str(path), "--database", db]) == 0
    assert "report OK: trust 2025-01-01..2025-12-31" in capsys.readouterr().out
    forged = copy.deepcopy(docs["trust"])
    dropped_row(forged)
    path.write_text(json.dumps(forged))
    assert main(["oversight", "verify", str(path), "--database", db]) == 1
    out = capsys.readouterr().out
    assert "report NOT verified" in out and "(dropped)" in out
    code = main(
        ["oversight", "wco", "--quarter", "2025Q4", "--database", db, "--format", "csv", "--no-log"]
    )
    assert code == 0 and capsys.readouterr().out.startswith("ledger_index,decision_id,")
    code = main(
        [
            "oversight",
            "wco",
            "--quarter",
            "2025Q4",
            "--database",
            db,
            "--format",
            "csv",
            "--table",
            "nope",
            "--no-log",
        ]
    )
    assert code == 2 and "table must be one of" in capsys.readouterr().err
    code = main(["oversight", "trust", "--quarter", "2025Q9", "--database", db])
    assert code == 2 and "quarter must look like 2026Q1" in capsys.readouterr().err
    out_dir = tmp_path / "files"
    assert (
        main(
            [
                "oversight",
                "federal-conduct",
                "--year",
                "2026",
                "--database",
                db,
                "--out",
                str(out_dir),
                "--no-log",
            ]
        )
        == 0
    )
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "all_records.csv",
        "data_dictionary.csv",
        "findings.csv",
        "report.html",
        "report.json",
        "violations.csv",
    ]
    html = (out_dir / "report.html").read_text()
    assert (
        "@media print" in html and "<title" in html and "<desc" in html and "fewer than 5" in html
    )
