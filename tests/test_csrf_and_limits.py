"""CSRF on every state change a cookie can make, JSON-only endpoints, the real client behind
trusted proxies, rate limits shared by every worker, and login throttling (issue 14's findings;
each failed on the old code)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import test_web_support as support
from brightline.settings import Rate
from brightline.web.security import client_address
from test_officers_web import _payload, site, subset  # noqa: F401  (the roster fixtures)
from test_web_support import DETAINER_CASE, PASSWORD, REPORT, Web, csrf_of, make_web

sqlite_web = support.sqlite_web


def _roll_call(site: Web) -> dict[str, Any]:  # noqa: F811
    payload: dict[str, Any] = _payload(site)
    return payload


def test_inspections_by_cookie_need_the_csrf_header_and_json(site: Web) -> None:  # noqa: F811
    payload = _roll_call(site)
    site.login("supervisor")
    before = site.service.ledger.size()
    plain = site.client.post(
        "/api/v1/inspections",
        content=__import__("json").dumps(payload),
        headers={"content-type": "text/plain"},
    )
    assert plain.status_code in (403, 415), plain.text
    assert site.client.post("/api/v1/inspections", json=payload).status_code == 403
    assert site.service.ledger.size() == before
    token = site.client.get("/").text
    with_header = site.client.post(
        "/api/v1/inspections", json=payload, headers={"X-CSRF-Token": csrf_of(token)}
    )
    assert with_header.status_code == 201, with_header.text


def test_every_cookie_signed_api_post_needs_the_csrf_header(sqlite_web: Web) -> None:
    w = sqlite_web
    w.login("officer")
    before = w.service.ledger.size()
    assert w.client.post("/api/v1/decisions", json=DETAINER_CASE).status_code == 403
    assert w.service.ledger.size() == before
    csrf = csrf_of(w.client.get("/").text)
    done = w.client.post("/api/v1/decisions", json=DETAINER_CASE, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201
    # a bearer token needs no CSRF header: no browser sends it on its own
    assert (
        w.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=w.auth("officer")).status_code
        == 201
    )


@pytest.mark.parametrize("path", ["/api/v1/decisions", "/api/v1/reports", "/api/v1/tokens"])
def test_json_endpoints_take_only_json(sqlite_web: Web, path: str) -> None:
    reply = sqlite_web.client.post(
        path, content=b"{}", headers={**sqlite_web.auth("officer"), "content-type": "text/plain"}
    )
    assert reply.status_code == 415
    assert reply.json()["error"]["code"] == "unsupported_media_type"


def test_inspections_take_only_json(site: Web) -> None:  # noqa: F811
    reply = site.client.post(
        "/api/v1/inspections",
        content=b"{}",
        headers={**site.auth("supervisor"), "content-type": "text/plain"},
    )
    assert reply.status_code == 415


def test_x_forwarded_for_is_ignored_without_trusted_proxies(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = make_web(sqlite_url, tmp_path, monkeypatch, config={"report_rate": Rate(3, 600)})
    try:
        answers = [
            w.client.post(
                "/api/v1/reports", json=REPORT, headers={"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(1, 41)
        ]
    finally:
        w.service.close()
    assert answers[:3] == [201, 201, 201] and set(answers[3:]) == {429}


def test_behind_a_trusted_proxy_the_limit_is_per_real_client(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trusted = (ipaddress.ip_network("10.0.0.0/8"),)
    w = make_web(
        sqlite_url,
        tmp_path,
        monkeypatch,
        config={"report_rate": Rate(2, 600), "trusted_proxies": trusted},
    )
    proxy = TestClient(w.client.app, client=("10.0.0.2", 40000))
    try:

        def from_client(address: str) -> int:
            headers = {"X-Forwarded-For": f"6.6.6.6, {address}"}  # the left part is forged
            return proxy.post("/api/v1/reports", json=REPORT, headers=headers).status_code

        assert [from_client("198.51.100.7") for _ in range(3)] == [201, 201, 429]
        assert from_client("198.51.100.8") == 201  # another real client has its own count
    finally:
        w.service.close()


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # peer not trusted: header ignored
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
        ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # a chain; forged left
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),  # a broken header: the proxy itself
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_client_address_reads_x_forwarded_for_from_the_right(
    peer: str, forwarded: str, expected: str
) -> None:
    trusted = (ipaddress.ip_network("10.0.0.0/8"),)
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    assert client_address(peer, headers, trusted) == expected
    assert client_address(peer, headers, ()) == peer  # off by default


def test_rate_limits_are_shared_by_every_worker(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps over two services on one database are two workers: they count together."""
    limit = {"report_rate": Rate(4, 600)}
    first = make_web(sqlite_url, tmp_path, monkeypatch, config=limit)
    second = make_web(sqlite_url, tmp_path, monkeypatch, config=limit)
    try:
        statuses = [
            (first if n % 2 else second).client.post("/api/v1/reports", json=REPORT).status_code
            for n in range(8)
        ]
    finally:
        first.service.close()
        second.service.close()
    assert statuses.count(201) == 4 and statuses[4:] == [429] * 4


def test_serve_never_lets_uvicorn_trust_x_forwarded_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from brightline.cli import serve

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **kwargs: seen.update(kwargs))
    args = argparse.Namespace(host="127.0.0.1", port=8000, workers=2, access_log=False)
    serve._run("brightline.web.app:app_from_env", args)
    assert seen["proxy_headers"] is False
    assert seen["forwarded_allow_ips"] == ""


def test_login_is_throttled_per_account_and_failures_are_logged(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = make_web(
        sqlite_url,
        tmp_path,
        monkeypatch,
        config={"login_account_rate": Rate(5, 900), "login_client_rate": Rate(100, 900)},
    )
    try:
        w.account("officer")
        caplog.set_level(logging.WARNING, logger="brightline.accounts")
        bad = {"username": "officer1", "password": "wrong password!"}
        answers = [w.client.post("/api/v1/tokens", json=bad).status_code for _ in range(8)]
        assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
        right = w.client.post("/api/v1/tokens", json={"username": "officer1", "password": PASSWORD})
        assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
        page = w.client.get("/login")
        form = {"csrf_token": csrf_of(page.text), "username": "officer1", "password": PASSWORD}
        assert w.client.post("/login", data=form).status_code == 429
        failures = [r for r in caplog.records if "failed sign-in" in r.getMessage()]
        assert len(failures) == 5 and "officer1" in failures[0].getMessage()
        now = w.service.clock()
        w.service.clock = lambda: now + 901  # the window has passed
        again = w.client.post("/api/v1/tokens", json={"username": "officer1", "password": PASSWORD})
        assert again.status_code == 201
    finally:
        w.service.close()


def test_login_is_throttled_per_client_across_accounts(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = make_web(
        sqlite_url,
        tmp_path,
        monkeypatch,
        config={"login_account_rate": Rate(100, 900), "login_client_rate": Rate(3, 900)},
    )
    try:
        w.account("officer")
        for n in range(3):
            wrong = {"username": f"guess{n}x", "password": "wrong password!"}
            assert w.client.post("/api/v1/tokens", json=wrong).status_code == 401
        right = w.client.post("/api/v1/tokens", json={"username": "officer1", "password": PASSWORD})
        assert right.status_code == 429
        assert "from this client" in right.json()["error"]["message"]
    finally:
        w.service.close()
