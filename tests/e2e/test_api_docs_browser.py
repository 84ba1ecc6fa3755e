"""The API docs in Debian's chromium: Swagger UI from the installed package renders the spec
under the site's strict Content-Security-Policy, with no request leaving the server and no CSP
violation (issue 14: the docs loaded Swagger UI from a CDN and skipped the CSP)."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def test_swagger_ui_renders_under_the_strict_csp_from_this_server(
    page: Any, server: Server
) -> None:
    requests: list[str] = []
    complaints: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: complaints.append(message.text)
        if "Content Security Policy" in message.text or message.type == "error"
        else None,
    )
    response = page.goto(server.url + "/api/v1/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    try:
        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    except Exception:
        raise AssertionError(f"not rendered; console: {complaints}; requests: {requests}") from None
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("brightline")
    assert page.locator(".swagger-ui .opblock").count() >= 15
    assert all(url.startswith(server.url) for url in requests), requests
    assert complaints == []
