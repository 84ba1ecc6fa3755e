"""The ledger store: the append-only Merkle log kept in SQLite or PostgreSQL.

One writer thread per store does *group commit*: every caller of :meth:`LedgerStore.append`
queues its entry and blocks; the writer takes everything queued, writes it in one transaction
(entries, new tree nodes, one signed checkpoint, the caller's extra rows) and releases each caller
only once that transaction is durable. Several processes may share one database: a batch starts
by locking the head row (SQLite ``BEGIN IMMEDIATE``, PostgreSQL ``SELECT ... FOR UPDATE``) and
reading the committed size inside that lock, so the log stays one line — no gaps, no duplicate
indices, no forks. When another process appended meanwhile, the writer reloads its right edge
(:class:`~brightline.ledger.merkle.CompactRange`: one hash per set bit of the size) from the
stored hashes; it never scans the entries, neither then nor at start-up.

Every complete subtree hash is stored: a leaf as its entry's ``leaf_hash``, every node above it
in ``ledger_nodes``, so an inclusion or consistency proof is one indexed read of O(log n) rows.
Records are stored apart from their commitments: the canonical JSON and a random salt are
committed to, and the leaf covers only the kind and the commitment; :meth:`LedgerStore.redact`
drops record and salt, keeps the leaf, and logs the redaction itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, create_engine, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from brightline import settings
from brightline.errors import (
    BrightlineError,
    InvalidRequest,
    LedgerCorrupt,
    LedgerError,
    NotFound,
    StoreError,
)
from brightline.ledger.canonical import canonical_record, encode_record
from brightline.ledger.checkpoint import Checkpoint, NoteSigner
from brightline.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    NodeID,
    consistency_plan,
    inclusion_plan,
)
from brightline.ledger.records import check_kind, leaf_data, seal_entries
from brightline.ledger.tiles import Tile, encode_bundle
from brightline.store.db import database_url, is_sqlite, make_engine, migrate
from brightline.store.ledger_audit import REDACTION_KIND, Audit
from brightline.store.ledger_backend import LedgerBackend, backend_of
from brightline.store.ledger_keys import data_dir, load_signer
from brightline.store.tables_ledger import (
    ledger_checkpoints,
    ledger_entries,
)

__all__ = [
    "LEDGER_INDEX",
    "REDACTION_KIND",
    "Entry",
    "LedgerStore",
    "Receipt",
    "data_dir",
    "encode_record",
    "load_signer",
]

DEFAULT_ORIGIN = "brightline.chicago/ledger"
MAX_BATCH = 4096
LINGER = 0.002
TILE_CACHE = 512  # full tiles kept in memory (8 KiB each, entry bundles about 20 KiB)
NODE_CACHE = 1 << 16  # settled tree nodes kept in memory for proofs (about 10 MiB at most)
NODE_CACHE_LEVEL = 8  # nodes over at least 256 leaves: few, and on every proof
T = TypeVar("T")


class _LedgerIndex:
    """The marker type of :data:`LEDGER_INDEX`."""

    def __repr__(self) -> str:
        return "LEDGER_INDEX"


LEDGER_INDEX: Any = _LedgerIndex()
"""In a row passed to :meth:`LedgerStore.append`, stands for the index the entry receives."""


@dataclass(frozen=True)
class Receipt:
    """What an acknowledged append gets: where the entry is and the signed tree that holds it."""

    index: int
    leaf_hash: str
    tree_size: int
    root: str
    checkpoint: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _receipt(index: int, leaf_hash: str, tree_size: int, root: str, checkpoint: str) -> Receipt:
    """A Receipt made by filling its attributes directly: the writer makes one per entry, and
    a frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field) costs three
    times as much."""
    receipt = _new(Receipt)
    fields = receipt.__dict__
    fields["index"] = index
    fields["leaf_hash"] = leaf_hash
    fields["tree_size"] = tree_size
    fields["root"] = root
    fields["checkpoint"] = checkpoint
    return receipt


_new = object.__new__


@dataclass(frozen=True)
class Entry:
    """One stored entry. ``record`` and ``salt`` (hex) are None once redacted."""

    index: int
    kind: str
    record: dict[str, Any] | None
    salt: str | None
    leaf_hash: str
    redacted: bool
    created_at: str
    commitment: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Pending:
    """An entry waiting for the writer: its kind, its canonical record (text for the row,
    bytes for the commitment, which the writer computes for the whole batch under salts it
    draws at once), and the means to hand its outcome back: a held lock the writer releases
    (the cheapest wait there is), or a future that asyncio callers await."""

    __slots__ = (
        "done",
        "error",
        "kind",
        "loop",
        "raw",
        "receipt",
        "record",
        "redacts",
        "rows",
        "settled",
    )

    def __init__(
        self,
        kind: str,
        record: str,
        raw: bytes,
        rows: Sequence[tuple[Table, dict[str, Any]]],
    ) -> None:
        self.kind = kind
        self.record = record
        self.raw = raw
        self.rows = rows
        self.redacts: int | None = None
        self.receipt: Receipt | None = None
        self.error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.settled: asyncio.Future[None] | None = None
        self.done: threading.Lock | None = None  # set by a thread that will wait

    def outcome(self) -> Receipt:
        if self.error is not None:
            raise self.error
        assert self.receipt is not None
        return self.receipt

    def waitable(self) -> _Pending:
        """Give this entry the held lock a waiting thread blocks on (before it is submitted)."""
        self.done = threading.Lock()
        self.done.acquire()
        return self

    def wait(self) -> Receipt:
        assert self.done is not None, "waitable() must be called before the entry is submitted"
        self.done.acquire()
        return self.outcome()


def _settle_all(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # a cancelled caller is not waiting any more
            future.set_result(None)


def _hand_back(batch: Sequence[_Pending]) -> None:
    """Release the waiting threads of a finished batch (their outcome is set) and wake its
    asyncio callers: one call per event loop, not per entry (a wake-up is a write to the loop's
    self-pipe)."""
    waiting: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for pending in batch:
        if pending.done is not None:
            pending.done.release()
        elif pending.loop is not None and pending.settled is not None:
            futures = waiting.get(pending.loop)
            if futures is None:
                waiting[pending.loop] = [pending.settled]
            else:
                futures.append(pending.settled)
    for loop, futures in waiting.items():
        # RuntimeError: the caller's event loop is closed, so nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle_all, futures)


# Salts are drawn by the writer, one read of the OS generator per batch (fork-safe: a process
# only ever salts in its own writer thread).
SALT_BYTES = 16


_CHECKED_KINDS: set[str] = set()


# --- time ---------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- input checks -------------------------------------------------------------------------------


def _check_index(index: int, what: str = "index") -> int:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidRequest(f"{what} must be an integer >= 0, got {index!r}", field=what)
    return index


# --- the store ----------------------------------------------------------------------------------


class LedgerStore:
    """The ledger in a database. Thread-safe; safe to share one database among processes."""

    def __init__(
        self, engine: Engine, signer: NoteSigner, *, origin: str, tile_cache: int = TILE_CACHE
    ) -> None:
        self._engine = engine
        self._signer = signer
        self.origin = origin
        # The writer's inbox. Appenders add to it under the lock and ring the bell only when the
        # writer sleeps and the inbox holds what it waits for, so the writer wakes once per
        # batch, not once per entry.
        self._inbox: list[_Pending] = []
        self._lock = threading.Lock()
        self._bell = threading.Condition(self._lock)
        self._idle = False  # the writer waits on the bell
        self._want = 1  # how many queued entries end its wait
        self._writer: threading.Thread | None = None
        self._closed = False
        # Per event loop: the entries its tasks logged during the current loop iteration, handed
        # to the writer together by one callback (see append_async).
        self._outboxes: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
        self._writer_conn: Connection | None = None  # the writer thread's own connection
        with engine.connect() as conn:
            size = self._head_size(conn)
            self._edge: CompactRange | None = self._load_edge(conn, size)
        self._seen = size  # the largest committed size seen (tiles inside it are settled)
        self._tiles: dict[Tile, bytes] = {}  # full tiles, oldest first
        self._tile_cache = tile_cache
        self._nodes: dict[tuple[int, int], bytes] = {}  # settled nodes (see _from_cache)
        self._read_engine: Engine | None = None  # made on first read (see _read_engine)

    @classmethod
    def open(cls, url: str | None = None) -> LedgerStore:
        """Migrate the database at ``url`` (see :func:`database_url`) and open its ledger."""
        url = database_url(url)
        kwargs: dict[str, Any] = {}
        if is_sqlite(url):
            kwargs = {"poolclass": QueuePool, "pool_size": 4, "max_overflow": 60}
        origin = settings.current().log_origin
        signer = load_signer(origin)
        try:
            migrate(url)
            return cls(make_engine(url, **kwargs), signer, origin=origin)
        except SQLAlchemyError as exc:
            where = make_url(url).render_as_string(hide_password=True)
            raise StoreError(f"cannot open the ledger at {where}: {_first_line(exc)}") from exc

    @property
    def vkey(self) -> str:
        """The verifier key (C2SP ``name+hash+base64``) of the checkpoints."""
        return self._signer.vkey

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Finish queued appends, stop the writer and release the database."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
            self._bell.notify()
        if writer is not None:
            writer.join()
        if self._read_engine is not None and self._read_engine is not self._engine:
            self._read_engine.dispose()
        self._engine.dispose()

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- appending ------------------------------------------------------------------------------

    def append(
        self,
        kind: str,
        record: Mapping[str, Any],
        *,
        rows: Sequence[tuple[Table, dict[str, Any]]] = (),
    ) -> Receipt:
        """Log one entry; return once the batch holding it is durable. ``rows`` are inserted in
        the same transaction (a value equal to :data:`LEDGER_INDEX` becomes the entry's index)."""
        pending = self._prepare(kind, record, rows).waitable()
        self._submit((pending,))
        return pending.wait()

    async def append_async(
        self,
        kind: str,
        record: Mapping[str, Any],
        *,
        rows: Sequence[tuple[Table, dict[str, Any]]] = (),
    ) -> Receipt:
        """:meth:`append` for asyncio callers: awaits without blocking the event loop.

        The entries a loop's tasks log in one iteration of the loop reach the writer together,
        from one callback at the end of that iteration: one hand-off (and at most one wake-up of
        the writer) for all of them."""
        if self._closed:
            raise LedgerError("the ledger store is closed")
        pending = self._prepare(kind, record, rows)
        loop = pending.loop = asyncio.get_running_loop()
        settled = pending.settled = loop.create_future()
        outbox = self._outboxes.get(loop)
        if outbox is None:
            self._outboxes[loop] = [pending]
            loop.call_soon(self._flush, loop)
        else:
            outbox.append(pending)
        await settled
        return pending.outcome()

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand the entries of ``loop``'s iteration to the writer (runs on that loop)."""
        batch = self._outboxes.pop(loop, [])
        try:
            self._submit(batch)
        except LedgerError as exc:  # closed meanwhile
            for pending in batch:
                pending.error = exc
            _settle_all([p.settled for p in batch if p.settled is not None])

    def redact(self, index: int, *, reason: str, actor: str) -> Receipt:
        """Drop the record and salt of entry ``index`` (its leaf stays, so every proof still
        verifies) and log the redaction as a new entry; returns that entry's receipt."""
        entry = self.entry(index)
        if entry.redacted:
            raise InvalidRequest(f"ledger entry {index} is already redacted", index=index)
        if entry.kind == REDACTION_KIND:
            raise InvalidRequest(
                f"ledger entry {index} is itself a redaction; redactions stay readable so that "
                "every redacted entry keeps its logged reason",
                index=index,
            )
        for name, value in (("reason", reason), ("actor", actor)):
            if not isinstance(value, str) or not value.strip() or len(value) > 2000:
                raise InvalidRequest(
                    f"redaction {name} must be a non-empty string of at most 2000 characters",
                    field=name,
                )
        record = {"redacts": index, "leaf_hash": entry.leaf_hash, "reason": reason, "actor": actor}
        pending = self._prepare(REDACTION_KIND, record, ()).waitable()
        pending.redacts = index
        self._submit((pending,))
        return pending.wait()

    def _prepare(
        self, kind: str, record: Mapping[str, Any], rows: Sequence[tuple[Table, dict[str, Any]]]
    ) -> _Pending:
        if type(kind) is not str or kind not in _CHECKED_KINDS:  # a handful: check each once
            check_kind(kind)
            if len(_CHECKED_KINDS) < 256:
                _CHECKED_KINDS.add(kind)
        text, raw = canonical_record(record)
        return _Pending(kind, text, raw, tuple(rows))

    def _submit(self, items: Sequence[_Pending]) -> None:
        with self._lock:
            if self._closed:
                raise LedgerError("the ledger store is closed")
            if self._writer is None:
                self._writer = threading.Thread(target=self._run, name="ledger-writer", daemon=True)
                self._writer.start()
            inbox = self._inbox
            inbox.extend(items)
            if self._idle and len(inbox) >= self._want:
                self._idle = False
                self._bell.notify()

    # --- the writer -----------------------------------------------------------------------------

    def _run(self) -> None:
        expect = 1
        while True:
            batch, stopping = self._take_batch(expect)
            if batch:
                self._commit(batch)
                expect = len(batch)
            if stopping:
                self._drop_writer_connection()
                return

    def _writer_connection(self) -> Connection:
        """The connection the writer keeps between batches (no pool round trip per batch)."""
        if self._writer_conn is None:
            conn = self._engine.connect()
            conn.execution_options(sqlite_begin="IMMEDIATE")
            self._writer_conn = conn
        return self._writer_conn

    def _drop_writer_connection(self) -> None:
        """Forget the writer's connection after an error (the next batch opens a fresh one)."""
        conn, self._writer_conn = self._writer_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _take_batch(self, expect: int) -> tuple[list[_Pending], bool]:
        """Everything queued (up to MAX_BATCH), waiting up to LINGER seconds for as many entries
        as the last batch had: the callers it released are usually about to append again, and
        one bigger batch costs one commit instead of several. Also says whether to stop (closed
        and nothing left)."""
        with self._lock:
            inbox = self._inbox
            while not inbox and not self._closed:
                self._want, self._idle = 1, True
                self._bell.wait()
            if len(inbox) < expect and not self._closed:
                self._want, self._idle = expect, True
                self._bell.wait(LINGER)
            self._idle = False
            batch = inbox[:MAX_BATCH]
            del inbox[:MAX_BATCH]
            return batch, self._closed and not inbox

    def _commit(self, batch: list[_Pending]) -> None:
        """Write ``batch`` in one transaction; when that fails, retry each entry alone so that
        one bad entry (say, a clashing extra row) fails only its own caller."""
        try:
            receipts = self._write(batch)
        except Exception as exc:
            self._edge = None
            self._drop_writer_connection()
            if len(batch) > 1:
                for pending in batch:
                    self._commit([pending])
                return
            batch[0].error = self._as_brightline(exc)
            _hand_back(batch)
            return
        for pending, receipt in zip(batch, receipts, strict=True):
            pending.receipt = receipt
        _hand_back(batch)

    def _write(self, batch: list[_Pending]) -> list[Receipt]:
        created_at = _now()
        conn = self._writer_connection()
        backend = backend_of(conn)
        with conn.begin():
            # The ledger's own statements go straight to the driver cursor of this very
            # transaction; the callers' extra rows go through SQLAlchemy for their types.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                sealed = seal_entries(
                    [(p.kind, p.raw) for p in batch], os.urandom(SALT_BYTES * len(batch))
                )
                edge = self._edge_for_write(conn, cursor, backend)
                first = edge.size
                nodes = edge.extend_rows([leaf for _, _, leaf in sealed], leaves=False)
                backend.insert_batch(cursor, first, batch, sealed, created_at, nodes)
                self._insert_extra_rows(conn, batch, first)
                self._apply_redactions(conn, batch)
                root = edge.root()
                note = self._signer.sign(Checkpoint(self.origin, edge.size, root).body())
                backend.insert_checkpoint(cursor, edge.size, root, note, created_at, first)
            finally:
                cursor.close()
        self._edge = edge
        size, root_hex = edge.size, root.hex()
        return [
            _receipt(index, leaf.hex(), size, root_hex, note)
            for index, (_, _, leaf) in enumerate(sealed, first)
        ]

    def _as_brightline(self, exc: BaseException) -> BaseException:
        """Database errors (from SQLAlchemy or straight from the driver) become StoreError."""
        if isinstance(exc, BrightlineError):
            return exc
        dbapi = getattr(self._engine.dialect, "loaded_dbapi", None)
        driver_error = getattr(dbapi, "Error", SQLAlchemyError)
        if isinstance(exc, SQLAlchemyError | driver_error):
            return StoreError(f"ledger append failed: {_first_line(exc)}")
        return exc

    def _edge_for_write(
        self, conn: Connection, cursor: Any, backend: LedgerBackend
    ) -> CompactRange:
        """Lock the head row and return a private copy of the right edge at the committed size
        (reloaded from the stored nodes when another process appended meanwhile)."""
        size = backend.lock_head(cursor)
        edge = self._edge
        if edge is None or edge.size != size:
            return self._load_edge(conn, size)
        return edge.copy()

    @staticmethod
    def _insert_extra_rows(conn: Connection, batch: list[_Pending], first: int) -> None:
        by_table: dict[Table, list[dict[str, Any]]] = {}
        for offset, p in enumerate(batch):
            for table, row in p.rows:
                filled = {k: first + offset if v is LEDGER_INDEX else v for k, v in row.items()}
                by_table.setdefault(table, []).append(filled)
        for table, rows in by_table.items():
            conn.execute(insert(table), rows)

    @staticmethod
    def _apply_redactions(conn: Connection, batch: list[_Pending]) -> None:
        for p in batch:
            if p.redacts is None:
                continue
            done = conn.execute(
                update(ledger_entries)
                .where(ledger_entries.c.idx == p.redacts, ledger_entries.c.redacted.is_(False))
                .values(record=None, salt=None, redacted=True)
            )
            if done.rowcount != 1:
                raise InvalidRequest(
                    f"ledger entry {p.redacts} does not exist or is already redacted",
                    index=p.redacts,
                )

    # --- reading --------------------------------------------------------------------------------

    @staticmethod
    def _head_and_note(conn: Connection) -> tuple[int, str | None]:
        """The committed size and its stored checkpoint, in one round trip."""
        return backend_of(conn).head_and_note(conn)

    @staticmethod
    def _head_size(conn: Connection) -> int:
        return backend_of(conn).head(conn)

    @staticmethod
    def _fetch(conn: Connection, ids: Sequence[NodeID]) -> list[bytes]:
        """The stored hashes of ``ids``, in order; LedgerCorrupt if any is missing."""
        return backend_of(conn).read_nodes(conn, ids)

    def _load_edge(self, conn: Connection, size: int) -> CompactRange:
        return CompactRange.from_nodes(size, self._fetch(conn, CompactRange.node_ids(size)))

    def _root_at(self, conn: Connection, size: int) -> bytes:
        return self._load_edge(conn, size).root() if size else EMPTY_ROOT

    def _note_at(self, conn: Connection, size: int, root: bytes) -> str:
        """The stored checkpoint for ``size``, or a freshly signed one (not stored) when that
        size fell inside a batch."""
        note = backend_of(conn).note(conn, size)
        if note is not None:
            return note
        return self._signer.sign(Checkpoint(self.origin, size, root).body())

    def size(self) -> int:
        """The number of committed entries (by any process)."""
        size = self._reading(self._head_size)
        self._seen = max(self._seen, size)
        return size

    def latest_checkpoint(self) -> dict[str, Any]:
        """``{"size", "root", "note"}`` of the newest signed checkpoint."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(
                    ledger_checkpoints.c.size, ledger_checkpoints.c.root, ledger_checkpoints.c.note
                )
                .order_by(ledger_checkpoints.c.size.desc())
                .limit(1)
            ).first()
        if row is None:
            note = self._signer.sign(Checkpoint(self.origin, 0, EMPTY_ROOT).body())
            return {"size": 0, "root": EMPTY_ROOT.hex(), "note": note}
        return {"size": int(row.size), "root": bytes(row.root).hex(), "note": str(row.note)}

    # --- tiles (c2sp.org/tlog-tiles) ---------------------------------------------------------------

    def tile(self, tile: Tile) -> bytes:
        """The bytes of a tile or entry bundle; NotFound unless the committed tree holds all of
        it. Full tiles never change, so they are kept in a small in-memory cache; a tile inside
        a size already seen needs no read of the head (a log only grows)."""
        if tile.full:
            cached = self._tiles.get(tile)
            if cached is not None:
                return cached
        level, begin, end = tile.node_range()

        def read(conn: Connection) -> bytes:
            backend = backend_of(conn)
            if not tile.fits(self._seen):
                self._seen = max(self._seen, backend.head(conn))
                if not tile.fits(self._seen):
                    raise NotFound(
                        f"{tile.path()} is beyond the log: it covers entries up to "
                        f"{tile.leaves()[1] - 1}, the log has {self._seen}",
                        path=tile.path(),
                        size=self._seen,
                    )
            if tile.entries:
                inputs = backend.read_leaf_inputs(conn, begin, end)
                return encode_bundle([leaf_data(kind, commit) for kind, commit in inputs])
            return b"".join(backend.read_node_range(conn, level, begin, end))

        data = self._reading(read)
        if tile.full and self._tile_cache:
            if len(self._tiles) >= self._tile_cache:
                # another thread may evict at the same moment: either eviction will do
                with contextlib.suppress(StopIteration, KeyError, RuntimeError):
                    self._tiles.pop(next(iter(self._tiles)))
            self._tiles[tile] = data
        return data

    def entry(self, index: int) -> Entry:
        """The stored entry ``index``; NotFound when the log has no such entry."""
        _check_index(index)
        with self._engine.connect() as conn:
            row = conn.execute(select(ledger_entries).where(ledger_entries.c.idx == index)).first()
            if row is None:
                raise NotFound(
                    f"no ledger entry {index}: the log has {self._head_size(conn)} entries",
                    index=index,
                )
        return Entry(
            index=int(row.idx),
            kind=str(row.kind),
            record=None if row.record is None else _json_object(row.record, index),
            salt=None if row.salt is None else bytes(row.salt).hex(),
            leaf_hash=bytes(row.leaf_hash).hex(),
            redacted=bool(row.redacted),
            created_at=str(row.created_at),
            commitment=bytes(row.commitment).hex(),
        )

    def inclusion_proof(self, index: int, size: int | None = None) -> dict[str, Any]:
        """The proof that entry ``index`` is in the tree of ``size`` entries (default: the
        whole log), with that tree's root and signed checkpoint.

        One round trip when the log has not grown since this store last saw its head: the
        head, its checkpoint and every node the proof needs are read by one statement (nodes
        of 256 leaves and more, which never change, come from a small cache); a second
        statement only when the head moved meanwhile."""
        _check_index(index)

        def prove(conn: Connection) -> dict[str, Any]:
            guess = size if size is not None else self._seen
            ids = _proof_ids(index, guess) if index < guess else []
            head, head_note, found = backend_of(conn).read_head_and_nodes(conn, self._uncached(ids))
            self._seen = max(self._seen, head)
            want = head if size is None else _check_size(size, head, "size")
            if index >= head:
                raise NotFound(
                    f"no ledger entry {index}: the log has {head} entries", index=index, size=head
                )
            if index >= want:
                raise InvalidRequest(
                    f"entry {index} is not in the tree of size {want}: use a size of at least "
                    f"{index + 1} (up to {head})",
                    index=index,
                    size=want,
                )
            if want != guess:
                ids = _proof_ids(index, want)
                need = self._uncached(ids)
                hashes = backend_of(conn).read_nodes(conn, need)
                found = {(n.level, n.index): h for n, h in zip(need, hashes, strict=True)}
            hashes = self._from_cache(ids, found)
            plan_len = len(ids) - 1 - len(CompactRange.node_ids(want))
            leaf, proof_hashes = hashes[0], hashes[1 : 1 + plan_len]
            root = CompactRange.from_nodes(want, hashes[1 + plan_len :]).root()
            note = head_note if want == head and head_note else self._note_at(conn, want, root)
            return {
                "index": index,
                "size": want,
                "leaf_hash": leaf.hex(),
                "proof": [h.hex() for h in inclusion_plan(index, want).assemble(proof_hashes)],
                "root": root.hex(),
                "checkpoint": note,
            }

        return self._reading(prove)

    def _reads(self) -> Engine:
        if self._read_engine is None:
            self._read_engine = _read_engine(self._engine)
        return self._read_engine

    def _uncached(self, ids: Sequence[NodeID]) -> list[NodeID]:
        cache = self._nodes
        return [n for n in ids if (n.level, n.index) not in cache]

    def _from_cache(
        self, ids: Sequence[NodeID], found: dict[tuple[int, int], bytes]
    ) -> list[bytes]:
        """The hashes of ``ids`` from ``found`` or the node cache, in order; the settled ones
        found (complete subtrees of at least 256 leaves) join the cache."""
        cache = self._nodes
        out: list[bytes] = []
        for n in ids:
            key = (n.level, n.index)
            digest = found.get(key) or cache.get(key)
            if digest is None:
                raise LedgerCorrupt(
                    f"tree node (level {n.level}, index {n.index}) is missing",
                    index=n.end - 1,
                    level=n.level,
                )
            if n.level >= NODE_CACHE_LEVEL and key in found:
                if len(cache) >= NODE_CACHE:
                    cache.clear()
                cache[key] = digest
            out.append(digest)
        return out

    def _reading(self, read: Callable[[Connection], T]) -> T:
        """Run ``read`` on a connection of the read engine (PostgreSQL: autocommit, no ping on
        checkout: one statement is one round trip); once more on a fresh connection when the
        one taken from the pool turns out dead (a restarted server)."""
        for attempt in (1, 2):
            try:
                with self._reads().connect() as conn:
                    return read(conn)
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def consistency_proof(self, size1: int, size2: int) -> dict[str, Any]:
        """The proof that the tree of ``size1`` entries is a prefix of the tree of ``size2``."""
        with self._engine.connect() as conn:
            head = self._head_size(conn)
            size2 = _check_size(size2, head, "size2")
            size1 = _check_size(size1, head, "size1")
            if size1 > size2:
                raise InvalidRequest(
                    f"size1 ({size1}) must not exceed size2 ({size2})", size1=size1, size2=size2
                )
            plan = consistency_plan(size1, size2)
            proof = plan.assemble(self._fetch(conn, plan.nodes))
            root1, root2 = self._root_at(conn, size1), self._root_at(conn, size2)
            note = self._note_at(conn, size2, root2)
        return {
            "size1": size1,
            "size2": size2,
            "root1": root1.hex(),
            "root2": root2.hex(),
            "proof": [h.hex() for h in proof],
            "checkpoint": note,
        }

    # --- audit ----------------------------------------------------------------------------------

    def verify(self) -> dict[str, Any]:
        """Re-derive the whole log from its rows and check everything stored against it.

        Record + salt → commitment (unless redacted), kind + commitment → leaf hash, leaves →
        every stored node, every stored checkpoint: signature, root at its size, and consistency
        with the one before. Raises LedgerCorrupt naming the first bad index.
        """
        with self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return Audit(conn, vkey=self.vkey, origin=self.origin).run()


def _proof_ids(index: int, size: int) -> list[NodeID]:
    """The nodes an inclusion proof of ``index`` in a tree of ``size`` reads: the leaf, the
    plan's nodes, and the right edge (for the root)."""
    return [NodeID(0, index), *inclusion_plan(index, size).nodes, *CompactRange.node_ids(size)]


def _read_engine(engine: Engine) -> Engine:
    """The engine proofs and tiles read through. PostgreSQL: its own small pool in autocommit
    without a ping on checkout (``LedgerStore._reading`` retries once on a dead connection), so
    a one-statement read is one round trip, not four (ping, BEGIN, the read, ROLLBACK). SQLite:
    the store's engine."""
    if engine.dialect.name != "postgresql":
        return engine
    return create_engine(
        engine.url,
        pool_pre_ping=False,
        isolation_level="AUTOCOMMIT",
        pool_size=4,
        max_overflow=28,
    )


def _check_size(size: int, head: int, what: str) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= head:
        allowed = f"1..{head}" if head else "none (the log is empty)"
        raise InvalidRequest(
            f"{what} must be a tree size the log has reached: allowed {allowed}, got {size!r}",
            field=what,
            got=size,
        )
    return size


def _json_object(text: str, index: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LedgerCorrupt(
            f"ledger entry {index}: stored record is not JSON", index=index
        ) from exc
    if not isinstance(value, dict):
        raise LedgerCorrupt(f"ledger entry {index}: stored record is not an object", index=index)
    return value


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
