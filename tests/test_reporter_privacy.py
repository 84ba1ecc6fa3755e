"""Reporters' privacy (issue 14): the client address only as a keyed hash, dropped after the
limit's window; contact details apart from the ledger record, encrypted at rest, shown only to
auditors, deleted or redacted on request through the pages and the console, each action logged;
public times to the minute."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

import test_service_support as service_support
import test_web_support as web_support
from brightline.cli import main
from brightline.service import Service
from brightline.settings import Rate
from brightline.store.tables_app import rate_events, report_contacts
from test_service_support import ANON, AUDITOR, SUPERVISOR
from test_web_support import Web, csrf_of

service = service_support.service
sqlite_service = service_support.sqlite_service
sqlite_web = web_support.sqlite_web

CONTACT = "reporter@example.org, 312-555-0100"
REPORT = {
    "category": "officer_appearance",
    "description": "An officer directing traffic wore a balaclava and no star.",
    "contact": CONTACT,
}


def _database_bytes(svc: Service) -> bytes:
    """Every byte SQLite holds for this database: the file and its write-ahead log."""
    path = Path(str(svc.engine.url.database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_the_client_address_is_kept_only_as_a_keyed_hash_for_the_window(
    sqlite_service: Service,
) -> None:
    svc = sqlite_service
    address = "203.0.113.77"
    svc.submit_report(REPORT, client_id=address)
    with svc.reading() as conn:
        stored = conn.execute(select(rate_events.c.key_hash, rate_events.c.at)).all()
    assert len(stored) == 1
    plain = hashlib.sha256(address.encode()).hexdigest()
    assert stored[0].key_hash != plain  # not the unsalted SHA-256 anyone can reverse
    assert address.encode() not in _database_bytes(svc)
    later = svc.clock() + svc.config.report_rate.seconds + 1
    svc.clock = lambda: later
    svc.submit_report(REPORT, client_id="198.51.100.1")  # any later check drops old events
    with svc.reading() as conn:
        left = conn.execute(select(rate_events.c.key_hash)).scalars().all()
    assert stored[0].key_hash not in left and len(left) == 1


def test_contact_details_are_encrypted_apart_and_shown_only_to_auditors(service: Service) -> None:
    out = service.submit_report(REPORT, client_id=None)
    record = service.ledger.entry(out["receipt"]["index"]).record
    assert CONTACT not in json.dumps(record) and "contact" not in record
    with service.reading() as conn:
        sealed = conn.execute(select(report_contacts.c.ciphertext)).scalar_one()
    assert "example.org" not in sealed and "555" not in sealed
    assert service.get_report(out["id"], actor=AUDITOR)["private"]["contact"] == CONTACT
    for reader in (ANON, SUPERVISOR):
        assert CONTACT not in json.dumps(service.get_report(out["id"], actor=reader))


def test_sqlite_never_holds_the_contact_in_plain_text(sqlite_service: Service) -> None:
    sqlite_service.submit_report(REPORT, client_id=None)
    assert b"555-0100" not in _database_bytes(sqlite_service)


def test_public_times_are_rounded_to_the_minute(sqlite_service: Service) -> None:
    out = sqlite_service.submit_report(REPORT, client_id=None)
    public = sqlite_service.get_report(out["id"], actor=ANON)
    entry = sqlite_service.ledger_entry(out["receipt"]["index"])
    for stamp in (out["created_at"], public["created_at"], entry["created_at"]):
        assert len(stamp) == 17 and stamp.endswith("Z"), stamp  # 2026-12-02T04:31Z
    exact = sqlite_service.get_report(out["id"], actor=AUDITOR)["created_at"]
    assert len(exact) > 17


def test_auditors_delete_contacts_and_redact_reports_on_the_pages(sqlite_web: Web) -> None:
    w = sqlite_web
    made = w.client.post("/api/v1/reports", json=REPORT).json()
    url = f"/reports/{made['id']}"
    public = w.client.get(url)
    assert CONTACT not in public.text and 'id="delete-contact"' not in public.text
    w.login("auditor")
    page = w.client.get(url)
    assert CONTACT in page.text and 'id="delete-contact"' in page.text
    assert "Cookie" in page.headers["vary"]  # one URL, two views: caches must know
    assert "no-store" in page.headers["cache-control"]
    deleted = w.client.post(
        f"{url}/contact/delete",
        data={"csrf_token": csrf_of(page.text), "reason": "the reporter asked by phone"},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert CONTACT not in w.client.get(url).text
    logged = [
        w.service.ledger.entry(i).record
        for i in range(w.service.ledger.size())
        if w.service.ledger.entry(i).kind == "privacy"
    ]
    assert logged[-1]["action"] == "contact_deleted" and logged[-1]["by"]["username"] == "auditor1"
    page = w.client.get(url)
    redacted = w.client.post(
        f"{url}/redact",
        data={"csrf_token": csrf_of(page.text), "reason": "the reporter asked"},
        follow_redirects=False,
    )
    assert redacted.status_code == 303
    assert w.service.get_report(made["id"], actor=AUDITOR)["redacted"] is True
    forged = w.client.post(f"{url}/redact", data={"csrf_token": "x", "reason": "again"})
    assert forged.status_code == 403


def test_a_supervisor_cannot_delete_a_reporters_data(sqlite_web: Web) -> None:
    w = sqlite_web
    made = w.client.post("/api/v1/reports", json=REPORT).json()
    w.login("supervisor")
    page = w.client.get(f"/reports/{made['id']}")
    refused = w.client.post(
        f"/reports/{made['id']}/contact/delete",
        data={"csrf_token": csrf_of(page.text), "reason": "no"},
    )
    assert refused.status_code == 403
    assert w.service.get_report(made["id"], actor=AUDITOR)["private"]["contact"] == CONTACT


def test_the_console_deletes_and_redacts_on_request(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    with Service.open(sqlite_url) as svc:
        report_id = svc.submit_report(REPORT, client_id=None)["id"]
    db = ["--database", sqlite_url]
    assert main(["report", "delete-contact", report_id, "--reason", "asked by mail", *db]) == 0
    assert "deleted" in capsys.readouterr().out
    assert main(["report", "redact", report_id, "--reason", "asked by mail", *db]) == 0
    assert main(["report", "redact", report_id, "--reason", "", *db]) == 2
    assert main(["report", "redact", "r-nope", "--reason", "x", *db]) == 1
    with Service.open(sqlite_url) as svc:
        full = svc.get_report(report_id, actor=AUDITOR)
        kinds = [svc.ledger.entry(i).kind for i in range(svc.ledger.size())]
    assert full["redacted"] is True and full["private"] is None
    assert kinds == ["report", "privacy", "redaction"]


def test_report_limit_is_documented_and_enforced_with_its_numbers(
    sqlite_service: Service,
) -> None:
    svc = sqlite_service
    assert svc.config.report_rate == Rate(5, 600)  # the README's default
    for _ in range(5):
        svc.submit_report(REPORT, client_id="192.0.2.1")
    with pytest.raises(Exception, match="at most 5 per 600 s"):
        svc.submit_report(REPORT, client_id="192.0.2.1")


def test_a_bad_contact_key_stops_the_start(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BRIGHTLINE_CONTACT_KEY", "not a key")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["user", "list", "--database", sqlite_url]) == 2
