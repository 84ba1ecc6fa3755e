"""The pure ledger core: RFC 9162 Merkle trees, record commitments and signed checkpoints.

No database, no clock, no web: storage lives in ``brightline.store.ledger``.
"""

from brightline.ledger.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    sign_checkpoint,
)
from brightline.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    CompactRange,
    NodeID,
    ProofPlan,
    consistency_plan,
    consistency_proof,
    inclusion_plan,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from brightline.ledger.records import (
    canonical_json,
    commitment,
    leaf_data,
    new_salt,
    record_leaf_data,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CompactRange",
    "NodeID",
    "NoteSigner",
    "NoteVerifier",
    "ProofPlan",
    "canonical_json",
    "commitment",
    "consistency_plan",
    "consistency_proof",
    "inclusion_plan",
    "inclusion_proof",
    "leaf_data",
    "leaf_hash",
    "new_salt",
    "node_hash",
    "open_checkpoint",
    "record_leaf_data",
    "root",
    "sign_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]
