"""The supervisors' review queue and its resolutions, logged to the ledger."""

from __future__ import annotations

import pytest

import test_service_support as support
from brightline.errors import AuthError, Forbidden, InvalidRequest
from brightline.service import Service
from test_service_support import (
    ANON,
    AUDITOR,
    DETAINER_CASE,
    OFFICER,
    OPEN_CASE,
    SUPERVISOR,
    assert_receipt_verifies,
)

service = support.service
sqlite_service = support.sqlite_service


def test_review_flow_logs_the_resolution_and_empties_the_queue(service: Service) -> None:
    open_ = service.decide(OPEN_CASE, actor=OFFICER)
    service.decide(DETAINER_CASE, actor=OFFICER)
    queue = service.review_queue(actor=SUPERVISOR)
    assert [item["id"] for item in queue] == [open_["id"]]
    assert "purpose" in [q["fact"] for q in queue[0]["questions"]]

    resolved = service.resolve_review(
        open_["id"], outcome="prohibited", note="Dispatch confirmed a civil ICE operation.",
        actor=SUPERVISOR,
    )
    assert resolved["decision_id"] == open_["id"] and resolved["outcome"] == "prohibited"
    assert_receipt_verifies(service, resolved["receipt"])
    entry = service.ledger.entry(resolved["receipt"]["index"])
    assert entry.kind == "review"
    assert entry.record["decision_id"] == open_["id"]
    assert entry.record["decision_index"] == open_["receipt"]["index"]
    assert entry.record["actor"] == {"username": "sam", "role": "supervisor"}
    assert entry.record["note"] == "Dispatch confirmed a civil ICE operation."

    assert service.review_queue(actor=SUPERVISOR) == []
    got = service.get_decision(open_["id"], actor=OFFICER)
    assert got["review_status"] == "resolved"
    assert got["review"]["outcome"] == "prohibited" and got["review"]["by"] == "sam"


def test_review_refusals_change_nothing(sqlite_service: Service) -> None:
    svc = sqlite_service
    open_ = svc.decide(OPEN_CASE, actor=OFFICER)
    settled = svc.decide(DETAINER_CASE, actor=OFFICER)
    size = svc.ledger.size()
    with pytest.raises(AuthError):
        svc.review_queue(actor=ANON)
    with pytest.raises(Forbidden):
        svc.review_queue(actor=OFFICER)
    assert len(svc.review_queue(actor=AUDITOR)) == 1  # auditors read the queue
    for actor, error in ((ANON, AuthError), (OFFICER, Forbidden), (AUDITOR, Forbidden)):
        with pytest.raises(error):
            svc.resolve_review(open_["id"], outcome="permitted", note="ok", actor=actor)
    with pytest.raises(InvalidRequest, match="prohibited, permitted, not_applicable") as err:
        svc.resolve_review(open_["id"], outcome="needs_review", note="ok", actor=SUPERVISOR)
    assert err.value.details["field"] == "outcome"
    with pytest.raises(InvalidRequest, match="note must not be empty"):
        svc.resolve_review(open_["id"], outcome="permitted", note="   ", actor=SUPERVISOR)
    with pytest.raises(InvalidRequest, match="too long"):
        svc.resolve_review(open_["id"], outcome="permitted", note="x" * 4001, actor=SUPERVISOR)
    with pytest.raises(InvalidRequest, match="only needs_review"):
        svc.resolve_review(settled["id"], outcome="permitted", note="ok", actor=SUPERVISOR)
    assert svc.ledger.size() == size
    svc.resolve_review(open_["id"], outcome="permitted", note="ok", actor=SUPERVISOR)
    with pytest.raises(InvalidRequest, match="already resolved as permitted"):
        svc.resolve_review(open_["id"], outcome="prohibited", note="again", actor=SUPERVISOR)
    assert svc.ledger.size() == size + 1
