"""`brightline audit --ledger`: re-decide the logged decisions under another date's law or
another pack folder and list those whose outcome would change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import test_service_support as support
from brightline.cli import main
from brightline.errors import InvalidRequest
from brightline.rules import decide
from brightline.service import Service
from brightline.service.audit import ledger_changes
from test_service_support import OFFICER

sqlite_service = support.sqlite_service

MASKED = {"jurisdiction": "chicago", "at": "2025-10-04T10:30:00-05:00", "kind": "appearance",
          "facts": {"officer_type": "local", "assignment": "plainclothes",
                    "face_covering": "balaclava", "covering_reason": "weather"}}
LOT = {"jurisdiction": "chicago", "at": "2025-11-02", "kind": "property_use",
       "facts": {"owner": "city", "property_type": "parking_lot", "use": "staging_area",
                 "purpose": "civil_immigration"}}


def test_ledger_changes_under_an_earlier_law(sqlite_service: Service) -> None:
    for case in (MASKED, LOT):
        sqlite_service.decide(case, actor=OFFICER)
    report = ledger_changes(sqlite_service, pack="chicago", as_of="2025-06-01")
    assert report["decided"] == 2
    changed = {c["kind"]: c for c in report["changes"]}
    for case in (MASKED, LOT):
        was = decide(case, flips=False)["outcome"]
        now = decide({**case, "at": "2025-06-01"}, flips=False)
        if was != now["outcome"]:
            assert changed[case["kind"]]["was"] == was
            assert changed[case["kind"]]["now"] == now["outcome"]
            assert changed[case["kind"]]["cites"] == [c for r in now["reasons"] for c in r["cites"]]
        else:
            assert case["kind"] not in changed
    assert changed  # the orders of 2025 changed at least one of these
    only = ledger_changes(sqlite_service, pack="chicago", kind="appearance", as_of="2025-06-01")
    assert only["decided"] == 1
    # the same law: nothing changes
    same = ledger_changes(sqlite_service, pack="chicago", against=None, as_of=None)
    assert same["changes"] == []


def test_ledger_cases_the_other_law_cannot_decide_are_listed(sqlite_service: Service) -> None:
    sqlite_service.decide(MASKED, actor=OFFICER)
    report = ledger_changes(sqlite_service, pack="chicago", as_of="2019-01-01")
    assert report["decided"] == 0
    assert "outside the coverage" in report["undecidable"][0]["error"]
    with pytest.raises(InvalidRequest, match="not a date"):
        ledger_changes(sqlite_service, pack="chicago", as_of="June")


def test_cli_audit_ledger(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    svc = support.open_service(sqlite_url, tmp_path, monkeypatch)
    svc.decide(MASKED, actor=OFFICER)
    svc.close()
    assert main(["audit", "chicago", "--ledger", "--database", sqlite_url]) == 2
    capsys.readouterr()
    code = main(["audit", "chicago", "--ledger", "--as-of", "2025-06-01", "--database",
                 sqlite_url, "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["decided"] == 1 and len(report["changes"]) == 1
    assert report["changes"][0]["was"] == "prohibited"
