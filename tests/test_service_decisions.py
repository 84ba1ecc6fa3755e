"""Decisions through the service: logged with a verifiable receipt, follow-ups, access rules,
validation and the recovery of a missing index row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

import test_service_support as support
from async_support import run_coroutine
from brightline.errors import AuthError, Forbidden, InvalidCase, InvalidRequest, NotFound
from brightline.service import Service
from brightline.store.tables_app import decisions as decisions_t
from test_service_support import (
    ADMIN,
    ANON,
    AUDITOR,
    DETAINER_CASE,
    OFFICER,
    OFFICER2,
    OPEN_CASE,
    SUPERVISOR,
    assert_receipt_verifies,
    open_service,
)

service = support.service
sqlite_service = support.sqlite_service


def _count(svc: Service) -> int:
    with svc.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(decisions_t)).scalar() or 0)


def test_decide_logs_the_decision_with_a_receipt_that_verifies(service: Service) -> None:
    out = service.decide(DETAINER_CASE, actor=OFFICER)
    assert out["decision"]["outcome"] == "prohibited"
    assert out["actor"] == {"username": "alice", "role": "officer"}
    assert out["follow_up_of"] is None
    assert_receipt_verifies(service, out["receipt"])

    entry = service.ledger.entry(out["receipt"]["index"])
    assert entry.kind == "decision"
    assert entry.record is not None
    assert entry.record["id"] == out["id"]
    assert entry.record["case"] == DETAINER_CASE
    assert entry.record["decision"] == out["decision"]
    assert entry.record["actor"] == {"username": "alice", "role": "officer"}

    got = service.get_decision(out["id"], actor=OFFICER)
    assert got["decision"] == out["decision"] and got["case"] == DETAINER_CASE
    assert got["ledger_index"] == out["receipt"]["index"]
    assert got["review_status"] is None
    assert_receipt_verifies(service, got["receipt"])


def test_decide_async_logs_many_decisions_in_one_line(service: Service) -> None:
    import asyncio

    async def many() -> list[dict]:
        return await asyncio.gather(
            *(service.decide_async(DETAINER_CASE, actor=OFFICER) for _ in range(40))
        )

    outs = run_coroutine(many())
    indices = sorted(out["receipt"]["index"] for out in outs)
    assert indices == list(range(indices[0], indices[0] + 40))
    for out in outs[:3]:
        assert out["decision"]["outcome"] == "prohibited"
        assert_receipt_verifies(service, out["receipt"])
        assert service.get_decision(out["id"], actor=OFFICER)["ledger_index"] == (
            out["receipt"]["index"]
        )
    with pytest.raises(AuthError):
        run_coroutine(service.decide_async(DETAINER_CASE, actor=ANON))
    with pytest.raises(InvalidCase):
        run_coroutine(service.decide_async({**DETAINER_CASE, "kind": "nope"}, actor=OFFICER))
    assert _count(service) == 40


def test_follow_up_answers_the_open_question_and_links_both(service: Service) -> None:
    first = service.decide(OPEN_CASE, actor=OFFICER)
    assert first["decision"]["outcome"] == "needs_review"
    assert "purpose" in [q["fact"] for q in first["decision"]["questions"]]
    answered = {**OPEN_CASE, "facts": {**OPEN_CASE["facts"], "purpose": "civil_immigration"}}
    second = service.decide(answered, actor=OFFICER, follow_up_of=first["id"])
    assert second["follow_up_of"] == first["id"]
    assert second["decision"]["outcome"] == "prohibited"
    assert second["receipt"]["index"] == first["receipt"]["index"] + 1
    original = service.get_decision(first["id"], actor=SUPERVISOR)
    assert original["follow_ups"] == [second["id"]]
    assert original["review_status"] == "followed_up"
    assert service.ledger.entry(second["receipt"]["index"]).record["follow_up_of"] == first["id"]


def test_follow_up_rules(sqlite_service: Service) -> None:
    svc = sqlite_service
    decided = svc.decide(DETAINER_CASE, actor=OFFICER)
    with pytest.raises(InvalidRequest, match="not needs_review"):
        svc.decide(DETAINER_CASE, actor=OFFICER, follow_up_of=decided["id"])
    open_ = svc.decide(OPEN_CASE, actor=OFFICER)
    with pytest.raises(Forbidden):  # another officer's decision
        svc.decide(OPEN_CASE, actor=OFFICER2, follow_up_of=open_["id"])
    with pytest.raises(InvalidRequest, match="keep the kind"):
        svc.decide({**OPEN_CASE, "kind": "appearance", "facts": {}}, actor=OFFICER,
                   follow_up_of=open_["id"])
    with pytest.raises(NotFound):
        svc.decide(OPEN_CASE, actor=OFFICER, follow_up_of="d-doesnotexist")
    assert svc.ledger.size() == 2


def test_roles_and_privacy_of_decisions(sqlite_service: Service) -> None:
    svc = sqlite_service
    with pytest.raises(AuthError):
        svc.decide(DETAINER_CASE, actor=ANON)
    for refused in (AUDITOR, ADMIN):
        with pytest.raises(Forbidden):
            svc.decide(DETAINER_CASE, actor=refused)
    mine = svc.decide(DETAINER_CASE, actor=OFFICER)
    theirs = svc.decide(OPEN_CASE, actor=OFFICER2)
    with pytest.raises(Forbidden, match="belongs to another account"):
        svc.get_decision(theirs["id"], actor=OFFICER)
    with pytest.raises(AuthError):
        svc.get_decision(mine["id"], actor=ANON)
    with pytest.raises(Forbidden):
        svc.get_decision(mine["id"], actor=ADMIN)
    for reader in (SUPERVISOR, AUDITOR):
        assert svc.get_decision(theirs["id"], actor=reader)["id"] == theirs["id"]
    own = svc.list_decisions(actor=OFFICER)
    assert [d["id"] for d in own["items"]] == [mine["id"]] and own["total"] == 1
    every = svc.list_decisions(actor=AUDITOR)
    assert [d["id"] for d in every["items"]] == [theirs["id"], mine["id"]]
    assert [d["id"] for d in svc.list_decisions(actor=SUPERVISOR, outcome="needs_review")[
        "items"]] == [theirs["id"]]
    with pytest.raises(AuthError):
        svc.list_decisions(actor=ANON)


def test_bad_input_is_refused_and_changes_nothing(sqlite_service: Service) -> None:
    svc = sqlite_service
    bad_value = {**DETAINER_CASE, "facts": {**DETAINER_CASE["facts"], "agency": "icee"}}
    with pytest.raises(InvalidCase, match="agency") as err:
        svc.decide(bad_value, actor=OFFICER)
    assert "ice" in (err.value.allowed or [])
    with pytest.raises(InvalidCase, match="JSON object"):
        svc.decide(["not", "a", "case"], actor=OFFICER)
    with pytest.raises(InvalidRequest, match="outcome must be one of") as err2:
        svc.list_decisions(actor=AUDITOR, outcome="maybe")
    assert err2.value.details["allowed"] == [
        "prohibited", "permitted", "needs_review", "not_applicable"]
    for limit, offset in ((0, 0), (201, 0), (10, -1), ("10", 0), (True, 0)):
        with pytest.raises(InvalidRequest):
            svc.list_decisions(actor=AUDITOR, limit=limit, offset=offset)
    with pytest.raises(InvalidRequest, match="id"):
        svc.get_decision("../etc/passwd", actor=AUDITOR)
    with pytest.raises(NotFound):
        svc.get_decision("d-0000", actor=AUDITOR)
    assert svc.ledger.size() == 0 and _count(svc) == 0


def test_a_missing_index_row_is_restored_from_the_ledger_on_start(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = open_service(db_url, tmp_path, monkeypatch)
    first = svc.decide(DETAINER_CASE, actor=OFFICER)
    second = svc.decide(OPEN_CASE, actor=OFFICER2)
    svc.submit_report(
        {"category": "federal_conduct", "description": "Agents without badges."},
        client_id="198.51.100.7",
    )
    assert svc.recover_index()["restored"] == 0
    with svc.writing() as conn:
        conn.execute(delete(decisions_t).where(decisions_t.c.id == first["id"]))
    svc.close()

    again = open_service(db_url, tmp_path, monkeypatch)
    try:
        restored = again.get_decision(first["id"], actor=AUDITOR)
        assert restored["ledger_index"] == first["receipt"]["index"]
        assert restored["outcome"] == "prohibited" and restored["actor"]["username"] == "alice"
        assert _count(again) == 2
        assert again.get_decision(second["id"], actor=OFFICER2)["id"] == second["id"]
        assert again.recover_index() == {"checked": 0, "restored": 0, "unrecoverable": 0}
    finally:
        again.close()
