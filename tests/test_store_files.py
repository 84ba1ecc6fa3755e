"""SQLite files are private: created 0600 (and so their -wal and -shm files), and deleted rows
are overwritten (secure_delete)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from brightline.store import make_engine


def test_a_new_sqlite_file_is_created_0600_with_its_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)  # the usual umask, which gives 0644 files
    try:
        path = tmp_path / "sub" / "private.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('secret')"))
            with engine.connect() as other:  # keeps the WAL file in place
                other.execute(text("SELECT 1"))
                for name in ("private.db", "private.db-wal", "private.db-shm"):
                    found = path.parent / name
                    if found.exists():
                        assert stat.S_IMODE(found.stat().st_mode) == 0o600, name
        engine.dispose()
    finally:
        os.umask(old)


def test_secure_delete_is_on(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
    engine.dispose()
