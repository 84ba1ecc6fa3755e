"""Imports every table module so that ``metadata`` knows the whole schema."""

from brightline.store import tables_app, tables_ledger, tables_roster  # noqa: F401
from brightline.store.schema import metadata

__all__ = ["metadata"]
