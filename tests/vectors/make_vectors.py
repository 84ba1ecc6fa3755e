"""Write the named hostile Merkle vectors in this folder (run once; the JSON files are committed).

    .venv/bin/python tests/vectors/make_vectors.py

Each file is one attack: an ``honest`` call that verifies and the ``attack`` made from it, which
must fail with the error whose code is ``reason``. Inclusion cases give either ``leaf_hash`` or
``leaf_data`` (the verifier hashes it as a leaf: that is what stops the node-as-leaf attack).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brightline.ledger import merkle
from brightline.ledger.merkle import CompactRange, NodeID

HERE = Path(__file__).resolve().parent


def leaf_inputs(n: int, tag: str) -> list[bytes]:
    return [f"brightline hostile vector {tag} entry {i}".encode() for i in range(n)]


class Tree:
    def __init__(self, inputs: list[bytes]) -> None:
        self.inputs = inputs
        self.leaves = [merkle.leaf_hash(d) for d in inputs]
        self.nodes: dict[NodeID, bytes] = {}
        edge = CompactRange()
        for item in self.leaves:
            self.nodes.update(edge.append(item))

    def fetch(self, ids: Any) -> list[bytes]:
        return [self.nodes[i] for i in ids]

    def root(self, size: int) -> bytes:
        return merkle.root(self.leaves[:size])

    def inclusion(self, index: int, size: int) -> dict[str, Any]:
        return {
            "leaf_hash": self.leaves[index].hex(),
            "index": index,
            "size": size,
            "proof": [p.hex() for p in merkle.inclusion_proof(index, size, self.fetch)],
            "root": self.root(size).hex(),
        }

    def consistency(self, size1: int, size2: int) -> dict[str, Any]:
        return {
            "size1": size1,
            "size2": size2,
            "proof": [p.hex() for p in merkle.consistency_proof(size1, size2, self.fetch)],
            "root1": self.root(size1).hex(),
            "root2": self.root(size2).hex(),
        }


def vectors() -> list[dict[str, Any]]:
    tree = Tree(leaf_inputs(13, "main"))
    other = Tree(leaf_inputs(13, "other"))
    out: list[dict[str, Any]] = []

    def add(
        name: str, reason: str, explanation: str, honest: dict[str, Any], **changes: Any
    ) -> None:
        check = "inclusion" if "index" in honest else "consistency"
        attack = {**honest, **changes}
        out.append(
            {
                "name": name,
                "reason": reason,
                "explanation": explanation,
                "check": check,
                "honest": honest,
                "attack": attack,
            }
        )

    inc = tree.inclusion(5, 13)
    add(
        "truncated-proof",
        "proof_length",
        "the last audit-path hash is dropped",
        inc,
        proof=inc["proof"][:-1],
    )
    add(
        "extended-proof",
        "proof_length",
        "an extra hash (the root) is appended to the path",
        inc,
        proof=[*inc["proof"], inc["root"]],
    )
    add(
        "empty-proof-for-nonempty",
        "proof_length",
        "an empty path is offered for a leaf of a 13-leaf tree",
        inc,
        proof=[],
    )
    add(
        "index-beyond-size",
        "index_out_of_range",
        "the leaf index equals the tree size",
        inc,
        index=13,
    )
    add("negative-index", "index_out_of_range", "the leaf index is -1", inc, index=-1)
    add(
        "leaf-from-other-tree",
        "root_mismatch",
        "the leaf at the same index of another log, with this log's proof and root",
        inc,
        leaf_hash=other.leaves[5].hex(),
    )
    add(
        "proof-for-other-index",
        "root_mismatch",
        "the proof of leaf 4 is presented for leaf 5 (same length)",
        inc,
        proof=tree.inclusion(4, 13)["proof"],
    )
    add(
        "reordered-proof",
        "root_mismatch",
        "two audit-path hashes swap places",
        inc,
        proof=[inc["proof"][1], inc["proof"][0], *inc["proof"][2:]],
    )
    add("short-root", "hash_size", "the root is cut to 31 bytes", inc, root=inc["root"][:-2])
    add(
        "proof-from-older-tree",
        "root_mismatch",
        "a valid path of the 12-leaf tree checked against the 13-leaf root",
        inc,
        proof=tree.inclusion(5, 12)["proof"],
    )

    four = Tree(leaf_inputs(4, "preimage"))
    honest = {
        "leaf_data": four.inputs[0].hex(),
        "index": 0,
        "size": 4,
        "proof": [p.hex() for p in merkle.inclusion_proof(0, 4, four.fetch)],
        "root": four.root(4).hex(),
    }
    forged = (four.leaves[0] + four.leaves[1]).hex()
    add(
        "node-as-leaf-second-preimage",
        "root_mismatch",
        "the children of node (1,0) are offered as the data of leaf 0 of a 2-leaf tree with "
        "the 4-leaf root; leaf and node hashes are domain-separated, so the forged leaf hashes "
        "to something else",
        honest,
        leaf_data=forged,
        size=2,
        proof=[four.nodes[NodeID(1, 1)].hex()],
    )

    con = tree.consistency(6, 13)
    add(
        "swapped-roots",
        "root_mismatch",
        "root1 and root2 change places",
        con,
        root1=con["root2"],
        root2=con["root1"],
    )
    add(
        "consistency-truncated-proof",
        "proof_length",
        "the last proof hash is dropped",
        con,
        proof=con["proof"][:-1],
    )
    add(
        "consistency-extended-proof",
        "proof_length",
        "the first proof hash is repeated",
        con,
        proof=[con["proof"][0], *con["proof"]],
    )
    add(
        "consistency-empty-proof",
        "proof_length",
        "an empty proof is offered for a tree that grew from 6 to 13",
        con,
        proof=[],
    )
    add(
        "forked-history",
        "root_mismatch",
        "root1 is the 6-leaf root of another log: the old tree is not a prefix of this one",
        con,
        root1=other.root(6).hex(),
    )
    add(
        "rollback",
        "bad_tree_sizes",
        "the new tree is smaller than the old one",
        con,
        size1=13,
        size2=6,
        root1=con["root2"],
        root2=con["root1"],
    )
    add(
        "from-empty-tree",
        "bad_tree_sizes",
        "consistency from the empty tree proves nothing and is refused",
        con,
        size1=0,
        root1=merkle.EMPTY_ROOT.hex(),
        proof=[],
    )
    same = tree.consistency(13, 13)
    add(
        "split-view-same-size",
        "root_mismatch",
        "two different roots for the same size: a split view",
        same,
        root2=other.root(13).hex(),
    )
    add(
        "same-size-with-proof",
        "proof_length",
        "equal sizes need an empty proof, one hash is offered",
        same,
        proof=[same["root1"]],
    )
    return out


def main() -> None:
    for old in HERE.glob("*.json"):
        old.unlink()
    for vector in vectors():
        path = HERE / f"{vector['name']}.json"
        path.write_text(json.dumps(vector, indent=1) + "\n")
    print(f"wrote {len(list(HERE.glob('*.json')))} vectors to {HERE}")


if __name__ == "__main__":
    main()
