"""The one error tree: every error carries its data and says what was expected and what came."""

from __future__ import annotations

import pytest

from brightline import errors
from brightline.errors import (
    BrightlineError,
    InvalidCase,
    PackError,
    error_body,
)


def test_invalid_case_names_fact_and_allowed_values() -> None:
    exc = InvalidCase(
        "fact 'agency': 'icee' is not allowed (allowed: ice, hsi)",
        fact="agency",
        allowed=["ice", "hsi"],
        got="icee",
    )
    assert exc.fact == "agency"
    assert exc.allowed == ["ice", "hsi"]
    assert error_body(exc) == {
        "error": {
            "code": "invalid_case",
            "message": "fact 'agency': 'icee' is not allowed (allowed: ice, hsi)",
            "details": {"fact": "agency", "allowed": ["ice", "hsi"], "got": "icee"},
        }
    }
    assert exc.http_status == 422


def test_pack_error_message_leads_with_file_line_and_path() -> None:
    exc = PackError("unknown citation 'WCO.20(a)'", file="packs/chicago/pack.yaml", line=41,
                    path="rules[3].cites[0]")
    assert str(exc) == "packs/chicago/pack.yaml:41: rules[3].cites[0]: unknown citation 'WCO.20(a)'"
    assert error_body(exc)["error"]["details"] == {
        "file": "packs/chicago/pack.yaml",
        "line": 41,
        "path": "rules[3].cites[0]",
    }


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (errors.NotFound, 404),
        (errors.AuthError, 401),
        (errors.Forbidden, 403),
        (errors.TooLarge, 413),
        (errors.RateLimited, 429),
        (errors.InvalidRequest, 422),
        (errors.VerificationError, 422),
        (errors.StoreError, 503),
    ],
)
def test_every_error_has_a_status_and_the_one_shape(cls: type[BrightlineError], status: int) -> None:
    exc = cls("what was wrong", thing="x")
    assert exc.http_status == status
    body = error_body(exc)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"] == "what was wrong"
    assert body["error"]["details"] == {"thing": "x"}


def test_all_errors_derive_from_the_root() -> None:
    for name in dir(errors):
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and obj.__module__ == errors.__name__:
            assert issubclass(obj, BrightlineError), name
