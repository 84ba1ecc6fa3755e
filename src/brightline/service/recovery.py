"""Crash recovery of the index: the ledger is the source of truth.

Index rows are written in the same transaction as their ledger entries, so they can only go
missing by outside damage (a restored backup, a row deleted by hand). On start the service
re-derives every missing ``decisions``, ``reviews`` and ``reports`` row from the ledger records.

To keep starts fast on a long log, ``app_state`` remembers how far the ledger was checked
(``index_checked_through``) and how many index rows lay below that point
(``index_rows_below``). If that count still holds, only the new entries are checked; if rows
went missing below it, the whole log is checked again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from brightline.service import entries
from brightline.service.index_audit import registered
from brightline.store.tables_app import app_state

if TYPE_CHECKING:
    from brightline.service.core import Service


def _builders() -> dict[str, tuple[Any, Any]]:
    """The restorable index tables of the registry (``service.index_audit``), by entry kind."""
    return {i.kind: (i.table, i.row) for i in registered() if i.restorable}


def _index_tables() -> list[Any]:
    """The tables whose rows recovery counts and restores (the restorable registered ones)."""
    return [table for table, _ in _builders().values()]

CURSOR = "index_checked_through"
COUNT = "index_rows_below"


def recover_index(service: Service) -> dict[str, int]:
    """Index every app entry of the ledger that has no index row. Returns ``{"checked",
    "restored", "unrecoverable"}`` (unrecoverable: redacted app entries without a row)."""
    size = service.ledger.size()
    cursor, below = _state(service)
    start = cursor if cursor <= size and _rows_below(service, cursor) == below else 0
    present = _indexed_from(service, start)
    restored = unrecoverable = 0
    for index in range(start, size):
        if index in present:
            continue
        outcome = _restore(service, index)
        restored += outcome == "restored"
        unrecoverable += outcome == "unrecoverable"
    _save_state(service, size, _rows_below(service, size))
    return {"checked": size - start, "restored": restored, "unrecoverable": unrecoverable}


def _restore(service: Service, index: int) -> str:
    builders = _builders()
    entry = service.ledger.entry(index)
    if entry is None or entry.kind not in builders:
        return "other"
    record = entries.record_of(entry)
    if record is None:
        return "unrecoverable"
    table, build = builders[entry.kind]
    row = {**build(record), "ledger_index": index}
    try:
        with service.writing() as conn:
            conn.execute(table.insert().values(**row))
    except IntegrityError:  # another process restored it first
        return "other"
    return "restored"


def _indexed_from(service: Service, start: int) -> set[int]:
    present: set[int] = set()
    with service.reading() as conn:
        for table in _index_tables():
            present.update(
                conn.execute(
                    select(table.c.ledger_index).where(table.c.ledger_index >= start)
                ).scalars()
            )
    return present


def _rows_below(service: Service, bound: int) -> int:
    with service.reading() as conn:
        return sum(
            int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.ledger_index < bound)
                ).scalar()
                or 0
            )
            for table in _index_tables()
        )


def _state(service: Service) -> tuple[int, int]:
    with service.reading() as conn:
        rows = dict(
            conn.execute(
                select(app_state.c.key, app_state.c.value).where(app_state.c.key.in_([CURSOR, COUNT]))
            ).all()
        )
    return int(rows.get(CURSOR, 0)), int(rows.get(COUNT, 0))


def _save_state(service: Service, cursor: int, count: int) -> None:
    try:
        with service.writing() as conn:
            conn.execute(app_state.delete().where(app_state.c.key.in_([CURSOR, COUNT])))
            conn.execute(
                app_state.insert(),
                [{"key": CURSOR, "value": str(cursor)}, {"key": COUNT, "value": str(count)}],
            )
    except IntegrityError:  # another process starting at the same moment saved its own
        return
