"""Cross-check the fast Merkle code against a slow reference written straight from RFC 9162.

The reference below is the recursive definitions of §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1
(PROOF / SUBPROOF), over lists of leaf hashes, with no cleverness at all. Hypothesis draws trees
and asks both for roots, proofs and right-edge nodes; the answers must be equal, and the fast
verifier must accept the reference proofs and reject them when any one byte changes.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightline.ledger import merkle
from brightline.ledger.merkle import CompactRange, NodeID


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return d[0]
    k = split_point(n)
    return ref_node(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if whole else [ref_mth(d)]
    k = split_point(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], whole), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


def make_leaves(n: int, salt: int = 0) -> list[bytes]:
    return [ref_leaf(f"{salt}:{i}".encode()) for i in range(n)]


class NodeStore:
    """Every complete node a sequence of CompactRange appends emits: a stand-in for a database."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.nodes: dict[NodeID, bytes] = {}
        self.edge = CompactRange()
        for item in leaves:
            for node, value in self.edge.append(item):
                assert node not in self.nodes, f"{node} emitted twice"
                self.nodes[node] = value

    def fetch(self, ids: object) -> list[bytes]:
        assert isinstance(ids, tuple)
        return [self.nodes[i] for i in ids]


def flip(proof: list[bytes], at: int) -> list[bytes]:
    out = list(proof)
    out[at] = bytes([out[at][0] ^ 0x01]) + out[at][1:]
    return out


# --- exhaustive over small trees ----------------------------------------------------------------

SMALL = 33
SMALL_LEAVES = make_leaves(SMALL)
SMALL_STORE = NodeStore(SMALL_LEAVES)


@pytest.mark.parametrize("size", range(SMALL + 1))
def test_root_matches_reference(size: int) -> None:
    assert merkle.root(SMALL_LEAVES[:size]) == ref_mth(SMALL_LEAVES[:size])


@pytest.mark.parametrize("size", range(1, SMALL + 1))
def test_every_inclusion_proof_matches_reference(size: int) -> None:
    tree = SMALL_LEAVES[:size]
    top = ref_mth(tree)
    for index in range(size):
        want = ref_path(index, tree)
        got = merkle.inclusion_proof(index, size, SMALL_STORE.fetch)
        assert got == want, (index, size)
        merkle.verify_inclusion(tree[index], index, size, want, top)


@pytest.mark.parametrize("size2", range(1, SMALL + 1))
def test_every_consistency_proof_matches_reference(size2: int) -> None:
    tree = SMALL_LEAVES[:size2]
    top = ref_mth(tree)
    for size1 in range(1, size2 + 1):
        want = ref_proof(size1, tree)
        got = merkle.consistency_proof(size1, size2, SMALL_STORE.fetch)
        assert got == want, (size1, size2)
        merkle.verify_consistency(size1, size2, want, ref_mth(tree[:size1]), top)


def test_every_emitted_node_is_the_reference_subtree_hash() -> None:
    for node, value in SMALL_STORE.nodes.items():
        assert value == ref_mth(SMALL_LEAVES[node.begin : node.end]), node
    # a tree of n leaves has exactly 2n - popcount(n) complete subtrees
    assert len(SMALL_STORE.nodes) == 2 * SMALL - bin(SMALL).count("1")


# --- random larger trees ------------------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=60, deadline=None)
@given(size=sizes, data=st.data())
def test_random_inclusion_matches_and_tampering_fails(size: int, data: st.DataObject) -> None:
    leaves = make_leaves(size, salt=size)
    store = NodeStore(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    want = ref_path(index, leaves)
    assert merkle.inclusion_proof(index, size, store.fetch) == want
    top = ref_mth(leaves)
    merkle.verify_inclusion(leaves[index], index, size, want, top)
    if want:
        at = data.draw(st.integers(0, len(want) - 1), label="tampered element")
        with pytest.raises(merkle.RootMismatch):
            merkle.verify_inclusion(leaves[index], index, size, flip(want, at), top)


@settings(max_examples=60, deadline=None)
@given(size2=sizes, data=st.data())
def test_random_consistency_matches_and_tampering_fails(size2: int, data: st.DataObject) -> None:
    leaves = make_leaves(size2, salt=size2)
    store = NodeStore(leaves)
    size1 = data.draw(st.integers(1, size2), label="size1")
    want = ref_proof(size1, leaves)
    assert merkle.consistency_proof(size1, size2, store.fetch) == want
    root1, root2 = ref_mth(leaves[:size1]), ref_mth(leaves)
    merkle.verify_consistency(size1, size2, want, root1, root2)
    if want:
        at = data.draw(st.integers(0, len(want) - 1), label="tampered element")
        with pytest.raises(merkle.RootMismatch):
            merkle.verify_consistency(size1, size2, flip(want, at), root1, root2)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 300), cut=st.data())
def test_compact_range_restarts_from_its_right_edge(size: int, cut: st.DataObject) -> None:
    leaves = make_leaves(size, salt=7)
    at = cut.draw(st.integers(0, size), label="restart at")
    first = CompactRange()
    for item in leaves[:at]:
        first.append(item)
    ids = CompactRange.node_ids(at)
    assert [node for node, _ in first.nodes()] == ids
    for node, value in first.nodes():
        assert value == ref_mth(leaves[node.begin : node.end])
    again = CompactRange.from_nodes(at, [value for _, value in first.nodes()])
    for i, item in enumerate(leaves[at:], start=at):
        created = again.append(item)
        assert created[0] == (NodeID(0, i), item)
        for node, value in created:
            assert node.end == i + 1
            assert value == ref_mth(leaves[node.begin : node.end])
    assert again.size == size
    assert again.root() == ref_mth(leaves)


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 300))
def test_append_rows_emits_what_append_emits(size: int) -> None:
    leaves = make_leaves(size, salt=11)
    objects, rows = CompactRange(), CompactRange()
    for item in leaves:
        want = [(node.level, node.index, value) for node, value in objects.append(item)]
        assert rows.append_rows(item) == want
    assert rows.size == objects.size == size
    assert rows.root() == objects.root() == ref_mth(leaves)
