"""Our own named hostile vectors (tests/vectors/*.json): each honest call verifies, and the attack
made from it fails for exactly the reason the file states."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from brightline.errors import VerificationError
from brightline.ledger import merkle

VECTORS = Path(__file__).resolve().parent / "vectors"
ERRORS: dict[str, type[VerificationError]] = {
    cls.code: cls
    for cls in (
        merkle.HashSizeError,
        merkle.IndexOutOfRange,
        merkle.BadTreeSizes,
        merkle.ProofLengthError,
        merkle.RootMismatch,
    )
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def run(check: str, call: dict[str, Any]) -> None:
    proof = [bytes.fromhex(p) for p in call["proof"]]
    if check == "inclusion":
        if "leaf_data" in call:
            leaf = merkle.leaf_hash(bytes.fromhex(call["leaf_data"]))
        else:
            leaf = bytes.fromhex(call["leaf_hash"])
        root = bytes.fromhex(call["root"])
        merkle.verify_inclusion(leaf, call["index"], call["size"], proof, root)
    else:
        root1, root2 = bytes.fromhex(call["root1"]), bytes.fromhex(call["root2"])
        merkle.verify_consistency(call["size1"], call["size2"], proof, root1, root2)


NAMES = sorted(p.name for p in VECTORS.glob("*.json"))


def test_the_named_attacks_are_all_present() -> None:
    stems = {name.removesuffix(".json") for name in NAMES}
    assert {
        "truncated-proof",
        "extended-proof",
        "swapped-roots",
        "leaf-from-other-tree",
        "index-beyond-size",
        "node-as-leaf-second-preimage",
        "empty-proof-for-nonempty",
    } <= stems


@pytest.mark.parametrize("name", NAMES)
def test_hostile_vector_fails_for_its_stated_reason(name: str) -> None:
    vector = load(name)
    assert vector["name"] == name.removesuffix(".json")
    assert vector["reason"] in ERRORS, f"unknown reason {vector['reason']!r}"
    assert vector["attack"] != vector["honest"]
    run(vector["check"], vector["honest"])
    with pytest.raises(VerificationError) as caught:
        run(vector["check"], vector["attack"])
    assert type(caught.value) is ERRORS[vector["reason"]], str(caught.value)
    assert caught.value.code == vector["reason"]


def test_node_as_leaf_would_succeed_without_domain_separation() -> None:
    """The forged leaf data really is the node's preimage: hashed as a node, it verifies."""
    attack = load("node-as-leaf-second-preimage.json")["attack"]
    as_node = hashlib.sha256(b"\x01" + bytes.fromhex(attack["leaf_data"])).digest()
    proof = [bytes.fromhex(p) for p in attack["proof"]]
    root = bytes.fromhex(attack["root"])
    merkle.verify_inclusion(as_node, attack["index"], attack["size"], proof, root)
    with pytest.raises(merkle.RootMismatch):
        run("inclusion", attack)
