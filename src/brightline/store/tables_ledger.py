"""Tables of the ledger (declared on the shared metadata).

- ``ledger_entries``: one row per log entry. The record (canonical JSON) and its random salt are
  kept apart from the commitment to them; the leaf hash covers only kind and commitment, so a
  redaction (record and salt set to NULL) leaves every proof intact.
- ``ledger_nodes``: every complete subtree hash above the leaves, keyed by ``(level, idx)`` as
  in :class:`brightline.ledger.merkle.NodeID`; a leaf (level 0) is its entry's ``leaf_hash``
  (level-0 rows written here by earlier versions are never read). Proofs and a restart read a
  handful of these rows and leaf hashes, never the records.
- ``ledger_checkpoints``: the signed checkpoint of every committed batch, keyed by tree size;
  ``previous`` is the size of the checkpoint before it (0 for the first; NULL in rows written
  before the chain existed), so a deleted checkpoint row leaves a broken link.
- ``ledger_witnessed``: checkpoints cosigned by witnesses (the log's note with the witnesses'
  cosignature lines added) and which witnesses signed, keyed by tree size.
- ``ledger_head``: one row (``id = 1``) holding the committed size; writers lock it (PostgreSQL
  ``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``) so that the log stays one line across processes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, LargeBinary, String, Table, Text

from brightline.store.schema import metadata

# SQLite makes an INTEGER PRIMARY KEY the rowid; BIGINT would add a second B-tree.
Index64 = BigInteger().with_variant(Integer(), "sqlite")

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", Index64, primary_key=True, autoincrement=False),
    Column("kind", String(64), nullable=False),
    Column("commitment", LargeBinary(32), nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("record", Text, nullable=True),
    Column("salt", LargeBinary(32), nullable=True),
    Column("redacted", Boolean, nullable=False, default=False),
    Column("created_at", String(32), nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", Index64, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("previous", BigInteger, nullable=True),
)

ledger_witnessed = Table(
    "ledger_witnessed",
    metadata,
    Column("size", Index64, primary_key=True, autoincrement=False),
    Column("note", Text, nullable=False),
    Column("witnesses", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)
