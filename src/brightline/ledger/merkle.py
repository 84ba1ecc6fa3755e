"""RFC 9162 Merkle trees: hashing, roots, proofs as fetch plans, verification, the right edge.

Hashing is SHA-256 with domain separation: a leaf hashes ``0x00 || data`` and an interior node
hashes ``0x01 || left || right``; the empty tree's root is SHA-256 of nothing.

Storage is somebody else's business. A store keeps the hash of every *complete* subtree (a
:class:`NodeID`: ``2**level`` leaves starting at ``index * 2**level``). Every proof of a tree of any
size is made of such nodes: an audit-path element that covers a ragged right edge is the fold of
the complete subtrees it is made of. :func:`inclusion_plan` and :func:`consistency_plan` therefore
name the nodes to fetch (:attr:`ProofPlan.nodes`) and :meth:`ProofPlan.assemble` folds the fetched
hashes into the proof RFC 9162 defines. :class:`CompactRange` holds only the right edge of a tree
(one node per set bit of its size), so an append-only store restarts by loading O(log n) nodes.

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), and additionally
rejects hashes that are not 32 bytes, consistency from an empty tree, and proofs of any length
other than the exact one the sizes call for. Each failure is a typed :class:`VerificationError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from brightline.errors import InvalidRequest, VerificationError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
_LEAF_PREFIX = LEAF_PREFIX
_NODE_PREFIX = NODE_PREFIX

Fetch = Callable[[Sequence["NodeID"]], Sequence[bytes]]


# --- errors -------------------------------------------------------------------------------------


class HashSizeError(VerificationError):
    """A leaf hash, root or proof element that is not HASH_SIZE bytes long."""

    code = "hash_size"


class IndexOutOfRange(VerificationError):
    """A leaf index that is not inside the tree the proof is about."""

    code = "index_out_of_range"


class BadTreeSizes(VerificationError):
    """Tree sizes that no consistency proof can relate (size1 == 0, size1 > size2, negative)."""

    code = "bad_tree_sizes"


class ProofLengthError(VerificationError):
    """A proof with more or fewer hashes than its index and sizes call for."""

    code = "proof_length"


class RootMismatch(VerificationError):
    """The proof recomputes a root other than the one given."""

    code = "root_mismatch"


# --- hashing ------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) over the given leaf hashes; EMPTY_ROOT when there are none."""
    edge = CompactRange()
    for item in leaf_hashes:
        edge.append(item)
    return edge.root()


def _fold_right(hashes: Sequence[bytes]) -> bytes:
    """Hash of a right-edge run of complete subtrees, largest first: h0 . (h1 . (... . hn))."""
    acc = hashes[-1]
    for item in reversed(hashes[:-1]):
        acc = node_hash(item, acc)
    return acc


# --- node addresses -----------------------------------------------------------------------------


@dataclass(frozen=True, order=True, slots=True)
class NodeID:
    """The complete subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``."""

    level: int
    index: int

    def __post_init__(self) -> None:
        if self.level < 0 or self.index < 0:
            raise InvalidRequest(
                f"node level and index must be >= 0, got level={self.level} index={self.index}",
                level=self.level,
                index=self.index,
            )

    @property
    def begin(self) -> int:
        """First leaf index covered."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf index covered."""
        return (self.index + 1) << self.level

    def parent(self) -> NodeID:
        return NodeID(self.level + 1, self.index >> 1)


def _edge_nodes(begin: int, end: int) -> list[NodeID]:
    """The complete subtrees, largest first, that tile ``[begin, end)`` where begin is aligned.

    ``begin`` must be a multiple of a power of two at least as large as ``end - begin``; this
    holds for every right-edge range a proof or a compact range asks about.
    """
    nodes: list[NodeID] = []
    width = end - begin
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append(NodeID(level, begin >> level))
            begin += 1 << level
    return nodes


def _path(node: NodeID, size: int) -> list[tuple[NodeID, ...]]:
    """The audit path of ``node`` in a tree of ``size`` leaves, lowest first, as node groups.

    Each group is one proof hash: a single complete sibling, or the complete subtrees tiling a
    sibling cut short by the right edge of the tree. Levels where the sibling lies wholly beyond
    the tree contribute nothing (the RFC 9162 tree has no node there).
    """
    groups: list[tuple[NodeID, ...]] = []
    level, index = node.level, node.index
    while (1 << level) < size or index > 0:
        begin, end = (index ^ 1) << level, ((index ^ 1) + 1) << level
        if end <= size:
            groups.append((NodeID(level, index ^ 1),))
        elif begin < size:
            groups.append(tuple(_edge_nodes(begin, size)))
        level, index = level + 1, index >> 1
    return groups


# --- proof plans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofPlan:
    """Which complete-subtree hashes a proof needs, and how to fold them into the proof.

    ``groups`` holds one tuple of nodes per proof hash; ``nodes`` is the same, flattened, in the
    order :meth:`assemble` expects the fetched hashes.
    """

    groups: tuple[tuple[NodeID, ...], ...]
    nodes: tuple[NodeID, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(n for group in self.groups for n in group))

    def assemble(self, hashes: Sequence[bytes]) -> list[bytes]:
        """Fold the hashes of :attr:`nodes` (in that order) into the RFC 9162 proof."""
        if len(hashes) != len(self.nodes):
            raise InvalidRequest(
                f"proof plan needs {len(self.nodes)} node hashes, got {len(hashes)}",
                expected=len(self.nodes),
                got=len(hashes),
            )
        for node, item in zip(self.nodes, hashes, strict=True):
            if len(item) != HASH_SIZE:
                _check_hash(item, f"hash of node {node}")
        proof: list[bytes] = []
        at = 0
        for group in self.groups:
            proof.append(_fold_right(hashes[at : at + len(group)]))
            at += len(group)
        return proof


def inclusion_plan(index: int, size: int) -> ProofPlan:
    """The plan for the inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    if not 0 <= index < size:
        raise InvalidRequest(
            f"leaf index {index} is outside a tree of size {size}: allowed 0..{size - 1}"
            if size > 0
            else f"a tree of size {size} has no leaves, so no inclusion proof (index {index})",
            index=index,
            size=size,
        )
    return ProofPlan(tuple(_path(NodeID(0, index), size)))


def consistency_plan(size1: int, size2: int) -> ProofPlan:
    """The plan for the proof that the tree of ``size1`` leaves is a prefix of ``size2``'s."""
    if not 1 <= size1 <= size2:
        raise InvalidRequest(
            f"consistency needs 1 <= size1 <= size2, got size1={size1} size2={size2}",
            size1=size1,
            size2=size2,
        )
    if size1 == size2:
        return ProofPlan(())
    level = (size1 & -size1).bit_length() - 1
    seed = NodeID(level, (size1 >> level) - 1)
    groups = _path(seed, size2)
    if seed.index > 0:
        groups.insert(0, (seed,))
    return ProofPlan(tuple(groups))


def inclusion_proof(index: int, size: int, fetch: Fetch) -> list[bytes]:
    """The inclusion proof, fetching node hashes through ``fetch(node_ids) -> hashes``."""
    plan = inclusion_plan(index, size)
    return plan.assemble(fetch(plan.nodes))


def consistency_proof(size1: int, size2: int, fetch: Fetch) -> list[bytes]:
    """The consistency proof, fetching node hashes through ``fetch(node_ids) -> hashes``."""
    plan = consistency_plan(size1, size2)
    return plan.assemble(fetch(plan.nodes))


# --- verification -------------------------------------------------------------------------------


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise HashSizeError(
            f"{what} must be {HASH_SIZE} bytes, got {len(value)}",
            what=what,
            expected=HASH_SIZE,
            got=len(value),
        )


def _check_proof_hashes(proof: Sequence[bytes], expected: int) -> None:
    for i, item in enumerate(proof):
        if len(item) != HASH_SIZE:
            _check_hash(item, f"proof[{i}]")
    if len(proof) != expected:
        raise ProofLengthError(
            f"proof must have exactly {expected} hashes, got {len(proof)}",
            expected=expected,
            got=len(proof),
        )


def _inclusion_length(index: int, size: int) -> int:
    """How many hashes the inclusion proof of ``index`` in a tree of ``size`` leaves holds.

    Below the level where the paths to ``index`` and to the last leaf meet, every level has a
    sibling; above it, only the levels where ``index`` is a right child have one (a left child
    on the right edge has no right sibling there). Equal to ``len(inclusion_plan(...).groups)``.
    """
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def _check_root(which: str, computed: bytes, given: bytes) -> None:
    if computed != given:
        raise RootMismatch(
            f"{which} recomputed from the proof is {computed.hex()}, but {given.hex()} was given",
            which=which,
            computed=computed.hex(),
            given=given.hex(),
        )


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 §2.1.3.2, plus: 32-byte hashes only and a proof of exactly the expected length.
    Returns nothing; raises a :class:`VerificationError` subclass saying what failed.
    """
    if not 0 <= index < size:
        raise IndexOutOfRange(
            f"leaf index {index} is outside a tree of size {size}"
            + (f": allowed 0..{size - 1}" if size > 0 else " (the tree is empty)"),
            index=index,
            size=size,
        )
    _check_hash(leaf_hash, "leaf hash")
    _check_hash(root, "root")
    _check_proof_hashes(proof, _inclusion_length(index, size))
    fn, sn, acc = index, size - 1, leaf_hash
    for item in proof:
        if fn & 1 or fn == sn:
            acc = node_hash(item, acc)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            acc = node_hash(acc, item)
        fn, sn = fn >> 1, sn >> 1
    _check_root("root", acc, root)


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of ``size1`` leaves with ``root1`` is a prefix of ``size2``'s.

    RFC 9162 §2.1.4.2, plus: 32-byte hashes only, size1 == 0 rejected (an empty tree is a
    prefix of everything, so such a proof proves nothing), and a proof of exactly the expected
    length. Equal sizes need an empty proof and equal roots, compared as bytes without a length
    check (as the upstream vector ``sizes-are-equal-one-and-proof-is-empty`` requires).
    Returns nothing; raises a :class:`VerificationError` subclass saying what failed.
    """
    if not 1 <= size1 <= size2:
        raise BadTreeSizes(
            f"consistency needs 1 <= size1 <= size2, got size1={size1} size2={size2}",
            size1=size1,
            size2=size2,
        )
    if size1 == size2:  # nothing to recompute: compare the roots byte for byte
        _check_proof_hashes(proof, 0)
        if root1 != root2:
            raise RootMismatch(
                f"both trees have size {size1}, so root1 and root2 must be equal, "
                f"got {root1.hex()} and {root2.hex()}",
                which="root2",
                given=root2.hex(),
                expected=root1.hex(),
            )
        return
    _check_hash(root1, "root1")
    _check_hash(root2, "root2")
    _check_proof_hashes(proof, len(consistency_plan(size1, size2).groups))
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for item in path[1:]:
        if fn & 1 or fn == sn:
            first, second = node_hash(item, first), node_hash(item, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, item)
        fn, sn = fn >> 1, sn >> 1
    _check_root("root1", first, root1)
    _check_root("root2", second, root2)


# --- the right edge -----------------------------------------------------------------------------


class CompactRange:
    """The right edge of a tree: one complete subtree per set bit of its size, largest first.

    Enough to append leaves and compute the root without the rest of the tree.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @staticmethod
    def node_ids(size: int) -> list[NodeID]:
        """The nodes a tree of ``size`` leaves keeps on its right edge (what to load at start)."""
        if size < 0:
            raise InvalidRequest(f"tree size must be >= 0, got {size}", size=size)
        return _edge_nodes(0, size)

    @classmethod
    def from_nodes(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """Rebuild from the hashes of :meth:`node_ids` ``(size)``, in that order."""
        ids = cls.node_ids(size)
        if len(hashes) != len(ids):
            raise InvalidRequest(
                f"a tree of size {size} has {len(ids)} right-edge nodes, got {len(hashes)} hashes",
                size=size,
                expected=len(ids),
                got=len(hashes),
            )
        for node, item in zip(ids, hashes, strict=True):
            if len(item) != HASH_SIZE:
                _check_hash(item, f"hash of node {node}")
        edge = cls()
        edge._size = size
        edge._hashes = list(hashes)
        return edge

    @property
    def size(self) -> int:
        return self._size

    def nodes(self) -> list[tuple[NodeID, bytes]]:
        """The right-edge nodes with their hashes, largest first."""
        return list(zip(self.node_ids(self._size), self._hashes, strict=True))

    def append(self, leaf_hash: bytes) -> list[tuple[NodeID, bytes]]:
        """Add one leaf; return every complete node this created, the leaf itself first."""
        _check_hash(leaf_hash, "leaf hash")
        node, acc = NodeID(0, self._size), leaf_hash
        created = [(node, acc)]
        while node.index & 1:
            acc = node_hash(self._hashes.pop(), acc)
            node = node.parent()
            created.append((node, acc))
        self._hashes.append(acc)
        self._size += 1
        return created

    def append_rows(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """:meth:`append` with the created nodes as plain ``(level, index, hash)`` rows: the
        storage hot path, which writes them as they are and needs no NodeID objects."""
        _check_hash(leaf_hash, "leaf hash")
        hashes, index, level, acc = self._hashes, self._size, 0, leaf_hash
        created = [(0, index, acc)]
        while index & 1:
            acc = hashlib.sha256(_NODE_PREFIX + hashes.pop() + acc).digest()
            index, level = index >> 1, level + 1
            created.append((level, index, acc))
        hashes.append(acc)
        self._size += 1
        return created

    def extend_rows(
        self, leaf_hashes: Sequence[bytes], *, leaves: bool = True
    ) -> list[tuple[int, int, bytes]]:
        """:meth:`append_rows` for several leaves in one call (the storage hot path appends a
        whole batch at once): every node created, each leaf followed by the nodes it completed;
        without the leaves themselves if ``leaves`` is false (a store that keeps them
        elsewhere). Checks every hash before changing anything."""
        for item in leaf_hashes:
            if len(item) != HASH_SIZE:
                _check_hash(item, "leaf hash")
        sha256, prefix = hashlib.sha256, _NODE_PREFIX
        hashes, size = self._hashes, self._size
        created: list[tuple[int, int, bytes]] = []
        add = created.append
        for acc in leaf_hashes:
            index, level = size, 0
            if leaves:
                add((0, index, acc))
            while index & 1:
                acc = sha256(prefix + hashes.pop() + acc).digest()
                index, level = index >> 1, level + 1
                add((level, index, acc))
            hashes.append(acc)
            size += 1
        self._size = size
        return created

    def root(self) -> bytes:
        """The Merkle tree hash of the whole tree."""
        return _fold_right(self._hashes) if self._hashes else EMPTY_ROOT

    def copy(self) -> CompactRange:
        return CompactRange.from_nodes(self._size, self._hashes)
