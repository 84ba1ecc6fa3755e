"""Checks for every input the service takes. Each failure raises ``InvalidRequest`` naming the
field, what was expected (the allowed values where there is a list) and what came; nothing is
changed before all checks of a call have passed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from brightline.errors import InvalidRequest

OUTCOMES = ("prohibited", "permitted", "needs_review", "not_applicable")
REVIEW_OUTCOMES = ("prohibited", "permitted", "not_applicable")
MAX_LIMIT = 200
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def choice(field: str, value: Any, allowed: Iterable[str]) -> str:
    options = list(allowed)
    if not isinstance(value, str) or value not in options:
        raise InvalidRequest(
            f"{field} must be one of {', '.join(options)} (got {value!r})",
            field=field,
            allowed=options,
            got=_shown(value),
        )
    return value


def text(field: str, value: Any, *, max_len: int, min_len: int = 1) -> str:
    """A string, stripped, between ``min_len`` and ``max_len`` characters."""
    if not isinstance(value, str):
        raise InvalidRequest(
            f"{field} must be text (got {type(value).__name__})", field=field, got=_shown(value)
        )
    if "\x00" in value:
        raise InvalidRequest(
            f"{field} must not contain a NUL character (\\u0000)", field=field, got="<has NUL>"
        )
    cleaned: str = value.strip()
    if len(cleaned) < min_len:
        raise InvalidRequest(f"{field} must not be empty", field=field)
    if len(cleaned) > max_len:
        raise InvalidRequest(
            f"{field} is too long: {len(cleaned)} characters, at most {max_len} allowed",
            field=field,
            max_length=max_len,
            length=len(cleaned),
        )
    return cleaned


def optional_text(field: str, value: Any, *, max_len: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return text(field, value, max_len=max_len)


def integer(field: str, value: Any, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(
            f"{field} must be a whole number (got {value!r})", field=field, got=_shown(value)
        )
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise InvalidRequest(
            f"{field} must be at least {minimum}{upper} (got {value})",
            field=field,
            minimum=minimum,
            maximum=maximum,
            got=value,
        )
    return value


def page(limit: Any, offset: Any) -> tuple[int, int]:
    return (
        integer("limit", limit, minimum=1, maximum=MAX_LIMIT),
        integer("offset", offset, minimum=0),
    )


def identifier(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidRequest(
            f"{field} must be an id of letters, digits, '-' or '_' (got {_shown(value)!r})",
            field=field,
            got=_shown(value),
        )
    return value


def mapping(field: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRequest(
            f"{field} must be a JSON object (got {type(value).__name__})", field=field
        )
    return value


def known_fields(field: str, value: Mapping[str, Any], allowed: Iterable[str]) -> None:
    options = list(allowed)
    unknown = sorted(str(k) for k in value if k not in options)
    if unknown:
        raise InvalidRequest(
            f"{field} has unknown field(s) {', '.join(unknown)} (allowed: {', '.join(options)})",
            field=field,
            unknown=unknown,
            allowed=options,
        )


def moment(field: str, value: Any, *, now: datetime) -> str:
    """An ISO 8601 date or date-time not in the future; returned as given (stripped)."""
    raw = text(field, value, max_len=40)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(
            f"{field} must be an ISO 8601 date or date-time such as 2025-10-04 or "
            f"2025-10-04T10:30:00-05:00 (got {raw!r})",
            field=field,
            got=raw,
        ) from None
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if aware > now + timedelta(minutes=5):
        raise InvalidRequest(f"{field} is in the future ({raw})", field=field, got=raw)
    return raw


def _shown(value: Any) -> Any:
    """A value safe to echo back in an error: scalars as they are, anything else by type."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:80]
    return type(value).__name__


def day(field: str, value: Any) -> str:
    """A calendar date ``YYYY-MM-DD``."""
    raw = text(field, value, max_len=10)
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InvalidRequest(
            f"{field} must be a date YYYY-MM-DD (got {raw!r})", field=field, got=raw
        ) from None
