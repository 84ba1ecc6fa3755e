"""The public ledger views of the service, and decisions appended concurrently."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import test_service_support as support
from brightline.errors import InvalidRequest, NotFound
from brightline.ledger.merkle import leaf_hash, verify_consistency
from brightline.ledger.records import leaf_data
from brightline.service import Service
from test_service_support import DETAINER_CASE, OFFICER, OPEN_CASE, SUPERVISOR

service = support.service
sqlite_service = support.sqlite_service


def test_concurrent_decisions_are_each_logged_and_indexed_once(service: Service) -> None:
    cases = [DETAINER_CASE, OPEN_CASE] * 8
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda case: service.decide(case, actor=OFFICER), cases))
    indices = sorted(r["receipt"]["index"] for r in results)
    assert indices == list(range(len(cases)))
    listed = service.list_decisions(actor=SUPERVISOR, limit=100)
    assert listed["total"] == len(cases)
    assert {d["id"]: d["ledger_index"] for d in listed["items"]} == {
        r["id"]: r["receipt"]["index"] for r in results
    }


def test_public_views_verify_and_validate_their_input(sqlite_service: Service) -> None:
    svc = sqlite_service
    first = svc.decide(DETAINER_CASE, actor=OFFICER)
    early = svc.checkpoint()
    svc.decide(OPEN_CASE, actor=OFFICER)
    svc.submit_report({"category": "federal_conduct", "description": "Masked agents."},
                      client_id="c")
    late = svc.checkpoint()
    assert (early["size"], late["size"]) == (1, 3)
    proof = svc.consistency_proof(early["size"], late["size"])
    verify_consistency(1, 3, [bytes.fromhex(h) for h in proof["proof"]],
                       bytes.fromhex(early["root"]), bytes.fromhex(late["root"]))

    entry = svc.ledger_entry(first["receipt"]["index"])
    assert entry["kind"] == "decision" and entry["summary"]["outcome"] == "prohibited"
    assert leaf_hash(leaf_data("decision", bytes.fromhex(entry["commitment"]))).hex() == (
        entry["leaf_hash"]
    )
    assert "alice" not in json.dumps(entry)
    report = svc.ledger_entry(2)
    assert report["summary"]["category"] == "federal_conduct"
    assert "Masked agents" not in json.dumps(report)

    for bad in (-1, "1", True, 1.5):
        with pytest.raises(InvalidRequest):
            svc.ledger_entry(bad)
    with pytest.raises(NotFound):
        svc.ledger_entry(3)
    with pytest.raises(NotFound):
        svc.inclusion_proof(0, size=4)
    with pytest.raises(InvalidRequest, match="not in the tree of size 2"):
        svc.inclusion_proof(2, size=2)
    with pytest.raises(InvalidRequest):
        svc.consistency_proof(2, "3")
    with pytest.raises(InvalidRequest, match="must not exceed"):
        svc.consistency_proof(3, 2)
