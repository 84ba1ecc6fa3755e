"""The one error tree of brightline.

Every error raised on purpose by brightline derives from :class:`BrightlineError`. Each carries the
data it is about (``details``) and a message that says what was expected and what came. The web
layer turns any of them into the one JSON error shape with :func:`error_body`; the CLI prints
``str(error)`` on one line.

    BrightlineError
    ├── InvalidInput            (bad input from a user: HTTP 422, CLI exit 2)
    │   ├── InvalidCase         (a case that breaks the contract of cases.md)
    │   ├── InvalidRequest      (any other malformed request)
    │   ├── SettingError        (a BRIGHTLINE_* environment variable with a bad value)
    │   └── InvalidAuditInput   (an audit's input or mapping: per column the bad values and counts)
    ├── PackError               (a pack that does not validate; it never loads)
    ├── LedgerError
    │   ├── VerificationError   (a proof, root or checkpoint that does not verify)
    │   └── LedgerCorrupt       (stored log rows that do not re-derive)
    ├── StoreError              (the database said no)
    ├── NotFound                (HTTP 404)
    ├── AuthError               (HTTP 401)
    ├── Forbidden               (HTTP 403)
    ├── TooLarge                (HTTP 413)
    ├── UnsupportedMediaType    (HTTP 415)
    └── RateLimited             (HTTP 429)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class BrightlineError(Exception):
    """Base of every deliberate brightline error."""

    code: str = "error"
    http_status: int = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(BrightlineError):
    code = "invalid_input"
    http_status = 422


class InvalidCase(InvalidInput):
    """A case that does not meet the contract: names the field or fact and the allowed values."""

    code = "invalid_case"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        fact: str | None = None,
        allowed: Sequence[Any] | None = None,
        got: Any = None,
    ) -> None:
        details: dict[str, Any] = {}
        if field is not None:
            details["field"] = field
        if fact is not None:
            details["fact"] = fact
        if allowed is not None:
            details["allowed"] = list(allowed)
        if got is not None:
            details["got"] = got
        super().__init__(message, **details)
        self.field = field
        self.fact = fact
        self.allowed = list(allowed) if allowed is not None else None
        self.got = got


class InvalidRequest(InvalidInput):
    code = "invalid_request"


class SettingError(InvalidInput):
    """A ``BRIGHTLINE_*`` environment variable with a value brightline cannot use."""

    code = "bad_setting"

    def __init__(self, variable: str, allowed: str, got: str) -> None:
        shown = got if len(got) <= 80 else got[:77] + "..."
        super().__init__(
            f"{variable} must be {allowed} (got {shown!r})",
            variable=variable,
            allowed=allowed,
            got=shown,
        )
        self.variable = variable


class InvalidAuditInput(InvalidInput):
    """A batch audit's input or mapping file that does not fit the kind: ``problems`` lists, per
    column, what is wrong (``column``, ``fact``, ``bad``: [value, count] pairs, ``allowed``)."""

    code = "invalid_audit_input"

    def __init__(self, message: str, *, problems: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message, problems=list(problems))
        self.problems = list(problems)


class PackError(BrightlineError):
    """A pack that does not validate. Names the file, the line and the path of the problem."""

    code = "pack_error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        where = ":".join(str(p) for p in (file, line) if p is not None)
        full = message
        if path:
            full = f"{path}: {full}"
        if where:
            full = f"{where}: {full}"
        super().__init__(full, file=file, line=line, path=path)
        self.file = file
        self.line = line
        self.path = path


class LedgerError(BrightlineError):
    code = "ledger_error"


class VerificationError(LedgerError):
    """A proof, root, signature or checkpoint that does not verify; says what failed."""

    code = "verification_failed"
    http_status = 422


class LedgerCorrupt(LedgerError):
    """Stored rows that do not re-derive; ``index`` names the first bad entry."""

    code = "ledger_corrupt"


class StoreError(BrightlineError):
    code = "store_error"
    http_status = 503


class NotFound(BrightlineError):
    code = "not_found"
    http_status = 404


class AuthError(BrightlineError):
    code = "unauthorized"
    http_status = 401


class Forbidden(BrightlineError):
    code = "forbidden"
    http_status = 403


class TooLarge(BrightlineError):
    code = "too_large"
    http_status = 413


class UnsupportedMediaType(BrightlineError):
    """A request body in a media type the endpoint does not take (the API takes JSON)."""

    code = "unsupported_media_type"
    http_status = 415


class RateLimited(BrightlineError):
    code = "rate_limited"
    http_status = 429


def error_body(error: BrightlineError) -> dict[str, Any]:
    """The one JSON error shape of the API: ``{"error": {"code", "message", "details"}}``."""
    return {
        "error": {
            "code": error.code,
            "message": error.message,
            "details": error.details,
        }
    }
