"""Where the data lives, for the command line: the database URL in force (the argument, else
BRIGHTLINE_DATABASE_URL, else the SQLite file in the data directory)."""

from __future__ import annotations

from brightline.store import database_url

__all__ = ["database_url"]
