"""Every error a 4xx/5xx in the one JSON shape with every security header, never a traceback or
a database driver's words; the API docs from the package under the strict CSP; private pages
not cached (issue 14's findings; each failed on the old code)."""

from __future__ import annotations

from typing import Any

import pytest

import test_web_support as support
from brightline.errors import StoreError
from brightline.web.security import SECURITY_HEADERS
from test_officers_web import site, subset  # noqa: F401
from test_web_support import DETAINER_CASE, REPORT, Web, csrf_of

web = support.web
sqlite_web = support.sqlite_web

HEADERS = [name.decode() for name, _ in SECURITY_HEADERS]


def _nested(depth: int) -> bytes:
    return b'{"facts": ' + b"[" * depth + b"]" * depth + b"}"


def _assert_error(reply: Any, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    for header in HEADERS:
        assert header in reply.headers, header
    assert "script-src 'self'" in reply.headers["content-security-policy"]
    body = reply.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert "Traceback" not in reply.text and 'File "' not in reply.text
    return dict(body["error"])


def test_deeply_nested_json_is_a_422_on_every_path(site: Web) -> None:  # noqa: F811
    officer = {**site.auth("officer"), "content-type": "application/json"}
    site.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=officer)  # warm the cache
    deep = _nested(30_000)  # within the body limit, far beyond the JSON parser's depth
    fast = site.client.post("/api/v1/decisions", content=deep, headers=officer)
    assert _assert_error(fast, 422)["details"]["field"] == "body"
    supervisor = {**site.auth("supervisor"), "content-type": "application/json"}
    for path, headers in (
        ("/api/v1/inspections", supervisor),
        ("/api/v1/reports", {"content-type": "application/json"}),
        ("/api/v1/reviews/d-1", supervisor),
    ):
        _assert_error(site.client.post(path, content=deep, headers=headers), 422)


def test_413_has_every_security_header(sqlite_web: Web) -> None:
    big = sqlite_web.client.post(
        "/api/v1/reports", content=b" " * 70_000, headers={"content-type": "application/json"}
    )
    assert _assert_error(big, 413)["code"] == "too_large"
    page = sqlite_web.client.post("/report", content=b"x" * 70_000)
    assert page.status_code == 413 and "content-security-policy" in page.headers


def test_a_500_is_the_json_shape_with_headers_and_no_traceback(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[str, Any]:
        raise RuntimeError("secret internals: /srv/brightline/var/x.db")

    monkeypatch.setattr(sqlite_web.service, "public_stats", broken)
    reply = sqlite_web.client.get("/api/v1/stats")
    error = _assert_error(reply, 500)
    assert error["code"] == "internal_error" and "secret internals" not in reply.text
    page = sqlite_web.client.get("/stats")
    assert page.status_code == 500 and "secret internals" not in page.text
    assert "content-security-policy" in page.headers


def test_database_errors_never_echo_the_drivers_words(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_: Any, **__: Any) -> Any:
        raise StoreError('cannot open: (psycopg.OperationalError) connection to "db.internal"')

    monkeypatch.setattr(sqlite_web.service, "list_decisions", down)
    reply = sqlite_web.client.get("/api/v1/decisions", headers=sqlite_web.auth("supervisor"))
    error = _assert_error(reply, 503)
    assert "psycopg" not in reply.text and "db.internal" not in reply.text
    assert error["code"] == "store_error"


def test_nul_bytes_are_refused_before_the_database(web: Web) -> None:
    """On PostgreSQL a NUL in text made a 500/503 with the driver's message."""
    login = web.client.post(
        "/api/v1/tokens", json={"username": "officer1\u0000", "password": "whatever it is"}
    )
    assert _assert_error(login, 401)["code"] == "unauthorized"
    web.account("officer")
    label = web.client.post(
        "/api/v1/tokens",
        json={"username": "officer1", "password": support.PASSWORD, "label": "a\u0000b"},
    )
    assert _assert_error(label, 422)["details"]["field"] == "label"
    made = web.client.post("/api/v1/decisions", json=support.OPEN_CASE, headers=web.auth("officer"))
    note = web.client.post(
        f"/api/v1/reviews/{made.json()['id']}",
        json={"outcome": "permitted", "note": "ok\u0000"},
        headers=web.auth("supervisor"),
    )
    assert _assert_error(note, 422)["details"]["field"] == "note"
    page = web.client.get("/login")
    form = {"csrf_token": csrf_of(page.text), "username": "x\u0000y", "password": "zzzzzzzzz"}
    assert web.client.post("/login", data=form).status_code == 401
    report = web.client.post("/api/v1/reports", json={**REPORT, "description": "a\u0000"})
    assert _assert_error(report, 422)["details"]["field"] == "description"


def test_api_docs_come_from_the_package_under_the_strict_csp(sqlite_web: Web) -> None:
    docs = sqlite_web.client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert "<script>" not in docs.text  # no inline script: the CSP forbids it
    assert docs.headers["content-security-policy"] == support_csp()
    for asset in ("/vendor/swagger-ui/swagger-ui-bundle.js", "/vendor/swagger-ui/swagger-ui.css",
                  "/static/swagger-init.js"):
        assert asset in docs.text
        assert sqlite_web.client.get(asset).status_code == 200, asset


def support_csp() -> str:
    return dict(SECURITY_HEADERS)[b"content-security-policy"].decode()


@pytest.mark.parametrize("path", ["/docs", "/x/docs", "/api/v1/nothing/docs", "/static/docs"])
def test_a_path_ending_in_docs_keeps_the_csp(sqlite_web: Web, path: str) -> None:
    reply = sqlite_web.client.get(path)
    assert reply.headers["content-security-policy"] == support_csp()


def test_private_pages_are_not_stored_and_vary_by_cookie(sqlite_web: Web) -> None:
    sqlite_web.login("supervisor")
    for path in ("/review", "/decisions", "/account", "/"):
        reply = sqlite_web.client.get(path)
        assert reply.status_code == 200
        assert reply.headers["cache-control"] == "private, no-store", path
        assert "Cookie" in reply.headers["vary"], path
    api = sqlite_web.client.get("/api/v1/reviews", headers=sqlite_web.auth("auditor"))
    assert api.headers["cache-control"] == "private, no-store"
    assert "Authorization" in api.headers["vary"]
