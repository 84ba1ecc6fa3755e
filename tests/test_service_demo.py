"""Demo seeding (idempotent) and the public statistics (no personal data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import test_service_support as support
from brightline import settings
from brightline.service import Actor, Service
from brightline.service.demo import DEMO_ACCOUNTS, demo_password, seed_roster
from test_service_support import SUPERVISOR

service = support.service
sqlite_service = support.sqlite_service


@pytest.fixture
def no_roster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIGHTLINE_ROSTER_DIR", str(tmp_path / "no-roster-here"))


def test_demo_seeding_is_idempotent_and_fills_every_view(
    service: Service, no_roster: None
) -> None:
    first = service.seed_demo()
    assert first["skipped"] == []
    added = first["added"]
    assert added["accounts"] == len(DEMO_ACCOUNTS)
    assert added["decisions"] + added["reports"] + added["reviews"] >= 50
    size = service.ledger.size()

    second = service.seed_demo()
    assert second["added"] == {"accounts": 0, "decisions": 0, "reviews": 0, "reports": 0}
    assert service.ledger.size() == size

    assert service.authenticate("supervisor", demo_password("supervisor")) == Actor(
        "supervisor", "supervisor"
    )
    queue = service.review_queue(actor=SUPERVISOR)
    assert len(queue) >= 3
    listed = service.list_decisions(actor=SUPERVISOR, limit=200)["items"]
    assert {d["kind"] for d in listed} == {
        "assistance", "appearance", "federal_conduct", "property_use"}
    assert {"prohibited", "permitted", "needs_review", "not_applicable"} <= {
        d["outcome"] for d in listed}
    months = {d["month"] for d in listed}
    assert min(months) == "2025-08" and max(months) == "2026-11"
    assert any(d["follow_up_of"] for d in listed)
    assert any(d["review_status"] == "resolved" for d in listed)


def test_public_stats_count_and_carry_no_names(service: Service, no_roster: None) -> None:
    assert service.public_stats()["decisions"]["total"] == 0
    service.seed_demo()
    stats = service.public_stats()
    decisions, reports = stats["decisions"], stats["reports"]
    listed = service.list_decisions(actor=SUPERVISOR, limit=200)
    assert decisions["total"] == listed["total"]
    assert sum(decisions["by_kind"].values()) == decisions["total"]
    assert sum(decisions["by_month"].values()) == decisions["total"]
    assert sum(r["count"] for r in decisions["rows"]) == decisions["total"]
    assert reports["total"] >= 10 and set(reports["by_category"]) == {
        "officer_appearance", "immigration_assistance", "property_use", "federal_conduct"}
    text = json.dumps(stats)
    for username, _ in DEMO_ACCOUNTS:
        assert f'"{username}"' not in text
    for private in ("example.org", "555", "Pilsen", "pepper"):
        assert private not in text
    for index in range(service.ledger.size()):
        public = json.dumps(service.ledger_entry(index))
        assert "officer2" not in public and "example.org" not in public


def test_demo_roster_is_imported_when_its_folder_exists(
    sqlite_service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import brightline.service.officers as officers

    folder = tmp_path / "cpd-roster"
    folder.mkdir()
    calls: list[tuple[Service, Path]] = []

    def fake_import(svc: Service, roster_dir: Path) -> dict[str, int]:
        calls.append((svc, roster_dir))
        return {"officers": 3}

    monkeypatch.setattr(officers, "import_roster_if_empty", fake_import)
    monkeypatch.setenv("BRIGHTLINE_ROSTER_DIR", str(folder))
    settings.forget()  # settings are read once; this test changes them twice
    assert seed_roster(sqlite_service) == {"officers": 3}
    assert calls == [(sqlite_service, folder)]
    monkeypatch.setenv("BRIGHTLINE_ROSTER_DIR", str(tmp_path / "missing"))
    settings.forget()
    assert seed_roster(sqlite_service) is None
    assert len(calls) == 1
