"""The index tables checked against the ledger: a small registry, and the check ``ledger verify``
runs over it.

The ledger is the source of truth; ``decisions``, ``reviews``, ``reports``,
``roster_inspections`` (and whatever else registers) are an index over its entries, written in
the same transaction. An attacker with the database can still change an index row afterwards
(say, ``decisions.outcome``), and then lists and public statistics lie while the log is intact.
So every index row is re-derived from its ledger record and compared, column by column.

To register a table, describe how its row follows from a record::

    from brightline.service.index_audit import IndexTable, register

    register(IndexTable(kind="custody_request", table=custody_requests, row=custody.index_row))

``row(record)`` returns the row the service would insert for that record (without
``ledger_index``); ``skip`` names columns the record does not determine (an autoincrement id,
a hashed client address). Compared: every column of ``row(record)`` not in ``skip``, after both
sides are brought to plain JSON-like values (dates as ISO text, booleans as booleans).
Also checked: every entry of a registered kind has exactly one index row, and every index row
points at an entry of its kind. A redacted entry's row cannot be compared (its record is gone)
and is counted as such.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from brightline.errors import LedgerCorrupt
from brightline.store.tables_ledger import ledger_entries

CHUNK = 500


@dataclass(frozen=True)
class IndexTable:
    """An index table over ledger entries of one kind."""

    kind: str
    table: Table
    row: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    skip: tuple[str, ...] = ()
    restorable: bool = False  # recovery may re-insert a missing row from its record


_REGISTRY: dict[str, IndexTable] = {}


def register(index: IndexTable) -> IndexTable:
    """Add (or replace) the index table of ``index.kind``; returns it."""
    _REGISTRY[index.kind] = index
    return index


def registered() -> list[IndexTable]:
    """Every registered index table, the built-in ones first."""
    _builtins()
    return list(_REGISTRY.values())


_LOADED = False


def _builtins() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from brightline.service import decisions, reports, reviews
    from brightline.store.tables_app import decisions as decisions_t
    from brightline.store.tables_app import reports as reports_t
    from brightline.store.tables_app import reviews as reviews_t
    from brightline.store.tables_roster import roster_inspections

    _oversight_builtins()

    for index in (
        IndexTable("decision", decisions_t, decisions.index_row, restorable=True),
        IndexTable("review", reviews_t, reviews.index_row, restorable=True),
        IndexTable("report", reports_t, reports.index_row, ("client_hash",), restorable=True),
        IndexTable("inspection", roster_inspections, inspection_row, ("id",)),
    ):
        _REGISTRY.setdefault(index.kind, index)


def _oversight_builtins() -> None:
    """The oversight index tables (custody log, report resolutions, oversight reports)."""
    from brightline.service import custody, oversight, oversight_inbox
    from brightline.store import tables_oversight as t

    for index in (
        IndexTable(
            "custody_request", t.custody_requests, custody.request_index_row, restorable=True
        ),
        IndexTable("custody_event", t.custody_events, custody.event_index_row, restorable=True),
        IndexTable(
            "report_resolution", t.report_resolutions, oversight_inbox.index_row, restorable=True
        ),
        IndexTable("oversight_report", t.oversight_reports, oversight.index_row, restorable=True),
    ):
        _REGISTRY.setdefault(index.kind, index)


def inspection_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``roster_inspections`` row of an inspection record (without id and ledger index)."""
    from brightline.roster.rollcall import failures

    decision = record["decision"]
    reasons = failures(decision)
    inspector = record.get("inspector") or {}
    return {
        "inspected_at": record["inspected_at"],
        "inspected_on": datetime.fromisoformat(record["inspected_at"]).date(),
        "unit": record["unit"],
        "watch": record["watch"],
        "officer_id": record["officer_id"],
        "star": record.get("star"),
        "outcome": decision["outcome"],
        "compliant": not reasons,
        "failures": json.dumps(reasons),
        "inspector": inspector.get("username") or "",
        "recorded_at": record["recorded_at"],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def check_index_tables(engine: Engine) -> dict[str, Any]:
    """Compare every row of every registered index table with its ledger record.

    Returns ``{"tables": {name: rows checked}, "redacted": rows whose record is gone}``; raises
    LedgerCorrupt naming the first table, row and column that does not match."""
    checked: dict[str, int] = {}
    redacted = 0
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            for index in registered():
                count, gone = _check_table(conn, index)
                checked[index.table.name] = count
                redacted += gone
    return {"tables": checked, "redacted": redacted}


def _check_table(conn: Connection, index: IndexTable) -> tuple[int, int]:
    name = index.table.name
    seen: set[int] = set()
    count = redacted = 0
    for rows in _chunks(conn, index.table):
        entries = _entries(conn, [int(r.ledger_index) for r in rows])
        for row in rows:
            at = int(row.ledger_index)
            count += 1
            seen.add(at)
            entry = entries.get(at)
            if entry is None:
                raise LedgerCorrupt(
                    f"{name} row for ledger entry {at} points at no entry", index=at, table=name
                )
            kind, text = entry
            if kind != index.kind:
                raise LedgerCorrupt(
                    f"{name} row for ledger entry {at} points at a {kind!r} entry, expected "
                    f"{index.kind!r}",
                    index=at,
                    table=name,
                )
            if text is None:
                redacted += 1
                continue
            _compare(index, row, json.loads(text), at)
    _check_coverage(conn, index, seen)
    return count, redacted


def _compare(index: IndexTable, row: Any, record: Mapping[str, Any], at: int) -> None:
    name = index.table.name
    try:
        expected = index.row(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LedgerCorrupt(
            f"ledger entry {at} ({index.kind}) has a record its {name} row cannot be built "
            f"from: {type(exc).__name__}: {exc}",
            index=at,
            table=name,
        ) from exc
    stored = row._mapping
    for column, want in expected.items():
        if column in index.skip or column == "ledger_index" or column not in stored:
            continue
        have = stored[column]
        if _plain(have) != _plain(want):
            key = stored.get("id", at)
            raise LedgerCorrupt(
                f"{name} row {key} (ledger entry {at}): {column} is {_plain(have)!r}, but the "
                f"ledger record says {_plain(want)!r}",
                index=at,
                table=name,
                column=column,
                stored=_plain(have),
                expected=_plain(want),
            )


def _check_coverage(conn: Connection, index: IndexTable, seen: set[int]) -> None:
    """Every entry of the kind has a row (the unique constraint rules out two)."""
    kinds = conn.execute(
        select(ledger_entries.c.idx).where(ledger_entries.c.kind == index.kind)
    ).scalars()
    for at in kinds:
        if int(at) not in seen:
            raise LedgerCorrupt(
                f"ledger entry {at} ({index.kind}) has no {index.table.name} row",
                index=int(at),
                table=index.table.name,
            )


def _chunks(conn: Connection, table: Table) -> Iterator[list[Any]]:
    last = -1
    while True:
        rows = conn.execute(
            select(table)
            .where(table.c.ledger_index > last)
            .order_by(table.c.ledger_index)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield list(rows)
        last = int(rows[-1].ledger_index)


def _entries(conn: Connection, indices: list[int]) -> dict[int, tuple[str, str | None]]:
    rows = conn.execute(
        select(ledger_entries.c.idx, ledger_entries.c.kind, ledger_entries.c.record).where(
            ledger_entries.c.idx.in_(indices)
        )
    )
    return {int(i): (str(k), None if r is None else str(r)) for i, k, r in rows}
