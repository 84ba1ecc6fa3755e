"""The pure ledger core: RFC 9162 Merkle trees, record commitments and signed checkpoints, tiles
(c2sp.org/tlog-tiles), following a tiled log, and witnessing (cosignatures, add-checkpoint,
policies).

No database, no clock, no web: storage lives in ``brightline.store.ledger``.
"""

from brightline.ledger.canonical import canonical_record
from brightline.ledger.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    sign_checkpoint,
)
from brightline.ledger.follow import Fork, Truncation, check_round
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
from brightline.ledger.tiles import BadTile, Tile, parse_tile_path, tiles_for_size
from brightline.ledger.witness import (
    AddCheckpoint,
    CosignatureVerifier,
    Cosigner,
    Policy,
    WitnessRefusal,
    judge,
    parse_policy,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "AddCheckpoint",
    "BadTile",
    "Checkpoint",
    "CompactRange",
    "CosignatureVerifier",
    "Cosigner",
    "Fork",
    "NodeID",
    "NoteSigner",
    "NoteVerifier",
    "Policy",
    "ProofPlan",
    "Tile",
    "Truncation",
    "WitnessRefusal",
    "canonical_json",
    "canonical_record",
    "check_round",
    "commitment",
    "consistency_plan",
    "consistency_proof",
    "inclusion_plan",
    "inclusion_proof",
    "judge",
    "leaf_data",
    "leaf_hash",
    "new_salt",
    "node_hash",
    "open_checkpoint",
    "parse_policy",
    "parse_tile_path",
    "record_leaf_data",
    "root",
    "sign_checkpoint",
    "tiles_for_size",
    "verify_consistency",
    "verify_inclusion",
]
