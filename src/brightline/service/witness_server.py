"""A tlog witness (c2sp.org/tlog-witness): what an oversight body runs on its own machine.

It keeps, per log origin, the latest checkpoint it cosigned, in its own SQLite file. An
add-checkpoint request is judged (``brightline.ledger.witness.judge``) against that record and,
when it passes, the new checkpoint is written and committed (``synchronous=FULL``) before the
cosignature leaves: check and write happen in one ``BEGIN IMMEDIATE`` transaction, so two
requests cannot both advance from the same size and roll the record back. Refusals carry the
spec's status codes; a refused request with a valid log signature is kept in a ``refusals`` table
(it may be evidence of a misbehaving log).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from brightline.errors import InvalidRequest
from brightline.ledger.checkpoint import NoteVerifier
from brightline.ledger.witness import AddCheckpoint, Cosigner, Held, WitnessRefusal, judge

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cosigned (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    cosigned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refusals (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    request TEXT NOT NULL,
    at INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, content type, body."""

    status: int
    content_type: str
    body: bytes


def load_or_create_key(path: Path, name: str) -> Cosigner:
    """The witness key in ``path`` (created, mode 0600, on first use with key name ``name``)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (Cosigner.generate(name).skey + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    return Cosigner.from_skey(path.read_text(encoding="ascii"))


class Witness:
    """One witness: its key, the logs it trusts (origin -> their checkpoint vkeys), its state."""

    def __init__(self, cosigner: Cosigner, logs: Sequence[str], state: Path) -> None:
        self.cosigner = cosigner
        self.logs: dict[str, list[NoteVerifier]] = {}
        for vkey in logs:
            verifier = NoteVerifier(vkey)  # the key name of a log key is its origin
            self.logs.setdefault(verifier.name, []).append(verifier)
        if not self.logs:
            raise InvalidRequest("a witness needs at least one log key (--log VKEY)")
        self.state = state
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.state, isolation_level=None, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            yield db
        finally:
            db.close()

    def add_checkpoint(self, body: bytes) -> Answer:
        """Judge, persist, cosign: the whole add-checkpoint call."""
        try:
            request = AddCheckpoint.parse(body)
        except WitnessRefusal as refusal:
            return _refused(refusal)
        with self._lock, self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                origin = _origin_of(request.note)
                held = self._held(db, origin) if origin else None
                try:
                    checkpoint = judge(request, self.logs, held)
                except WitnessRefusal as refusal:
                    if refusal.status in (400, 409, 422) and origin in self.logs:
                        db.execute(
                            "INSERT INTO refusals (origin, status, reason, request, at) "
                            "VALUES (?, ?, ?, ?, ?)",
                            (origin, refusal.status, refusal.message, body.decode(), _now()),
                        )
                    db.execute("COMMIT")
                    return _refused(refusal)
                stamp = _now()
                db.execute(
                    "INSERT INTO cosigned (origin, size, root, note, cosigned_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET size = "
                    "excluded.size, root = excluded.root, note = excluded.note, "
                    "cosigned_at = excluded.cosigned_at",
                    (checkpoint.origin, checkpoint.size, checkpoint.root, "", stamp),
                )
                line = self.cosigner.cosign(checkpoint.body(), stamp)
                note = request.note + line
                db.execute(
                    "UPDATE cosigned SET note = ? WHERE origin = ?", (note, checkpoint.origin)
                )
                db.execute("COMMIT")  # durable before the cosignature is handed out
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return Answer(200, "text/plain; charset=utf-8", line.encode("utf-8"))

    def checkpoint_for(self, origin_hash: str) -> Answer:
        """The monitoring endpoint: the latest cosigned checkpoint of the log whose origin
        hashes (SHA-256, lowercase hex) to ``origin_hash``."""
        with self._db() as db:
            for origin, note in db.execute("SELECT origin, note FROM cosigned"):
                if hashlib.sha256(origin.encode()).hexdigest() == origin_hash:
                    return Answer(200, "text/plain; charset=utf-8", note.encode("utf-8"))
        return Answer(404, "text/plain; charset=utf-8", b"this witness has cosigned no such log\n")

    def held(self) -> Mapping[str, int]:
        """Origin -> size of the latest cosigned checkpoint."""
        with self._db() as db:
            return {o: int(s) for o, s in db.execute("SELECT origin, size FROM cosigned")}

    @staticmethod
    def _held(db: sqlite3.Connection, origin: str) -> Held | None:
        row = db.execute(
            "SELECT size, root, note FROM cosigned WHERE origin = ?", (origin,)
        ).fetchone()
        return None if row is None else Held(int(row[0]), bytes(row[1]), str(row[2]))


def _origin_of(note: str) -> str | None:
    first = note.split("\n", 1)[0]
    return first or None


def _refused(refusal: WitnessRefusal) -> Answer:
    return Answer(refusal.status, refusal.content_type, refusal.body.encode("utf-8"))


def _now() -> int:
    return int(time.time())
