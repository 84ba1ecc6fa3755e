"""The Merkle core's contract beyond the vectors: plans, the right edge, and clear errors."""

from __future__ import annotations

import itertools

import pytest

from brightline.errors import InvalidRequest, VerificationError
from brightline.ledger import merkle
from brightline.ledger.merkle import CompactRange, NodeID, ProofPlan

TEN_MILLION = 10_000_000


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def test_node_id_covers_its_leaf_range() -> None:
    node = NodeID(3, 5)
    assert (node.begin, node.end) == (40, 48)
    assert node.parent() == NodeID(4, 2)
    with pytest.raises(InvalidRequest, match="level and index must be >= 0"):
        NodeID(-1, 0)


def test_right_edge_of_ten_million_is_a_handful_of_nodes() -> None:
    ids = CompactRange.node_ids(TEN_MILLION)
    assert len(ids) == bin(TEN_MILLION).count("1")
    assert ids[0].begin == 0 and ids[-1].end == TEN_MILLION
    assert all(a.end == b.begin for a, b in itertools.pairwise(ids))
    assert CompactRange.node_ids(0) == []


def test_plans_at_ten_million_stay_logarithmic() -> None:
    for index in (0, 1, 4_999_999, TEN_MILLION - 1):
        plan = merkle.inclusion_plan(index, TEN_MILLION)
        assert len(plan.groups) <= 24 and len(plan.nodes) <= 2 * 24
        assert all(node.end <= TEN_MILLION for node in plan.nodes)
    plan = merkle.consistency_plan(TEN_MILLION - 12345, TEN_MILLION)
    assert len(plan.nodes) <= 2 * 24
    assert all(node.end <= TEN_MILLION for node in plan.nodes)


def test_plan_groups_fold_right_edge_siblings() -> None:
    # leaf 0 of a 7-leaf tree: siblings leaf 1, node (1,1), then the ragged [4, 7)
    plan = merkle.inclusion_plan(0, 7)
    assert plan.groups == ((NodeID(0, 1),), (NodeID(1, 1),), (NodeID(1, 2), NodeID(0, 6)))
    a, b, c, d = (bytes([i]) * 32 for i in range(4))
    assert plan.assemble([a, b, c, d]) == [a, b, merkle.node_hash(c, d)]


def test_consistency_plan_prepends_the_seed_unless_size1_is_a_power_of_two() -> None:
    assert merkle.consistency_plan(3, 7).groups[0] == (NodeID(0, 2),)
    assert merkle.consistency_plan(4, 7).groups == ((NodeID(1, 2), NodeID(0, 6)),)
    assert merkle.consistency_plan(5, 5) == ProofPlan(())


@pytest.mark.parametrize(
    ("index", "size", "message"),
    [(3, 3, "allowed 0..2"), (-1, 4, "allowed 0..3"), (0, 0, "has no leaves")],
)
def test_inclusion_plan_rejects_bad_requests(index: int, size: int, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        merkle.inclusion_plan(index, size)


@pytest.mark.parametrize(("size1", "size2"), [(0, 3), (4, 3), (-1, 2)])
def test_consistency_plan_rejects_bad_sizes(size1: int, size2: int) -> None:
    with pytest.raises(InvalidRequest, match="1 <= size1 <= size2"):
        merkle.consistency_plan(size1, size2)


def test_assemble_checks_count_and_hash_size() -> None:
    plan = merkle.inclusion_plan(0, 4)
    with pytest.raises(InvalidRequest, match="needs 2 node hashes, got 1"):
        plan.assemble([b"\x00" * 32])
    with pytest.raises(merkle.HashSizeError, match="must be 32 bytes, got 5"):
        plan.assemble([b"\x00" * 32, b"short"])


def test_errors_say_what_was_expected_and_what_came() -> None:
    tree = leaves(5)
    top = merkle.root(tree)
    with pytest.raises(merkle.ProofLengthError) as length:
        merkle.verify_inclusion(tree[0], 0, 5, [], top)
    assert "exactly 3 hashes, got 0" in str(length.value)
    assert length.value.details == {"expected": 3, "got": 0}
    with pytest.raises(merkle.IndexOutOfRange, match=r"index 5 is outside a tree of size 5"):
        merkle.verify_inclusion(tree[0], 5, 5, [], top)
    with pytest.raises(merkle.HashSizeError, match="leaf hash must be 32 bytes, got 3"):
        merkle.verify_inclusion(b"abc", 0, 1, [], top)
    with pytest.raises(merkle.RootMismatch) as mismatch:
        merkle.verify_inclusion(tree[0], 0, 1, [], top)
    assert top.hex() in str(mismatch.value) and tree[0].hex() in str(mismatch.value)
    with pytest.raises(merkle.BadTreeSizes, match="size1=0 size2=5"):
        merkle.verify_consistency(0, 5, [], merkle.EMPTY_ROOT, top)
    assert all(
        issubclass(cls, VerificationError) and cls.http_status == 422
        for cls in (merkle.HashSizeError, merkle.ProofLengthError, merkle.RootMismatch)
    )


def test_compact_range_append_emits_the_nodes_it_completes() -> None:
    edge = CompactRange()
    items = leaves(8)
    emitted = [[node for node, _ in edge.append(item)] for item in items]
    assert emitted[0] == [NodeID(0, 0)]
    assert emitted[1] == [NodeID(0, 1), NodeID(1, 0)]
    assert emitted[7] == [NodeID(0, 7), NodeID(1, 3), NodeID(2, 1), NodeID(3, 0)]
    assert edge.nodes() == [(NodeID(3, 0), merkle.root(items))]
    assert edge.copy().root() == edge.root()


@pytest.mark.parametrize("start", [0, 1, 5, 8, 13])
def test_compact_range_extend_rows_equals_appending_one_by_one(start: int) -> None:
    one, many, bare = CompactRange(), CompactRange(), CompactRange()
    for item in leaves(start):
        for edge in (one, many, bare):
            edge.append(item)
    items = leaves(start + 21)[start:]
    expected = [row for item in items for row in one.append_rows(item)]
    assert many.extend_rows(items) == expected
    assert bare.extend_rows(items, leaves=False) == [row for row in expected if row[0]]
    assert (many.size, many.root()) == (bare.size, bare.root()) == (one.size, one.root())
    with pytest.raises(merkle.HashSizeError):
        many.extend_rows([leaves(1)[0], b"\x00" * 31])
    assert (many.size, many.root()) == (one.size, one.root())  # nothing changed
    assert many.extend_rows([]) == []


def test_compact_range_from_nodes_validates() -> None:
    with pytest.raises(InvalidRequest, match="size 6 has 2 right-edge nodes, got 1"):
        CompactRange.from_nodes(6, [b"\x00" * 32])
    with pytest.raises(merkle.HashSizeError):
        CompactRange.from_nodes(1, [b"\x00"])
    with pytest.raises(merkle.HashSizeError):
        CompactRange().append(b"\x00" * 31)
    assert CompactRange().root() == merkle.EMPTY_ROOT == merkle.root([])


def test_fetch_receives_plan_nodes_once_in_order() -> None:
    calls: list[tuple[NodeID, ...]] = []
    store: dict[NodeID, bytes] = {}
    edge = CompactRange()
    for item in leaves(11):
        store.update(edge.append(item))

    def fetch(ids: object) -> list[bytes]:
        assert isinstance(ids, tuple)
        calls.append(ids)
        return [store[i] for i in ids]

    proof = merkle.consistency_proof(3, 11, fetch)
    assert calls == [merkle.consistency_plan(3, 11).nodes]
    merkle.verify_consistency(3, 11, proof, merkle.root(leaves(3)), edge.root())


def test_expected_inclusion_length_agrees_with_the_plan_on_huge_trees() -> None:
    sizes = [1, 2, 3, 2**40, 2**40 + 1, 10**12 + 12345, 2**62 - 1]
    for size in sizes:
        for index in {0, 1 % size, size // 3, size // 2, size - 2 if size > 1 else 0, size - 1}:
            plan = merkle.inclusion_plan(index, size)
            assert merkle._inclusion_length(index, size) == len(plan.groups), (index, size)
