"""Fixtures and helpers shared by the tests of the service layer (no tests here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brightline.ledger.checkpoint import open_checkpoint
from brightline.ledger.merkle import verify_inclusion
from brightline.service import Actor, Service

OFFICER = Actor("alice", "officer")
OFFICER2 = Actor("bob", "officer")
SUPERVISOR = Actor("sam", "supervisor")
AUDITOR = Actor("ada", "auditor")
ADMIN = Actor("root", "admin")
ANON = Actor.anonymous()

# Decided the same way by the Chicago pack (cases.md, rules 1 and 3).
DETAINER_CASE: dict[str, Any] = {
    "jurisdiction": "chicago",
    "at": "2025-10-04T10:30:00-05:00",
    "kind": "assistance",
    "facts": {
        "agency": "ice",
        "activity": "detainer_hold",
        "purpose": "civil_immigration",
        "basis": "immigration_detainer",
    },
}
# The purpose is unknown while an immigration agency asks for a traffic stop (rule 9).
OPEN_CASE: dict[str, Any] = {
    "jurisdiction": "chicago",
    "at": "2025-11-14T19:40:00-06:00",
    "kind": "assistance",
    "facts": {"agency": "hsi", "activity": "traffic_stop"},
}


def open_service(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Service:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    monkeypatch.delenv("BRIGHTLINE_LOG_ORIGIN", raising=False)
    return Service.open(url)


@pytest.fixture
def service(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    svc = open_service(db_url, tmp_path, monkeypatch)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_service(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    svc = open_service(sqlite_url, tmp_path, monkeypatch)
    yield svc
    svc.close()


def assert_receipt_verifies(service: Service, receipt: dict[str, Any]) -> None:
    """The receipt's checkpoint is signed by the ledger key and commits to its root and size,
    and the entry's inclusion proof at that size checks out against that root."""
    checkpoint = open_checkpoint(receipt["checkpoint"], service.ledger.vkey)
    assert checkpoint.size == receipt["tree_size"]
    assert checkpoint.root.hex() == receipt["root"]
    proof = service.inclusion_proof(receipt["index"], receipt["tree_size"])
    assert proof["leaf_hash"] == receipt["leaf_hash"]
    verify_inclusion(
        bytes.fromhex(receipt["leaf_hash"]),
        receipt["index"],
        receipt["tree_size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        checkpoint.root,
    )
