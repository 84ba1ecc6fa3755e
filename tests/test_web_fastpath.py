"""The machine clients' fast path for POST /api/v1/decisions answers exactly as the router does."""

from __future__ import annotations

from typing import Any

import pytest

import brightline.web.fastpath as fastpath
import test_web_support as support
from test_web_support import DETAINER_CASE, Web

sqlite_web = support.sqlite_web


@pytest.fixture
def answered_fast(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The statuses the fast path answered with (empty when the router answered)."""
    seen: list[int] = []
    original = fastpath._answer

    async def counting(service: Any, case: Any, actor: Any) -> Any:
        response = await original(service, case, actor)
        seen.append(response.status_code)
        return response

    monkeypatch.setattr(fastpath, "_answer", counting)
    return seen


def _post(web: Web, body: Any, who: str = "officer", **kwargs: Any) -> Any:
    return web.client.post("/api/v1/decisions", json=body, headers=web.auth(who), **kwargs)


def test_a_known_token_is_answered_by_the_fast_path_like_the_router(
    sqlite_web: Web, answered_fast: list[int]
) -> None:
    first = _post(sqlite_web, DETAINER_CASE)  # the router looks the token up and caches it
    assert first.status_code == 201 and answered_fast == []
    second = _post(sqlite_web, DETAINER_CASE)
    assert second.status_code == 201 and answered_fast == [201]
    a, b = first.json(), second.json()
    assert set(a) == set(b)
    assert a["decision"] == b["decision"]
    assert b["receipt"]["index"] == a["receipt"]["index"] + 1
    assert second.headers["content-type"] == "application/json"
    for header in ("x-content-type-options", "content-security-policy"):
        assert second.headers.get(header) == first.headers.get(header) is not None
    got = sqlite_web.client.get(f"/api/v1/decisions/{b['id']}", headers=sqlite_web.auth("officer"))
    assert got.status_code == 200 and got.json()["ledger_index"] == b["receipt"]["index"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**DETAINER_CASE, "facts": {"agency": "icee"}}, 422),  # the engine's InvalidCase
        ({**DETAINER_CASE, "kind": "nope"}, 422),
        ([1, 2, 3], 422),  # not an object: the router answers
    ],
)
def test_errors_are_the_same_on_both_paths(
    sqlite_web: Web, answered_fast: list[int], body: Any, status: int
) -> None:
    via_router = _post(sqlite_web, body)
    via_fast = _post(sqlite_web, body)
    assert via_router.status_code == via_fast.status_code == status
    assert via_router.json() == via_fast.json()
    assert set(via_fast.json()) == {"error"}


def test_malformed_json_is_handed_to_the_router(sqlite_web: Web, answered_fast: list[int]) -> None:
    _post(sqlite_web, DETAINER_CASE)
    headers = {**sqlite_web.auth("officer"), "content-type": "application/json"}
    reply = sqlite_web.client.post("/api/v1/decisions", content=b'{"kind": ', headers=headers)
    assert reply.status_code == 422 and set(reply.json()) == {"error"}
    assert answered_fast == []


def test_a_role_that_may_not_decide_is_refused_on_the_fast_path(
    sqlite_web: Web, answered_fast: list[int]
) -> None:
    first = _post(sqlite_web, DETAINER_CASE, who="auditor")
    second = _post(sqlite_web, DETAINER_CASE, who="auditor")
    assert first.status_code == second.status_code == 403
    assert first.json() == second.json()
    assert answered_fast == [403]
