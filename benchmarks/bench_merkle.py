"""Throughput of the pure Merkle core (no storage): appends, proofs, verification, restart.

    .venv/bin/python benchmarks/bench_merkle.py [leaves]

Prints one line per figure. The tree lives in a dict of complete nodes, standing in for a store.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

from brightline.ledger import merkle
from brightline.ledger.merkle import CompactRange, NodeID
from brightline.ledger.records import canonical_json, commitment, leaf_data


def rate(label: str, count: int, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {count / elapsed:>12,.0f} /s   ({count:,} in {elapsed:.3f} s)")


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 17
    salt = bytes(32)
    records = [{"n": i, "outcome": "deny", "cites": ["EO-2025-1 §2"]} for i in range(size)]
    leaves: list[bytes] = []
    nodes: dict[NodeID, bytes] = {}
    edge = CompactRange()

    def hash_records() -> None:
        for record in records:
            data = leaf_data("decision", commitment(canonical_json(record), salt))
            leaves.append(merkle.leaf_hash(data))

    def append_all() -> None:
        for item in leaves:
            nodes.update(edge.append(item))

    rate("record -> canonical -> commitment -> leaf", size, hash_records)
    rate("CompactRange.append (nodes emitted)", size, append_all)

    def fetch(ids: Sequence[NodeID]) -> list[bytes]:
        return [nodes[i] for i in ids]

    top = edge.root()
    indices = [(i * 7919) % size for i in range(20_000)]
    proofs: list[list[bytes]] = []
    rate(
        "inclusion_proof (plan + fetch + assemble)",
        len(indices),
        lambda: proofs.extend(merkle.inclusion_proof(i, size, fetch) for i in indices),
    )

    def verify_all() -> None:
        for i, proof in zip(indices, proofs, strict=True):
            merkle.verify_inclusion(leaves[i], i, size, proof, top)

    rate("verify_inclusion", len(indices), verify_all)
    olds = [1 + (i * 104729) % (size - 1) for i in range(5_000)]
    old_roots = {s: merkle.root(leaves[:s]) for s in olds[:50]}

    def consistency_all() -> None:
        for s in olds[:50]:
            proof = merkle.consistency_proof(s, size, fetch)
            merkle.verify_consistency(s, size, proof, old_roots[s], top)

    rate("consistency_proof + verify", 50, consistency_all)
    ten_million = 10_000_000
    ids = CompactRange.node_ids(ten_million)
    rate(
        "restart at 10,000,000 (node_ids + from_nodes)",
        1_000,
        lambda: [CompactRange.from_nodes(ten_million, [bytes(32)] * len(ids)) for _ in range(1000)],
    )
    print(f"nodes loaded to restart at 10,000,000: {len(ids)}")


if __name__ == "__main__":
    main()
