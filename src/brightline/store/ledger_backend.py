"""One small backend per database for the ledger store: read nodes, insert a batch, lock the head.

The store's writer and readers speak to the database only through a :class:`LedgerBackend`, as
plain driver SQL on the connection's cursor: on the append path, multi-row INSERT (SQLite) or
COPY (PostgreSQL) costs a fraction of the expression layer or of the driver's executemany; on
the read path, building a statement through the expression layer costs more than the lookups.

- ``lock_head`` opens the write: SQLite's ``BEGIN IMMEDIATE`` (set on the writer's connection)
  already holds the lock, PostgreSQL takes ``SELECT ... FOR UPDATE`` on the head row; both
  return the committed size read inside the lock, so several processes keep one line.
- ``insert_batch`` writes a batch's entries and the tree nodes it completed.
- ``read_nodes`` fetches complete-subtree hashes by :class:`~brightline.ledger.merkle.NodeID`
  (a leaf is its entry's ``leaf_hash``; higher nodes are rows of ``ledger_nodes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Connection

from brightline.errors import LedgerCorrupt
from brightline.ledger.merkle import NodeID

ENTRY_COLUMNS = "idx, kind, commitment, leaf_hash, record, salt, redacted, created_at"
NODE_COLUMNS = "level, idx, hash"


class PendingEntry(Protocol):
    """What the backend reads of an entry waiting to be written."""

    kind: str
    record: str


@cache
def _values_sql(head: str, row: str, rows: int) -> str:
    """``head`` followed by ``rows`` copies of the placeholder tuple ``row``."""
    return head + ", ".join([row] * rows)


def _insert_values(
    cursor: Any, head: str, row: str, width: int, params: list[Any], most: int
) -> None:
    """Insert the rows flattened in ``params`` (``width`` values each) with multi-row INSERT
    statements of at most ``most`` rows. SQLite runs each statement in one step, that is one
    release of the GIL, where ``executemany`` takes one per row; chunk sizes are powers of two
    so that few distinct statements reach the driver's statement cache."""
    left, at = len(params) // width, 0
    while left:
        rows = min(most, 1 << (left.bit_length() - 1))
        cursor.execute(_values_sql(head, row, rows), params[at : at + rows * width])
        at, left = at + rows * width, left - rows


@dataclass(frozen=True)
class LedgerBackend:
    """The ledger's statements for one database (see the module notes)."""

    name: str
    mark: str
    read_head_sql: str
    read_head_note_sql: str
    read_note_sql: str
    lock_head_sql: str
    insert_checkpoint_sql: str
    update_head_sql: str
    read_leaves_sql: str
    read_leaf_data_sql: str
    read_node_range_sql: str
    note_as_blob: str

    # --- writing --------------------------------------------------------------------------------

    def lock_head(self, cursor: Any) -> int:
        """Lock the head row for this transaction; return the committed size."""
        cursor.execute(self.lock_head_sql)
        return int(cursor.fetchone()[0])

    def insert_batch(
        self,
        cursor: Any,
        first: int,
        batch: Sequence[PendingEntry],
        sealed: Sequence[tuple[bytes, bytes, bytes]],
        created_at: str,
        nodes: list[tuple[int, int, bytes]],
    ) -> None:
        """Insert the batch's entries (indices from ``first``; salt, commitment and leaf hash
        from ``sealed``) and its new tree nodes."""
        raise NotImplementedError

    def insert_checkpoint(
        self, cursor: Any, size: int, root: bytes, note: str, created_at: str, previous: int
    ) -> None:
        """Store the signed checkpoint of ``size`` (chained to ``previous``) and move the head."""
        cursor.execute(self.insert_checkpoint_sql, (size, root, note, created_at, previous))
        cursor.execute(self.update_head_sql, (size,))

    # --- reading --------------------------------------------------------------------------------

    def head(self, conn: Connection) -> int:
        size = conn.exec_driver_sql(self.read_head_sql).scalar()
        if size is None:
            raise LedgerCorrupt("the ledger head row is missing", index=0)
        return int(size)

    def head_and_note(self, conn: Connection) -> tuple[int, str | None]:
        """The committed size and its stored checkpoint, in one round trip."""
        row = conn.exec_driver_sql(self.read_head_note_sql).first()
        if row is None:
            raise LedgerCorrupt("the ledger head row is missing", index=0)
        return int(row[0]), None if row[1] is None else str(row[1])

    def note(self, conn: Connection, size: int) -> str | None:
        note = conn.exec_driver_sql(self.read_note_sql, (size,)).scalar()
        return None if note is None else str(note)

    def read_nodes(self, conn: Connection, ids: Sequence[NodeID]) -> list[bytes]:
        """The stored hashes of ``ids``, in order; LedgerCorrupt if any is missing.

        One statement of primary-key probes (a row-value IN would make SQLite scan the table)."""
        if not ids:
            return []
        selects, params = self._node_selects(ids)
        rows = conn.exec_driver_sql(" UNION ALL ".join(selects), tuple(params))
        found = {(level, idx): bytes(digest) for level, idx, digest in rows}
        return _in_order(ids, found)

    def read_head_and_nodes(
        self, conn: Connection, ids: Sequence[NodeID]
    ) -> tuple[int, str | None, dict[tuple[int, int], bytes]]:
        """The committed size, its stored checkpoint and the stored hashes of ``ids`` (those
        found), in one statement: one round trip, one snapshot."""
        head = (
            f"SELECT -1 AS level, h.size AS idx, {self.note_as_blob} AS hash FROM ledger_head h "
            "LEFT JOIN ledger_checkpoints c ON c.size = h.size WHERE h.id = 1"
        )
        selects, params = self._node_selects(ids) if ids else ([], [])
        rows = conn.exec_driver_sql(" UNION ALL ".join([head, *selects]), tuple(params))
        size: int | None = None
        note: str | None = None
        found: dict[tuple[int, int], bytes] = {}
        for level, idx, digest in rows:
            if level == -1:
                size = int(idx)
                note = None if digest is None else bytes(digest).decode("utf-8")
            else:
                found[(int(level), int(idx))] = bytes(digest)
        if size is None:
            raise LedgerCorrupt("the ledger head row is missing", index=0)
        return size, note, found

    def _node_selects(self, ids: Sequence[NodeID]) -> tuple[list[str], list[int]]:
        by_level: dict[int, set[int]] = {}
        for n in ids:
            by_level.setdefault(n.level, set()).add(n.index)
        mark = self.mark
        selects: list[str] = []
        params: list[int] = []
        leaves = by_level.pop(0, None)
        if leaves:
            selects.append(
                "SELECT 0 AS level, idx, leaf_hash AS hash FROM ledger_entries "
                f"WHERE idx IN ({', '.join([mark] * len(leaves))})"
            )
            params.extend(sorted(leaves))
        if by_level:
            terms: list[str] = []
            for level, indices in sorted(by_level.items()):
                terms.append(f"(level = {mark} AND idx IN ({', '.join([mark] * len(indices))}))")
                params.append(level)
                params.extend(sorted(indices))
            selects.append("SELECT level, idx, hash FROM ledger_nodes WHERE " + " OR ".join(terms))
        return selects, params

    def read_leaves(self, conn: Connection, begin: int, end: int) -> list[bytes]:
        """The leaf hashes of entries ``[begin, end)``, in order (one range scan);
        LedgerCorrupt when one is missing."""
        rows = conn.exec_driver_sql(self.read_leaves_sql, (begin, end)).all()
        if len(rows) != end - begin or (rows and int(rows[-1][0]) != end - 1):
            have = {int(r[0]) for r in rows}
            gone = next(i for i in range(begin, end) if i not in have)
            raise LedgerCorrupt(f"ledger entry {gone} is missing", index=gone)
        return [bytes(r[1]) for r in rows]

    def read_node_range(self, conn: Connection, level: int, begin: int, end: int) -> list[bytes]:
        """The hashes of the complete subtrees ``(level, begin)`` .. ``(level, end - 1)``, in
        order, by one range scan (a tile); LedgerCorrupt when one is missing."""
        if level == 0:
            return self.read_leaves(conn, begin, end)
        rows = conn.exec_driver_sql(self.read_node_range_sql, (level, begin, end)).all()
        if len(rows) != end - begin:
            have = {int(r[0]) for r in rows}
            gone = next(i for i in range(begin, end) if i not in have)
            raise LedgerCorrupt(
                f"tree node (level {level}, index {gone}) is missing",
                index=((gone + 1) << level) - 1,
                level=level,
            )
        return [bytes(r[1]) for r in rows]

    def read_leaf_inputs(self, conn: Connection, begin: int, end: int) -> list[tuple[str, bytes]]:
        """``(kind, commitment)`` of entries ``[begin, end)``, in order: what each leaf hashes."""
        rows = conn.exec_driver_sql(self.read_leaf_data_sql, (begin, end)).all()
        if len(rows) != end - begin:
            have = {int(r[0]) for r in rows}
            gone = next(i for i in range(begin, end) if i not in have)
            raise LedgerCorrupt(f"ledger entry {gone} is missing", index=gone)
        return [(str(kind), bytes(commit)) for _, kind, commit in rows]


def _in_order(ids: Sequence[NodeID], found: dict[tuple[int, int], bytes]) -> list[bytes]:
    """The hashes of ``ids`` from ``found``, in order; LedgerCorrupt naming the first missing."""
    for n in ids:
        if (n.level, n.index) not in found:
            raise LedgerCorrupt(
                f"tree node (level {n.level}, index {n.index}) is missing",
                index=n.end - 1,
                level=n.level,
            )
    return [found[(n.level, n.index)] for n in ids]


class SqliteBackend(LedgerBackend):
    def insert_batch(
        self,
        cursor: Any,
        first: int,
        batch: Sequence[PendingEntry],
        sealed: Sequence[tuple[bytes, bytes, bytes]],
        created_at: str,
        nodes: list[tuple[int, int, bytes]],
    ) -> None:
        # Blobs go to SQLite as bytearray: the driver binds that type as it is, while for
        # bytes it first asks the adaptation protocol, which fails through a formatted
        # AttributeError per value (four per entry, about 6 % of an append's instructions).
        entries: list[Any] = []
        add = entries.extend
        for index, p, (salt, commit, leaf) in zip(
            range(first, first + len(batch)), batch, sealed, strict=True
        ):
            add(
                (
                    index,
                    p.kind,
                    bytearray(commit),
                    bytearray(leaf),
                    p.record,
                    bytearray(salt),
                    created_at,
                )
            )
        _insert_values(
            cursor,
            f"INSERT INTO ledger_entries ({ENTRY_COLUMNS}) VALUES ",
            "(?, ?, ?, ?, ?, ?, 0, ?)",
            7,
            entries,
            128,
        )
        _insert_values(
            cursor,
            f"INSERT INTO ledger_nodes ({NODE_COLUMNS}) VALUES ",
            "(?, ?, ?)",
            3,
            [
                value
                for level, index, digest in nodes
                for value in (level, index, bytearray(digest))
            ],
            256,
        )


class PostgresBackend(LedgerBackend):
    def insert_batch(
        self,
        cursor: Any,
        first: int,
        batch: Sequence[PendingEntry],
        sealed: Sequence[tuple[bytes, bytes, bytes]],
        created_at: str,
        nodes: list[tuple[int, int, bytes]],
    ) -> None:
        # COPY is several times cheaper than executemany on PostgreSQL.
        with cursor.copy(f"COPY ledger_entries ({ENTRY_COLUMNS}) FROM STDIN") as copy:
            for index, p, (salt, commit, leaf) in zip(
                range(first, first + len(batch)), batch, sealed, strict=True
            ):
                copy.write_row((index, p.kind, commit, leaf, p.record, salt, False, created_at))
        with cursor.copy(f"COPY ledger_nodes ({NODE_COLUMNS}) FROM STDIN") as copy:
            for node in nodes:
                copy.write_row(node)


@cache
def backend_for(paramstyle: str) -> LedgerBackend:
    """The backend for a driver's parameter style: ``qmark`` is SQLite, else PostgreSQL."""
    sqlite = paramstyle == "qmark"
    mark = "?" if sqlite else "%s"
    cls = SqliteBackend if sqlite else PostgresBackend
    return cls(
        name="sqlite" if sqlite else "postgresql",
        mark=mark,
        read_head_sql="SELECT size FROM ledger_head WHERE id = 1",
        read_head_note_sql="SELECT h.size, c.note FROM ledger_head h LEFT JOIN "
        "ledger_checkpoints c ON c.size = h.size WHERE h.id = 1",
        read_note_sql=f"SELECT note FROM ledger_checkpoints WHERE size = {mark}",
        lock_head_sql="SELECT size FROM ledger_head WHERE id = 1"
        + ("" if sqlite else " FOR UPDATE"),
        insert_checkpoint_sql="INSERT INTO ledger_checkpoints "
        f"(size, root, note, created_at, previous) VALUES ({', '.join([mark] * 5)})",
        update_head_sql=f"UPDATE ledger_head SET size = {mark} WHERE id = 1",
        read_leaves_sql="SELECT idx, leaf_hash FROM ledger_entries "
        f"WHERE idx >= {mark} AND idx < {mark} ORDER BY idx",
        read_leaf_data_sql="SELECT idx, kind, commitment FROM ledger_entries "
        f"WHERE idx >= {mark} AND idx < {mark} ORDER BY idx",
        read_node_range_sql=f"SELECT idx, hash FROM ledger_nodes WHERE level = {mark} "
        f"AND idx >= {mark} AND idx < {mark} ORDER BY idx",
        note_as_blob="CAST(c.note AS BLOB)" if sqlite else "convert_to(c.note, 'UTF8')",
    )


def backend_of(conn: Connection) -> LedgerBackend:
    return backend_for(conn.dialect.paramstyle)
