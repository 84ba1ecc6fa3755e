"""The ledger's self-audit (``LedgerStore.verify``): re-derive the whole log from its rows.

One pass inside one read transaction checks, entry by entry: record + salt → commitment (unless
redacted), kind + commitment → leaf hash, leaves → every stored node; and at every stored
checkpoint: its signature by the log's key, its origin and size, its root against the leaves, its
consistency with the checkpoint before, and its link to the checkpoint row before it (a deleted
checkpoint row leaves a link to a size that has no row). After the pass: every redacted entry has
the redaction entry that logged it (and every logged redaction's target is redacted), the head
has its checkpoint, and no row lies beyond the head. Raises LedgerCorrupt naming the first bad
entry.

What a log cannot see by itself: its own truncation (the newest entries deleted together with
their checkpoints, nodes and head). That takes someone holding an older checkpoint: a witness
(``brightline witness serve``) or a follower (``brightline ledger follow``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, func, select

from brightline.errors import LedgerCorrupt, VerificationError
from brightline.ledger.checkpoint import open_checkpoint
from brightline.ledger.merkle import CompactRange, NodeID, consistency_plan, verify_consistency
from brightline.ledger.records import commitment, entry_leaf_hash
from brightline.store.ledger_backend import LedgerBackend, backend_of
from brightline.store.tables_ledger import ledger_checkpoints, ledger_entries

VERIFY_CHUNK = 1000
REDACTION_KIND = "redaction"


class Audit:
    """One pass of the audit over ``conn`` (already in a read transaction)."""

    def __init__(self, conn: Connection, *, vkey: str, origin: str) -> None:
        self.conn = conn
        self.vkey = vkey
        self.origin = origin
        self.backend: LedgerBackend = backend_of(conn)
        self.edge = CompactRange()
        self.previous: tuple[int, bytes] | None = None
        self.last_row = 0  # size of the last checkpoint row seen (0: none yet)
        self.chained = False  # a row with a link was seen (rows before the chain have none)
        self.checkpoints = 0
        self.redacted: list[int] = []
        self.redactions: dict[int, tuple[int, str]] = {}  # target -> (redaction index, leaf)

    def run(self) -> dict[str, Any]:
        head = self.backend.head(self.conn)
        for begin in range(0, head, VERIFY_CHUNK):
            self._check_chunk(begin, min(begin + VERIFY_CHUNK, head))
        self._check_beyond(head)
        if head and self.last_row != head:
            raise LedgerCorrupt(
                f"the head says {head} entries, but there is no checkpoint row at size {head} "
                f"(the newest is at size {self.last_row}): a checkpoint row was deleted",
                index=head - 1,
            )
        self._check_redactions()
        return {
            "size": head,
            "root": self.edge.root().hex(),
            "checkpoints": self.checkpoints,
            "redacted": len(self.redacted),
        }

    def _check_beyond(self, head: int) -> None:
        beyond = self.conn.execute(
            select(func.count()).where(ledger_entries.c.idx >= head)
        ).scalar_one()
        later = self.conn.execute(
            select(func.count()).where(ledger_checkpoints.c.size > head)
        ).scalar_one()
        if beyond or later:
            raise LedgerCorrupt(
                f"rows beyond the committed size {head}: {beyond} entries, {later} checkpoints",
                index=head,
            )

    def _check_chunk(self, begin: int, end: int) -> None:
        rows = self.conn.execute(
            select(ledger_entries)
            .where(ledger_entries.c.idx >= begin, ledger_entries.c.idx < end)
            .order_by(ledger_entries.c.idx)
        ).all()
        notes = {
            int(r.size): r
            for r in self.conn.execute(
                select(ledger_checkpoints).where(
                    ledger_checkpoints.c.size > begin, ledger_checkpoints.c.size <= end
                )
            )
        }
        created: list[tuple[int, NodeID, bytes]] = []
        expected = begin
        for row in rows:
            if int(row.idx) != expected:
                raise LedgerCorrupt(f"ledger entry {expected} is missing", index=expected)
            leaf = self._check_leaf(row)
            created.extend((expected, n, h) for n, h in self.edge.append(leaf) if n.level)
            expected += 1
            if expected in notes:
                self._check_nodes(created)
                created = []
                self._check_checkpoint(expected, notes[expected])
        if expected != end:
            raise LedgerCorrupt(f"ledger entry {expected} is missing", index=expected)
        self._check_nodes(created)

    def _check_leaf(self, row: Any) -> bytes:
        index = int(row.idx)
        commit = bytes(row.commitment)
        if row.redacted:
            self.redacted.append(index)
            if row.record is not None or row.salt is not None:
                raise LedgerCorrupt(f"ledger entry {index} is redacted but keeps data", index=index)
        elif row.record is None or row.salt is None:
            raise LedgerCorrupt(f"ledger entry {index} lost its record or salt", index=index)
        elif commitment(str(row.record).encode("utf-8"), bytes(row.salt)) != commit:
            raise LedgerCorrupt(
                f"ledger entry {index}: record and salt do not match the commitment", index=index
            )
        leaf = entry_leaf_hash(str(row.kind), commit)
        if leaf != bytes(row.leaf_hash):
            raise LedgerCorrupt(
                f"ledger entry {index}: stored leaf hash does not match kind and commitment",
                index=index,
            )
        if row.kind == REDACTION_KIND and not row.redacted:
            self._note_redaction(index, str(row.record))
        return leaf

    def _note_redaction(self, index: int, text: str) -> None:
        try:
            record = json.loads(text)
            target, leaf = int(record["redacts"]), str(record["leaf_hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerCorrupt(
                f"ledger entry {index} is a redaction whose record does not name the entry "
                "it redacts (expected 'redacts' and 'leaf_hash')",
                index=index,
            ) from exc
        if not 0 <= target < index:
            raise LedgerCorrupt(
                f"ledger entry {index} redacts entry {target}, which does not come before it",
                index=index,
            )
        if target in self.redactions:
            raise LedgerCorrupt(
                f"entry {target} is redacted twice (by entries {self.redactions[target][0]} "
                f"and {index})",
                index=index,
            )
        self.redactions[target] = (index, leaf)

    def _check_redactions(self) -> None:
        """Every redacted entry has its logged redaction, naming its leaf; every logged
        redaction's target is redacted."""
        redacted = set(self.redacted)
        for index in self.redacted:
            logged = self.redactions.get(index)
            if logged is None:
                raise LedgerCorrupt(
                    f"ledger entry {index} is redacted (record and salt gone) but no redaction "
                    "entry in the log redacts it",
                    index=index,
                )
        for target, (by, leaf) in sorted(self.redactions.items()):
            if target not in redacted:
                raise LedgerCorrupt(
                    f"ledger entry {target} was redacted by entry {by}, but its row holds a "
                    "record again",
                    index=target,
                )
            stored = self.backend.read_nodes(self.conn, [NodeID(0, target)])[0]
            if stored.hex() != leaf:
                raise LedgerCorrupt(
                    f"redaction entry {by} names leaf {leaf} for entry {target}, whose leaf is "
                    f"{stored.hex()}",
                    index=by,
                )

    def _check_nodes(self, created: list[tuple[int, NodeID, bytes]]) -> None:
        stored = dict(zip([n for _, n, _ in created], self._fetch_many(created), strict=True))
        for index, node, digest in created:
            if stored[node] != digest:
                raise LedgerCorrupt(
                    f"ledger entry {index}: stored tree node (level {node.level}, index "
                    f"{node.index}) does not match the leaves",
                    index=index,
                    level=node.level,
                )

    def _fetch_many(self, created: list[tuple[int, NodeID, bytes]]) -> Iterator[bytes]:
        """Stored hashes of the nodes in ``created`` (in order), in slices small enough for
        any driver's limit on bound parameters."""
        for at in range(0, len(created), 500):
            ids = [n for _, n, _ in created[at : at + 500]]
            yield from self.backend.read_nodes(self.conn, ids)

    def _check_checkpoint(self, size: int, row: Any) -> None:
        index = size - 1
        root = self.edge.root()
        try:
            cp = open_checkpoint(str(row.note), self.vkey)
        except VerificationError as exc:
            raise LedgerCorrupt(
                f"checkpoint at size {size} (entry {index}): {exc}", index=index
            ) from exc
        if cp.origin != self.origin or cp.size != size:
            raise LedgerCorrupt(
                f"checkpoint at size {size} (entry {index}) names {cp.origin} size {cp.size}",
                index=index,
            )
        if cp.root != root or bytes(row.root) != root:
            raise LedgerCorrupt(
                f"checkpoint at size {size} (entry {index}): root does not match the leaves",
                index=index,
            )
        self._check_link(size, row.previous)
        self._check_consistency(size, root)
        self.checkpoints += 1

    def _check_link(self, size: int, previous: int | None) -> None:
        if previous is None:
            if self.chained:
                raise LedgerCorrupt(
                    f"checkpoint at size {size} has no link to the checkpoint before it, "
                    "though earlier checkpoints have one",
                    index=size - 1,
                )
        elif int(previous) != self.last_row:
            what = (
                f"there is no checkpoint row at size {previous}: a checkpoint row was deleted"
                if int(previous) > self.last_row
                else f"the row before it is at size {self.last_row}: a checkpoint row was added"
            )
            raise LedgerCorrupt(
                f"checkpoint at size {size} follows the checkpoint at size {previous}, but {what}",
                index=size - 1,
            )
        else:
            self.chained = True
        self.last_row = size

    def _check_consistency(self, size: int, root: bytes) -> None:
        if self.previous is not None:
            size1, root1 = self.previous
            plan = consistency_plan(size1, size)
            proof = plan.assemble(self.backend.read_nodes(self.conn, plan.nodes))
            try:
                verify_consistency(size1, size, proof, root1, root)
            except VerificationError as exc:
                raise LedgerCorrupt(
                    f"checkpoint at size {size} is not consistent with size {size1}: {exc}",
                    index=size - 1,
                ) from exc
        self.previous = (size, root)
