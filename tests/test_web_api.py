"""The JSON API in process, on SQLite and PostgreSQL: decisions with receipts that verify,
access rules, follow-ups, reviews, reports, ledger proofs, and the one error shape."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import test_web_support as support
from brightline.ledger.checkpoint import open_checkpoint
from brightline.ledger.merkle import verify_consistency, verify_inclusion
from brightline.settings import Rate
from test_web_support import DETAINER_CASE, OPEN_CASE, REPORT, Web, make_web

web = support.web
sqlite_web = support.sqlite_web


def _verify_receipt(web: Web, receipt: dict) -> None:
    vkey = web.client.get("/api/v1/ledger/checkpoint").json()["vkey"]
    cp = open_checkpoint(receipt["checkpoint"], vkey)
    assert cp.size == receipt["tree_size"] and cp.root.hex() == receipt["root"]
    proof = web.client.get(
        "/api/v1/ledger/proof/inclusion", params={"index": receipt["index"], "size": cp.size}
    ).json()
    verify_inclusion(
        bytes.fromhex(receipt["leaf_hash"]),
        receipt["index"],
        cp.size,
        [bytes.fromhex(h) for h in proof["proof"]],
        cp.root,
    )


def test_decide_returns_decision_and_a_receipt_that_verifies(web: Web) -> None:
    reply = web.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=web.auth("officer"))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["decision"]["outcome"] == "prohibited"
    assert "TRUST.15(g)" in {c for r in body["decision"]["reasons"] for c in r["cites"]}
    assert body["actor"] == {"username": "officer1", "role": "officer"}
    _verify_receipt(web, body["receipt"])
    again = web.client.get(f"/api/v1/decisions/{body['id']}", headers=web.auth("officer"))
    assert again.status_code == 200
    assert again.json()["case"] == DETAINER_CASE
    assert again.json()["decision"] == body["decision"]


def test_one_account_cannot_read_anothers_decision(web: Web) -> None:
    made = web.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=web.auth("officer"))
    url = f"/api/v1/decisions/{made.json()['id']}"
    assert web.client.get(url, headers=web.auth("officer2")).status_code == 403
    assert web.client.get(url).status_code == 401
    assert web.client.get(url, headers=web.auth("supervisor")).status_code == 200
    listed = web.client.get("/api/v1/decisions", headers=web.auth("officer2")).json()
    assert listed["items"] == [] and listed["total"] == 0


def test_anonymous_and_wrong_roles_cannot_screen_or_review(sqlite_web: Web) -> None:
    assert sqlite_web.client.post("/api/v1/decisions", json=DETAINER_CASE).status_code == 401
    auditor = sqlite_web.client.post(
        "/api/v1/decisions", json=DETAINER_CASE, headers=sqlite_web.auth("auditor")
    )
    assert auditor.status_code == 403
    assert sqlite_web.client.get("/api/v1/reviews").status_code == 401
    assert (
        sqlite_web.client.get("/api/v1/reviews", headers=sqlite_web.auth("officer")).status_code
        == 403
    )
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert (
        sqlite_web.client.post(
            "/api/v1/decisions", json=DETAINER_CASE, headers=bad_token
        ).status_code
        == 401
    )


def test_follow_up_and_review_flow(web: Web) -> None:
    first = web.client.post("/api/v1/decisions", json=OPEN_CASE, headers=web.auth("officer")).json()
    assert first["decision"]["outcome"] == "needs_review"
    assert "purpose" in {q["fact"] for q in first["decision"]["questions"]}
    answered = {**OPEN_CASE, "facts": {**OPEN_CASE["facts"], "purpose": "civil_immigration"}}
    second = web.client.post(
        "/api/v1/decisions",
        params={"follow_up_of": first["id"]},
        json=answered,
        headers=web.auth("officer"),
    )
    assert second.status_code == 201, second.text
    assert second.json()["follow_up_of"] == first["id"]
    assert second.json()["decision"]["outcome"] == "prohibited"
    original = web.client.get(f"/api/v1/decisions/{first['id']}", headers=web.auth("officer"))
    assert original.json()["follow_ups"] == [second.json()["id"]]

    open_one = web.client.post("/api/v1/decisions", json=OPEN_CASE, headers=web.auth("officer"))
    queue = web.client.get("/api/v1/reviews", headers=web.auth("supervisor")).json()["items"]
    assert [d["id"] for d in queue] == [open_one.json()["id"]]
    body = {"outcome": "prohibited", "note": "immigration agency, no warrant shown"}
    refused = web.client.post(
        f"/api/v1/reviews/{open_one.json()['id']}", json=body, headers=web.auth("officer")
    )
    assert refused.status_code == 403
    done = web.client.post(
        f"/api/v1/reviews/{open_one.json()['id']}", json=body, headers=web.auth("supervisor")
    )
    assert done.status_code == 200, done.text
    _verify_receipt(web, done.json()["receipt"])
    assert web.client.get("/api/v1/reviews", headers=web.auth("supervisor")).json()["items"] == []


def test_public_report_gets_a_receipt_and_stays_private(web: Web) -> None:
    reply = web.client.post("/api/v1/reports", json=REPORT)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    _verify_receipt(web, body["receipt"])
    url = f"/api/v1/reports/{body['id']}"
    public = web.client.get(url)
    assert public.status_code == 200 and "private" not in public.json()
    assert REPORT["description"] not in public.text
    officer = web.client.get(url, headers=web.auth("officer"))
    assert REPORT["description"] not in officer.text
    full = web.client.get(url, headers=web.auth("auditor"))
    assert full.json()["private"]["description"] == REPORT["description"]
    entry = web.client.get(f"/api/v1/ledger/entries/{body['receipt']['index']}")
    assert entry.status_code == 200 and REPORT["description"] not in entry.text
    stats = web.client.get("/api/v1/stats").json()
    assert stats["reports"]["total"] == 1 and "officer1" not in str(stats)


def test_consistency_proof_between_two_checkpoints_verifies(web: Web) -> None:
    web.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=web.auth("officer"))
    first = web.client.get("/api/v1/ledger/checkpoint").json()
    for _ in range(3):
        web.client.post("/api/v1/decisions", json=OPEN_CASE, headers=web.auth("supervisor"))
    second = web.client.get("/api/v1/ledger/checkpoint").json()
    proof = web.client.get(
        "/api/v1/ledger/proof/consistency", params={"from": first["size"], "to": second["size"]}
    ).json()
    verify_consistency(
        first["size"],
        second["size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(first["root"]),
        bytes.fromhex(second["root"]),
    )
    beyond = web.client.get("/api/v1/ledger/proof/inclusion", params={"index": 99})
    assert beyond.status_code == 404
    backwards = web.client.get("/api/v1/ledger/proof/consistency", params={"from": 4, "to": 2})
    assert 400 <= backwards.status_code < 500


def test_token_exchange(sqlite_web: Web) -> None:
    sqlite_web.account("officer")
    good = sqlite_web.client.post(
        "/api/v1/tokens", json={"username": "officer1", "password": "a long enough password 1"}
    )
    assert good.status_code == 201
    me = sqlite_web.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {good.json()['token']}"}
    )
    assert me.json() == {"username": "officer1", "role": "officer"}
    bad = sqlite_web.client.post(
        "/api/v1/tokens", json={"username": "officer1", "password": "wrong one!"}
    )
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"


def test_bad_bodies_get_4xx_never_5xx(sqlite_web: Web) -> None:
    h = {**sqlite_web.auth("officer"), "content-type": "application/json"}
    cases = [
        sqlite_web.client.post("/api/v1/decisions", content=b"{not json", headers=h),
        sqlite_web.client.post("/api/v1/decisions", content=b"[1, 2]", headers=h),
        sqlite_web.client.post("/api/v1/decisions", content=b'{"kind": 3}', headers=h),
        sqlite_web.client.post("/api/v1/decisions", content=b"x" * 70_000, headers=h),
        sqlite_web.client.post(
            "/api/v1/decisions",
            content=b"{}",
            headers={**sqlite_web.auth("officer"), "content-type": "text/plain"},
        ),
        sqlite_web.client.post(
            "/api/v1/reports", json={"category": "nonsense", "description": "x"}
        ),
        sqlite_web.client.post("/api/v1/reports", json={**REPORT, "description": "y" * 5000}),
        sqlite_web.client.get("/api/v1/ledger/proof/inclusion", params={"index": "abc"}),
        sqlite_web.client.get(
            "/api/v1/decisions", params={"limit": 0}, headers=sqlite_web.auth("officer")
        ),
    ]
    for reply in cases:
        assert 400 <= reply.status_code < 500, (reply.status_code, reply.text)
        assert set(reply.json()) == {"error"}
        assert set(reply.json()["error"]) == {"code", "message", "details"}


def test_exact_error_bodies(
    sqlite_web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request for each refusal status, with the exact JSON body it must return."""
    web = sqlite_web
    c = web.client
    assert c.post("/api/v1/decisions", json=DETAINER_CASE).json() == {
        "error": {
            "code": "unauthorized",
            "message": "log in to decide (roles allowed: officer, supervisor)",
            "details": {"permission": "decide", "allowed": ["officer", "supervisor"]},
        }
    }
    forbidden = c.get("/api/v1/reviews", headers=web.auth("officer"))
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "error": {
            "code": "forbidden",
            "message": "role 'officer' may not read review queue "
            "(roles allowed: auditor, supervisor)",
            "details": {
                "permission": "read_review_queue",
                "role": "officer",
                "allowed": ["auditor", "supervisor"],
            },
        }
    }
    missing = c.get("/api/v1/decisions/d-00000000000000000000", headers=web.auth("supervisor"))
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "code": "not_found",
            "message": "no decision d-00000000000000000000",
            "details": {"id": "d-00000000000000000000"},
        }
    }
    big = c.post(
        "/api/v1/reports",
        content=b"{" + b" " * 70_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert big.status_code == 413
    assert big.json() == {
        "error": {
            "code": "too_large",
            "message": "request body too large: 70002 bytes (limit 65536 bytes)",
            "details": {"limit": 65536, "size": 70002},
        }
    }
    bad = c.post(
        "/api/v1/decisions",
        content=b"{oops",
        headers={**web.auth("officer"), "content-type": "application/json"},
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "error": {
            "code": "invalid_request",
            "message": "the request body is not valid JSON",
            "details": {"field": "body"},
        }
    }
    limited = make_web(
        f"sqlite:///{tmp_path / 'limited.db'}",
        tmp_path / "limited",
        monkeypatch,
        config={"report_rate": Rate(1, 60)},
    )
    frozen = time.time()
    limited.service.clock = lambda: frozen
    try:
        assert limited.client.post("/api/v1/reports", json=REPORT).status_code == 201
        flood = limited.client.post("/api/v1/reports", json=REPORT)
        assert flood.status_code == 429
        assert flood.headers["retry-after"] == "60"
        assert flood.json() == {
            "error": {
                "code": "rate_limited",
                "message": "too many reports from this client: at most 1 per 60 s; "
                "try again in 60 s",
                "details": {"limit": 1, "window_seconds": 60, "retry_after": 60},
            }
        }
    finally:
        limited.service.close()


def test_openapi_lists_the_contract_endpoints(sqlite_web: Web) -> None:
    spec = sqlite_web.client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/decisions",
        "/api/v1/decisions/{decision_id}",
        "/api/v1/ledger/checkpoint",
        "/api/v1/ledger/proof/inclusion",
        "/api/v1/ledger/proof/consistency",
        "/api/v1/reports",
    ):
        assert path in spec["paths"], path


def test_streamed_oversized_body_is_413(sqlite_web: Web) -> None:
    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(100):
            yield b" " * 1024

    reply = sqlite_web.client.post(
        "/api/v1/reports", content=chunks(), headers={"content-type": "application/json"}
    )
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "too_large"
