"""Tables of the ledger (declared on the shared metadata)."""

from brightline.store.schema import metadata  # noqa: F401
