"""The migration 0002_app builds exactly the tables that ``tables_app`` declares."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table

from brightline.store import make_engine, migrate, tables_app
from brightline.store.tables import metadata

APP_TABLES = {
    t.name
    for t in (
        *tables_app.INDEX_TABLES,
        tables_app.users,
        tables_app.api_tokens,
        tables_app.app_state,
        tables_app.sessions,
        tables_app.rate_events,
        tables_app.report_contacts,
    )
}


def _tables_named(diff: Any) -> set[str]:
    """The table names a compare_metadata diff is about (its tables, or its items' tables)."""
    parts = diff if isinstance(diff, list) else [diff]
    names: set[str] = set()
    for part in parts:
        for item in part[1:]:
            if isinstance(item, Table):
                names.add(item.name)
            elif isinstance(getattr(item, "table", None), Table):
                names.add(item.table.name)
            elif isinstance(item, str):
                names.add(item)
    return names


def _concerns_app(diff: Any) -> bool:
    return bool(_tables_named(diff) & APP_TABLES)


def test_migrated_app_tables_match_their_declaration(db_url: str) -> None:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert {"users", "api_tokens", "decisions", "reviews", "reports", "app_state"} <= APP_TABLES
    assert [d for d in diffs if _concerns_app(d)] == []


def test_a_schema_drift_in_an_app_table_would_be_seen(sqlite_url: str) -> None:
    migrate(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP INDEX ix_decisions_outcome")
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [d[0] for d in diffs if _concerns_app(d)] == ["add_index"]
