"""The ledger for the command line: opening the store, a proof bundle an outsider can check, and
checking such a bundle offline (signature, then inclusion). The command line reads and writes
the files; the checking lives here, over the pure ledger package.
"""

from __future__ import annotations

from typing import Any

from brightline.ledger.checkpoint import open_checkpoint
from brightline.ledger.merkle import leaf_hash, verify_inclusion
from brightline.ledger.records import leaf_data


def open_ledger(url: str | None = None) -> Any:
    """The ledger store at ``url`` (default: the settings'), migrated and opened."""
    from brightline.store.ledger import LedgerStore

    return LedgerStore.open(url)


def proof_bundle(store: Any, index: int, size: int | None = None) -> dict[str, Any]:
    """The inclusion proof of entry ``index`` with what an outside verifier needs: the leaf
    data, the entry's kind and commitment, the signed checkpoint, the origin and the vkey."""
    proof = store.inclusion_proof(index, size)
    entry = store.entry(index)
    data = leaf_data(entry.kind, bytes.fromhex(entry.commitment))
    return {
        **proof,
        "kind": entry.kind,
        "commitment": entry.commitment,
        "leaf_data": data.hex(),
        "origin": store.origin,
        "vkey": store.vkey,
    }


def check_proof_document(doc: dict[str, Any], trusted_vkey: str | None = None) -> str:
    """Check a bundle written by :func:`proof_bundle`; return what it proves or raise
    (ValueError or a VerificationError) saying why not."""
    vkey = trusted_vkey or _field(doc, "vkey", str)
    checkpoint = open_checkpoint(_field(doc, "checkpoint", str), vkey)
    index, size = _field(doc, "index", int), _field(doc, "size", int)
    if checkpoint.size != size:
        raise ValueError(f"the checkpoint is for tree size {checkpoint.size}, the proof for {size}")
    if "root" in doc and _hex(doc, "root") != checkpoint.root:
        raise ValueError("the root in the file is not the root the checkpoint signs")
    leaf = _checked_leaf(doc)
    _verify_inclusion(leaf, index, size, doc, checkpoint.root)
    who = vkey.split("+", 2)
    return (
        f"entry {index} is in {checkpoint.origin} at tree size {size} "
        f"(root {checkpoint.root.hex()}), checkpoint signed by {who[0]}+{who[1]}"
    )


def _field(doc: dict[str, Any], name: str, kind: type) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"proof file field {name!r} must be a {kind.__name__}, got {value!r}")
    return value


def _hex(doc: dict[str, Any], name: str) -> bytes:
    try:
        return bytes.fromhex(_field(doc, name, str))
    except ValueError as exc:
        raise ValueError(f"proof file field {name!r} is not hex") from exc


def _checked_leaf(doc: dict[str, Any]) -> bytes:
    """The leaf hash, checked against the leaf data (and kind + commitment) when present."""
    leaf = _hex(doc, "leaf_hash")
    if "leaf_data" in doc:
        data = _hex(doc, "leaf_data")
        if leaf_hash(data) != leaf:
            raise ValueError("the leaf data does not hash to the leaf hash")
        if "kind" in doc and "commitment" in doc:
            expected = leaf_data(_field(doc, "kind", str), _hex(doc, "commitment"))
            if expected != data:
                raise ValueError("kind and commitment do not make the leaf data")
    return leaf


def _verify_inclusion(leaf: bytes, index: int, size: int, doc: dict[str, Any], root: bytes) -> None:
    proof = doc.get("proof")
    if not isinstance(proof, list) or not all(isinstance(h, str) for h in proof):
        raise ValueError("proof file field 'proof' must be a list of hex strings")
    try:
        hashes = [bytes.fromhex(h) for h in proof]
    except ValueError as exc:
        raise ValueError("proof file field 'proof' holds a value that is not hex") from exc
    verify_inclusion(leaf, index, size, hashes, root)
