"""The migration 0004 builds exactly the oversight tables, and the migrations have one head."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from brightline.store import make_engine, migrate, tables_oversight
from brightline.store.tables import metadata
from test_service_schema import _tables_named

OVERSIGHT = {t.name for t in tables_oversight.OVERSIGHT_TABLES}
MIGRATIONS = Path(tables_oversight.__file__).parent / "migrations"


def test_migrated_oversight_tables_match_their_declaration(db_url: str) -> None:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            present = set(conn.dialect.get_table_names(conn))
    finally:
        engine.dispose()
    assert present >= OVERSIGHT
    assert [d for d in diffs if _tables_named(d) & OVERSIGHT] == []


def test_the_migrations_have_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"more than one Alembic head: {heads}"
