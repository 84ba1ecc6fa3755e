"""The Merkle core against published vectors.

* Every one of the 196 transparency-dev/merkle files is its own case: valid ones verify, and each
  negative one fails with the error its mutation calls for (see ``expected_error``).
* The RFC 6962 reference tree: hasher vectors, every node, every root, and all 36 inclusion and
  36 consistency proofs are reproduced by our proof construction and verify.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from brightline.errors import VerificationError
from brightline.ledger import merkle
from brightline.ledger.merkle import (
    BadTreeSizes,
    CompactRange,
    HashSizeError,
    IndexOutOfRange,
    NodeID,
    ProofLengthError,
    RootMismatch,
)

# Collection needs the folder before fixtures exist: the same rule as conftest's shared_dir.
SHARED = Path(
    os.environ.get("BRIGHTLINE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")
)
UPSTREAM = SHARED / "data" / "merkle-vectors" / "transparency-dev-merkle"
REFERENCE = SHARED / "data" / "merkle-vectors" / "derived" / "rfc6962-reference-tree.json"


def upstream_files() -> list[str]:
    return sorted(str(p.relative_to(UPSTREAM)) for p in UPSTREAM.rglob("*.json"))


def b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [b64(item) for item in vector["proof"] or []]


def expected_inclusion_length(index: int, size: int) -> int:
    """Length of PATH(index, D[size]) from its recursive definition (RFC 9162 §2.1.3.1)."""
    if size <= 1:
        return 0
    k = 1
    while k * 2 < size:
        k *= 2
    return 1 + (
        expected_inclusion_length(index, k)
        if index < k
        else expected_inclusion_length(index - k, size - k)
    )


def expected_consistency_length(m: int, n: int, whole: bool = True) -> int:
    """Length of SUBPROOF(m, D[n], whole) from its recursive definition (RFC 9162 §2.1.4.1)."""
    if m == n:
        return 0 if whole else 1
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return 1 + expected_consistency_length(m, k, whole)
    return 1 + expected_consistency_length(m - k, n - k, False)


# What each upstream mutation does to a proof, and the error it must therefore raise. Mutations
# of the numbers (index, sizes) have no fixed outcome: they may leave the tree, change the proof
# length the sizes call for, or keep it; ``structural_error`` below settles those.
MUTATION_ERRORS: dict[str, type[VerificationError] | None] = {
    # inclusion
    "wrong leaf": HashSizeError,  # the leaf hash is the 9 bytes "WrongLeaf"
    "empty leaf": HashSizeError,
    "random root": RootMismatch,
    "modified proof[0] bit @3": RootMismatch,
    "modified proof[1] bit @3": RootMismatch,
    "modified proof[2] bit @3": RootMismatch,
    "inserted component": ProofLengthError,
    "removed component": ProofLengthError,
    "preceding root": ProofLengthError,
    "trailing root": ProofLengthError,
    "preceding garbage": HashSizeError,  # the garbage is not 32 bytes
    "trailing garbage": HashSizeError,
    "leafIdx plus @1": None,
    "leafIdx sub @1": None,
    "leafIdx XOR @2": None,
    "treeSize mul @2": None,
    "treeSize div @2": None,
    "empty root": None,  # the empty tree's root (32 bytes) or truly empty, by file
    "random leaf": None,
    "empty root and random leaf": None,
    "empty root and leaf": None,
    # consistency
    "wrong root1": HashSizeError,  # "WrongRoot", 9 bytes
    "wrong root2": HashSizeError,
    "swapped roots": RootMismatch,
    "modified proof@0 bit @4": RootMismatch,
    "modified proof@1 bit @4": RootMismatch,
    "modified proof@2 bit @4": RootMismatch,
    "empty proof": ProofLengthError,
    "truncated proof": ProofLengthError,
    "preceding proof @0": ProofLengthError,
    "preceding root1": ProofLengthError,
    "preceding root2": ProofLengthError,
    "trailing root1": ProofLengthError,
    "trailing root2": ProofLengthError,
    "size1 plus @1": None,
    "size1 sub @1": None,
    "size1 XOR @2": None,
    "size2 mul @2": None,
    "size2 div @2": None,
    "consistency check on empty tree (size1 is zero) is useless": BadTreeSizes,
    "size1 is zero and size2 is not zero": BadTreeSizes,
    "size1 is zero and does not equal size2": BadTreeSizes,
    "sizes are equal (zero) and proof is empty": BadTreeSizes,
    "sizes are equal (zero) but roots are not": BadTreeSizes,
    "roots do not match and sizes are zero": BadTreeSizes,
    "sizes match but proof is not empty and sizes are zero": BadTreeSizes,
    "size1 is greater than size2": BadTreeSizes,
    "size1 is greater than size2 again": BadTreeSizes,
    "sizes match but proof is not empty and sizes are one": ProofLengthError,
    "sizes are equal (one) but roots are not": RootMismatch,
    "roots do not not match and sizes are one": RootMismatch,
    "sizes do not watch and proof is empty": HashSizeError,  # roots are "don't care" strings
}


def structural_error(vector: dict[str, Any]) -> type[VerificationError]:
    """The first check a vector fails, in the order the verifier checks: range, hash sizes,
    proof length, then the recomputed root."""
    proof = proof_of(vector)
    if "leafIdx" in vector:
        index, size = vector["leafIdx"], vector["treeSize"]
        if not 0 <= index < size:
            return IndexOutOfRange
        hashes = [b64(vector["leafHash"]), b64(vector["root"]), *proof]
        want = expected_inclusion_length(index, size)
    else:
        size1, size2 = vector["size1"], vector["size2"]
        if not 1 <= size1 <= size2:
            return BadTreeSizes
        if size1 == size2:  # nothing to recompute: the proof is empty and the roots are equal
            return ProofLengthError if proof else RootMismatch
        hashes = [b64(vector["root1"]), b64(vector["root2"]), *proof]
        want = expected_consistency_length(size1, size2)
    if any(len(h) != merkle.HASH_SIZE for h in hashes):
        return HashSizeError
    if len(proof) != want:
        return ProofLengthError
    return RootMismatch


def expected_error(vector: dict[str, Any]) -> type[VerificationError]:
    mutation = MUTATION_ERRORS[vector["desc"]]
    structural = structural_error(vector)
    if mutation is not None:
        assert structural is mutation, (
            f"{vector['desc']}: table says {mutation}, checks say {structural}"
        )
    return structural


def run(vector: dict[str, Any]) -> None:
    if "leafIdx" in vector:
        merkle.verify_inclusion(
            b64(vector["leafHash"]),
            vector["leafIdx"],
            vector["treeSize"],
            proof_of(vector),
            b64(vector["root"]),
        )
    else:
        merkle.verify_consistency(
            vector["size1"],
            vector["size2"],
            proof_of(vector),
            b64(vector["root1"]),
            b64(vector["root2"]),
        )


def test_all_upstream_files_are_here() -> None:
    files = upstream_files()
    assert len(files) == 196
    assert sum(f.startswith("inclusion/") for f in files) == 98


@pytest.mark.parametrize("relpath", upstream_files())
def test_upstream_vector(relpath: str) -> None:
    vector = json.loads((UPSTREAM / relpath).read_text())
    if not vector["wantErr"]:
        run(vector)
        return
    want = expected_error(vector)
    with pytest.raises(VerificationError) as caught:
        run(vector)
    assert type(caught.value) is want, f"{relpath}: {caught.value}"
    assert str(caught.value)


# --- the RFC 6962 reference tree ----------------------------------------------------------------


@pytest.fixture(scope="module")
def tree() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text())
    return data


def hx(value: str) -> bytes:
    return bytes.fromhex(value)


def node_source(tree: dict[str, Any]) -> dict[NodeID, bytes]:
    return {
        NodeID(level, index): hx(value)
        for level, row in enumerate(tree["node_hashes_by_level"])
        for index, value in enumerate(row)
    }


def test_hasher_vectors(tree: dict[str, Any]) -> None:
    for case in tree["hasher_vectors"]:
        if case["kind"] == "empty_root":
            got = merkle.EMPTY_ROOT
            assert merkle.root([]) == got
        elif case["kind"] == "leaf":
            got = merkle.leaf_hash(hx(case["input"]))
        else:
            got = merkle.node_hash(hx(case["left"]), hx(case["right"]))
        assert got.hex() == case["want"], case["desc"]


def test_reference_nodes_and_roots(tree: dict[str, Any]) -> None:
    leaves = [merkle.leaf_hash(hx(x)) for x in tree["leaf_inputs_hex"]]
    emitted: dict[NodeID, bytes] = {}
    edge = CompactRange()
    for size, item in enumerate(leaves, start=1):
        emitted.update(edge.append(item))
        assert edge.root().hex() == tree["roots_by_size"][str(size)]
    assert emitted == node_source(tree)
    for size, want in tree["roots_by_size"].items():
        assert merkle.root(leaves[: int(size)]).hex() == want


def test_all_36_reference_inclusion_proofs(tree: dict[str, Any]) -> None:
    nodes = node_source(tree)
    cases = tree["inclusion_proofs"]
    assert len(cases) == 36
    for case in cases:
        index, size = case["leaf_index"], case["tree_size"]
        proof = merkle.inclusion_proof(index, size, lambda ids: [nodes[i] for i in ids])
        assert [p.hex() for p in proof] == case["audit_path"], (index, size)
        merkle.verify_inclusion(hx(case["leaf_hash"]), index, size, proof, hx(case["root"]))


def test_all_36_reference_consistency_proofs(tree: dict[str, Any]) -> None:
    nodes = node_source(tree)
    cases = tree["consistency_proofs"]
    assert len(cases) == 36
    for case in cases:
        size1, size2 = case["size1"], case["size2"]
        proof = merkle.consistency_proof(size1, size2, lambda ids: [nodes[i] for i in ids])
        assert [p.hex() for p in proof] == case["proof"], (size1, size2)
        merkle.verify_consistency(size1, size2, proof, hx(case["root1"]), hx(case["root2"]))
