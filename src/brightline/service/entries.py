"""Appending the app's entries to the ledger and reading their records back.

Each app entry (kinds ``decision``, ``review``, ``report``) is appended together with its index row
(``LedgerStore.append(rows=...)``), so the index can never disagree with the log: the row's
``ledger_index`` is the marker ``LEDGER_INDEX``, which the store replaces by the entry's index.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from brightline.errors import NotFound

if TYPE_CHECKING:
    from brightline.service.core import Service


def index_marker() -> Any:
    from brightline.store.ledger import LEDGER_INDEX

    return LEDGER_INDEX


def append(
    service: Service, kind: str, record: Mapping[str, Any], table: Table, row: dict[str, Any]
) -> dict[str, Any]:
    """Log ``record`` as a ``kind`` entry with its index row; return the receipt as a dict."""
    row = {**row, "ledger_index": index_marker()}
    receipt = service.ledger.append(kind, record, rows=[(table, row)])
    return dict(receipt.to_dict())


async def append_async(
    service: Service, kind: str, record: Mapping[str, Any], table: Table, row: dict[str, Any]
) -> dict[str, Any]:
    """:func:`append` for asyncio callers: awaits the group commit without holding a thread."""
    row = {**row, "ledger_index": index_marker()}
    receipt = await service.ledger.append_async(kind, record, rows=[(table, row)])
    return dict(receipt.to_dict())


def record_of(entry: Any) -> dict[str, Any] | None:
    """The entry's record as a dict, or None when it was redacted."""
    record = entry.record
    if record is None:
        return None
    if isinstance(record, bytes | str):
        parsed = json.loads(record)
        return parsed if isinstance(parsed, dict) else None
    return dict(record)


def load_record(service: Service, index: int, kind: str) -> dict[str, Any] | None:
    """The record of the ledger entry at ``index`` (None if redacted); NotFound if the entry is
    missing or of another kind."""
    entry = service.ledger.entry(index)
    if entry is None or entry.kind != kind:
        raise NotFound(f"no {kind} entry at ledger index {index}", index=index)
    return record_of(entry)


def receipt_now(service: Service, index: int) -> dict[str, Any]:
    """A receipt for entry ``index`` against the latest checkpoint, with its inclusion proof;
    ``witnessed``: the newest checkpoint cosigned by a quorum of witnesses that holds the entry,
    which witnesses cosigned it, and the proof at its size (None until one exists)."""
    from brightline.service import witnessing

    proof = service.ledger.inclusion_proof(index)
    return {
        "index": proof["index"],
        "leaf_hash": proof["leaf_hash"],
        "tree_size": proof["size"],
        "root": proof["root"],
        "checkpoint": proof["checkpoint"],
        "proof": proof["proof"],
        "witnessed": witnessing.receipt_part(service, index),
    }
