"""Canonical record bytes, salted commitments and leaf data."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightline.errors import InvalidRequest
from brightline.ledger import merkle, records
from brightline.ledger.merkle import CompactRange, NodeID
from brightline.ledger.records import canonical_json, commitment, leaf_data

SALT_A = bytes(range(32))
SALT_B = bytes(range(1, 33))


def test_keys_are_sorted_and_whitespace_is_gone() -> None:
    assert canonical_json({"b": 1, "a": [1, 2, {"d": None, "c": True}]}) == (
        b'{"a":[1,2,{"c":true,"d":null}],"b":1}'
    )
    assert canonical_json({"b": 1, "a": 2}) == canonical_json({"a": 2, "b": 1})


def test_unicode_is_utf8_not_escaped() -> None:
    assert canonical_json({"name": "Ñandú — café 北京"}) == (
        '{"name":"Ñandú — café 北京"}'.encode()
    )
    assert canonical_json('line\nquote"back\\slash\x01') == (
        b'"line\\nquote\\"back\\\\slash\\u0001"'
    )
    with pytest.raises(InvalidRequest, match="lone surrogate"):
        canonical_json("\ud800")


def test_numbers() -> None:
    assert canonical_json([1, 1.0, -0.0, 2.5, 10**20, 1e300, 1e-7, True]) == (
        b"[1,1,0,2.5,100000000000000000000,1e+300,1e-07,true]"
    )
    assert canonical_json(0.1) == b"0.1"
    assert canonical_json(2.0**53) == b"9007199254740992.0"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_rejects_non_finite_numbers(bad: float) -> None:
    with pytest.raises(InvalidRequest, match=r"\$\.x\[1\]: .* allowed: finite numbers"):
        canonical_json({"x": [0, bad]})


@pytest.mark.parametrize(
    ("bad", "message"),
    [({1: "a"}, "object key 1 is a int; allowed: strings"), ({"a": {1, 2}}, r"\$\.a: set")],
)
def test_rejects_what_json_cannot_say(bad: Any, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        canonical_json(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_canonical_form_is_stable_and_parses_back(value: Any) -> None:
    first = canonical_json(value)
    parsed = json.loads(first)
    assert canonical_json(parsed) == first
    assert json.loads(first) == json.loads(json.dumps(value))


def test_commitment_depends_on_salt_and_record() -> None:
    body = canonical_json({"outcome": "deny"})
    assert commitment(body, SALT_A) == commitment(body, SALT_A)
    assert commitment(body, SALT_A) != commitment(body, SALT_B)
    assert commitment(body, SALT_A) != commitment(canonical_json({"outcome": "allow"}), SALT_A)
    assert len(commitment(body, SALT_A)) == 32
    with pytest.raises(InvalidRequest, match="at least 16 bytes, got 4"):
        commitment(body, b"salt")


def test_commitment_fields_cannot_slide_into_each_other() -> None:
    # moving bytes from the record into the salt must change the commitment
    salt, body = b"s" * 16, b'{"a":1}'
    assert commitment(body, salt) != commitment(body[1:], salt + body[:1])


def test_commitment_is_the_documented_hash() -> None:
    """SHA-256 over the domain tag, then salt and record, each after its 8-byte length."""
    import hashlib

    body = canonical_json({"n": 1, "text": "\u00e9t\u00e9"})
    for salt in (SALT_A, SALT_A[:16], SALT_B + SALT_A):
        expected = hashlib.sha256(
            b"brightline/record-commitment/v1\x00"
            + len(salt).to_bytes(8, "big")
            + salt
            + len(body).to_bytes(8, "big")
            + body
        ).digest()
        assert commitment(body, salt) == expected


@pytest.mark.parametrize("kind", ["decision", "review", "a", "x" * 64, "fault.test"])
def test_entry_leaf_hash_is_the_leaf_hash_of_the_leaf_data(kind: str) -> None:
    for salt in (SALT_A, SALT_B):
        commit = commitment(canonical_json({"kind": kind}), salt)
        expected = merkle.leaf_hash(leaf_data(kind, commit))
        assert records.entry_leaf_hash(kind, commit) == expected
        assert records.entry_leaf_hash(kind, commit) == expected  # from the cached prefix


def test_entry_leaf_hash_checks_kind_and_commitment() -> None:
    with pytest.raises(InvalidRequest, match="entry kind"):
        records.entry_leaf_hash("Bad Kind", bytes(32))
    with pytest.raises(InvalidRequest, match="entry kind"):
        records.entry_leaf_hash(7, bytes(32))  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest, match="commitment must be 32 bytes, got 31"):
        records.entry_leaf_hash("decision", bytes(31))


def test_seal_entries_is_commitment_and_leaf_hash_entry_by_entry() -> None:
    entries = [
        ("decision", canonical_json({"n": 1})),
        ("review", canonical_json({"n": 2, "t": "\u00e9"})),
        ("decision", b""),
    ]
    for size in (16, 32):
        salts = bytes(range(size * 3))
        sealed = records.seal_entries(entries, salts)
        for i, ((kind, body), (salt, commit, leaf)) in enumerate(zip(entries, sealed, strict=True)):
            assert salt == salts[i * size : (i + 1) * size]
            assert commit == commitment(body, salt)
            assert leaf == merkle.leaf_hash(leaf_data(kind, commit))
    assert records.seal_entries([], b"") == []


def test_seal_entries_checks_salts_and_kinds() -> None:
    entries = [("decision", b"{}"), ("decision", b"{}")]
    with pytest.raises(InvalidRequest, match="do not split into 2 salts"):
        records.seal_entries(entries, bytes(33))
    with pytest.raises(InvalidRequest, match="of at least 16 bytes"):
        records.seal_entries(entries, bytes(30))
    with pytest.raises(InvalidRequest, match="entry kind"):
        records.seal_entries([("Not A Kind", b"{}")], bytes(16))


def test_equal_records_with_different_salts_make_different_leaves() -> None:
    body = canonical_json({"case": 1})
    one = merkle.leaf_hash(leaf_data("decision", commitment(body, records.new_salt())))
    two = merkle.leaf_hash(leaf_data("decision", commitment(body, records.new_salt())))
    assert one != two
    assert len(records.new_salt()) == records.SALT_SIZE


def test_leaf_data_holds_only_kind_and_commitment() -> None:
    record = {"officer": "Jane Roe", "outcome": "deny"}
    data = records.record_leaf_data("decision", record, SALT_A)
    assert data == leaf_data("decision", commitment(canonical_json(record), SALT_A))
    assert b"Jane" not in data and b"deny" not in data
    assert leaf_data("report", commitment(b"{}", SALT_A)) != leaf_data(
        "decision", commitment(b"{}", SALT_A)
    )


@pytest.mark.parametrize("kind", ["", "Decision", "9lives", "a b", "x" * 65, "décision"])
def test_leaf_data_rejects_bad_kinds(kind: str) -> None:
    with pytest.raises(InvalidRequest, match="allowed: 1-64 characters"):
        leaf_data(kind, b"\x00" * 32)


def test_leaf_data_rejects_bad_commitment() -> None:
    with pytest.raises(InvalidRequest, match="commitment must be 32 bytes, got 31"):
        leaf_data("decision", b"\x00" * 31)


def test_redacting_a_record_leaves_every_proof_intact() -> None:
    """A store that drops record and salt but keeps the commitment re-derives the same tree."""
    entries = [("decision", {"n": i, "who": f"person {i}"}, records.new_salt()) for i in range(9)]
    kept = [commitment(canonical_json(record), salt) for _, record, salt in entries]
    before = [
        merkle.leaf_hash(leaf_data(kind, c)) for (kind, _, _), c in zip(entries, kept, strict=True)
    ]
    redacted = 4  # record and salt are gone; only kind and commitment remain
    after = [
        merkle.leaf_hash(leaf_data(entries[i][0], kept[i])) if i == redacted else before[i]
        for i in range(len(entries))
    ]
    assert after == before
    nodes: dict[NodeID, bytes] = {}
    edge = CompactRange()
    for item in after:
        nodes.update(edge.append(item))
    proof = merkle.inclusion_proof(redacted, 9, lambda ids: [nodes[i] for i in ids])
    merkle.verify_inclusion(before[redacted], redacted, 9, proof, merkle.root(before))
