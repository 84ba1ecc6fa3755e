"""Engines and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from brightline import settings


def database_url(url: str | None = None) -> str:
    """The database URL in force: the argument, else BRIGHTLINE_DATABASE_URL, else the SQLite
    file ``brightline.db`` in BRIGHTLINE_DATA_DIR (created on first start). ``postgresql://``
    URLs are given the psycopg 3 driver."""
    config = settings.current()
    raw = url or config.database_url
    if not raw:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{config.data_path('brightline.db').resolve()}"
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`). SQLite files get WAL, full sync and a
    busy timeout so that several processes can share one file safely."""
    url = database_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            private_file(Path(path))
        kwargs.setdefault("poolclass", NullPool)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("timeout", 30)
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Take control of transactions ourselves (BEGIN IMMEDIATE for writers).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def private_file(path: Path) -> None:
    """Create the SQLite file ``path`` readable and writable by its owner only (0600) before
    SQLite opens it; SQLite gives its -wal and -shm files the same mode. An existing file is
    left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Bring the database at ``url`` to the newest schema (runs on every start)."""
    from alembic import command

    url = database_url(url)
    command.upgrade(alembic_config(url), "head")
