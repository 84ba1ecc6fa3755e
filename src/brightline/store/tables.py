"""Imports every table module so that ``metadata`` knows the whole schema."""

from brightline.store import (  # noqa: F401
    tables_app,
    tables_ledger,
    tables_oversight,
    tables_roster,
)
from brightline.store.schema import metadata

__all__ = ["metadata"]
