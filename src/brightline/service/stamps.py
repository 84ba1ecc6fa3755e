"""Clock readings and identifiers of the service (the only part of brightline that reads the
clock besides the store)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds and ``Z``: sortable as text on every database."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id(prefix: str) -> str:
    """A random public identifier such as ``d-5f0c2a9e13b47d8e6a01``."""
    return f"{prefix}-{secrets.token_hex(10)}"


def month_of(at: str) -> str:
    """``YYYY-MM`` of an ISO date or date-time as written (its local date)."""
    return at.strip()[:7]
