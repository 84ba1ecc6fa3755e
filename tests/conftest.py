"""Shared fixtures. Storage tests run on SQLite and on PostgreSQL.

PostgreSQL: BRIGHTLINE_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test) is
the admin connection; each test that asks for a database gets a new, empty one, dropped after.
When the server cannot be reached the PostgreSQL variants fail under CI (CI=true) and are skipped
with the reason elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get(
    "BRIGHTLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BRIGHTLINE_SHARED_DIR", REPO.parent / "shared"))

_pg_error: str | None = None
_pg_checked = False


def _pg_unreachable() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per process)."""
    global _pg_checked, _pg_error
    if not _pg_checked:
        _pg_checked = True
        try:
            import psycopg

            with psycopg.connect(_libpq_url(PG_ADMIN_URL), connect_timeout=3) as conn:
                conn.execute("select 1")
        except Exception as exc:  # any failure to connect means unreachable
            _pg_error = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"
    return _pg_error


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def require_pg() -> None:
    """Fail under CI, skip elsewhere, when PostgreSQL is down."""
    reason = _pg_unreachable()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(reason)


def fresh_pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; dropped when the generator closes."""
    require_pg()
    import psycopg

    name = f"bl_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(_libpq_url(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Each test reads the BRIGHTLINE_* environment anew (a running service reads it once)."""
    from brightline import settings

    settings.forget()
    yield
    settings.forget()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    yield from fresh_pg_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'brightline.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs twice: on a new SQLite file and on a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'brightline.db'}"
    else:
        yield from fresh_pg_database()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.fail(f"shared data folder not found at {SHARED}")
    return SHARED

