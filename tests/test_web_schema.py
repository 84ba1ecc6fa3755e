"""schemathesis against /api/v1/openapi.json in process (ASGI): whatever it generates, the API
answers without a server error, as an officer and anonymously."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from brightline.web.security import RateLimiter
from test_web_support import DETAINER_CASE, OPEN_CASE, REPORT, make_web

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def web_under_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("schema")
    with pytest.MonkeyPatch.context() as mp:
        web = make_web(
            f"sqlite:///{root / 'brightline.db'}",
            root,
            mp,
            report_limiter=RateLimiter(limit=10_000, window=60.0),
        )
        for case in (DETAINER_CASE, OPEN_CASE):
            web.client.post("/api/v1/decisions", json=case, headers=web.auth("officer"))
        web.client.post("/api/v1/reports", json=REPORT)
        yield web
        web.service.close()


def _check(case: Any, web: Any) -> None:
    for headers in (web.auth("supervisor"), {}):
        response = case.call(headers=headers)
        where = f"{case.method} {case.formatted_path}"
        assert response.status_code < 500, (
            f"{where} -> {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])


def test_no_server_error_for_any_generated_request(web_under_test: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web_under_test.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            _check(case, web_under_test)

        run()
