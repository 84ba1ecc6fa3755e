"""Storage: SQLite by default, PostgreSQL when BRIGHTLINE_DATABASE_URL says so. Same schema,
Alembic migrations for both. Only the service layer and the command line use this package."""

from brightline.store.db import database_url, make_engine, migrate

__all__ = ["database_url", "make_engine", "migrate"]
