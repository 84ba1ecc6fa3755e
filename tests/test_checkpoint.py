"""Checkpoints and C2SP signed notes: the published vectors, round trips, and rejections."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from brightline.ledger import merkle
from brightline.ledger.checkpoint import (
    BadSignature,
    Checkpoint,
    MalformedCheckpoint,
    MalformedKey,
    MalformedNote,
    NoteSigner,
    NoteVerifier,
    UnknownKey,
    key_hash,
    open_checkpoint,
    parse_note,
    sign_checkpoint,
)

ORIGIN = "brightline.chicago/ledger"


@pytest.fixture
def c2sp(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "data" / "merkle-vectors" / "c2sp" / "signed-note-vectors.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.fixture(scope="module")
def signer() -> NoteSigner:
    return NoteSigner.generate(ORIGIN)


def checkpoint(size: int = 20852163) -> Checkpoint:
    return Checkpoint(ORIGIN, size, merkle.root([merkle.leaf_hash(b"x")] * 3))


# --- the C2SP vectors ---------------------------------------------------------------------------


def test_published_vector_verifies(c2sp: dict[str, Any]) -> None:
    case = c2sp["verifiable"][0]
    verifier = NoteVerifier(case["vkey"])
    assert verifier.name == case["key_name"]
    assert verifier.key_hash.hex() == case["key_id_hex"]
    assert verifier.public_key.hex() == case["ed25519_public_key_hex"]
    assert verifier.verify(case["full_note"]) == case["note_text"]
    assert case["full_note"] == case["note_text"] + "\n" + "".join(case["signature_lines"])


def test_published_tampered_twin_fails(c2sp: dict[str, Any]) -> None:
    case = c2sp["verifiable"][0]
    twin = case["negative_case"]
    note = twin["note_text"] + "\n" + "".join(twin["signature_lines"])
    with pytest.raises(BadSignature, match="does not verify"):
        NoteVerifier(case["vkey"]).verify(note)


def test_format_only_examples_parse(c2sp: dict[str, Any]) -> None:
    poem, plain, cosigned = c2sp["format_only_no_public_key_published"]

    note = parse_note(poem["note_text"] + "\n" + "".join(poem["signature_lines"]))
    assert note.text == poem["note_text"]  # split at the last empty line, not the first
    assert note.signatures[0].name == "quasimodo.example/salvatore"
    assert note.signatures[0].key_hash.hex() == poem["key_id_hex"]

    note = parse_note(plain["note_text"] + "\n" + "".join(plain["signature_lines"]))
    parsed = Checkpoint.parse(note.text)
    assert parsed.origin == plain["parsed"]["origin"]
    assert parsed.size == plain["parsed"]["tree_size"] == 20852163
    assert parsed.root.hex() == plain["parsed"]["root_hash_hex"]
    assert parsed.body() == plain["note_text"]
    assert note.signatures[0].key_hash.hex() == plain["key_id_hex"]
    assert len(note.signatures[0].signature) == 64

    note = parse_note(cosigned["note_text"] + "\n" + "".join(cosigned["signature_lines"]))
    witness = note.signatures[1]
    assert witness.name == "witness.example.com/w1"
    assert witness.key_hash.hex() == cosigned["cosignature_key_id_hex"]
    assert 4 + len(witness.signature) == cosigned["cosignature_len_bytes"]
    assert int.from_bytes(witness.signature[:8], "big") == cosigned["cosignature_timestamp"]
    assert [s.line() for s in note.signatures] == cosigned["signature_lines"]


# --- keys ---------------------------------------------------------------------------------------


def test_keys_round_trip_through_their_text_forms(signer: NoteSigner) -> None:
    again = NoteSigner.from_skey(signer.skey)
    assert again.vkey == signer.vkey
    assert signer.skey.startswith(f"PRIVATE+KEY+{ORIGIN}+{signer.key_hash.hex()}+A")
    name, hexhash, data = signer.vkey.split("+", 2)
    raw = base64.b64decode(data)
    assert (name, raw[0], len(raw)) == (ORIGIN, 1, 33)
    assert bytes.fromhex(hexhash) == key_hash(ORIGIN, raw[1:])


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("no-plus-signs", "must be <name>"),
        ("a+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "key computes"),
        ("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "lowercase hex"),
        ("example.com/foo+530d903a+not*base64", "not standard base64"),
        ("example.com/foo+530d903a+AQID", "0x01 followed by a 32-byte"),
        (" +530d903a+AQID", "key name"),
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str, message: str) -> None:
    with pytest.raises(MalformedKey, match=message):
        NoteVerifier(vkey)


def test_malformed_signer_keys_are_rejected(signer: NoteSigner) -> None:
    with pytest.raises(MalformedKey, match="PRIVATE\\+KEY"):
        NoteSigner.from_skey(signer.vkey)
    parts = signer.skey.split("+", 4)
    parts[3] = "00000000"
    with pytest.raises(MalformedKey, match="key computes"):
        NoteSigner.from_skey("+".join(parts))


# --- signing and verifying ----------------------------------------------------------------------


def test_sign_then_verify_round_trip(signer: NoteSigner) -> None:
    note = sign_checkpoint(signer, checkpoint())
    assert note.startswith(checkpoint().body() + "\n\u2014 " + ORIGIN + " ")
    assert open_checkpoint(note, signer.vkey) == checkpoint()
    assert open_checkpoint(note, signer.vkey, origin=ORIGIN).size == 20852163
    with pytest.raises(MalformedCheckpoint, match="expected 'elsewhere'"):
        open_checkpoint(note, signer.vkey, origin="elsewhere")


def test_signature_by_another_key_fails(signer: NoteSigner) -> None:
    note = NoteSigner.generate(ORIGIN).sign(checkpoint().body())
    with pytest.raises(UnknownKey, match="no signature by"):
        NoteVerifier(signer.vkey).verify(note)


def test_other_signers_lines_are_ignored(signer: NoteSigner) -> None:
    witness = NoteSigner.generate("witness.example/w1")
    text = checkpoint().body()
    note = signer.sign(text) + witness.sign(text).split("\n\n")[1]
    assert NoteVerifier(signer.vkey).verify(note) == text
    assert NoteVerifier(witness.vkey).verify(note) == text


@pytest.mark.parametrize("change", ["size", "root", "origin", "extension"])
def test_changed_checkpoint_fails(signer: NoteSigner, change: str) -> None:
    good = checkpoint()
    note = sign_checkpoint(signer, good)
    forged = {
        "size": Checkpoint(ORIGIN, good.size + 1, good.root),
        "root": Checkpoint(ORIGIN, good.size, merkle.EMPTY_ROOT),
        "origin": Checkpoint("evil.example/log", good.size, good.root),
        "extension": Checkpoint(ORIGIN, good.size, good.root, ("extra",)),
    }[change]
    tampered = note.replace(good.body(), forged.body())
    assert tampered != note
    with pytest.raises(BadSignature):
        open_checkpoint(tampered, signer.vkey)


def test_same_name_and_hash_with_a_bad_signature_fails(signer: NoteSigner) -> None:
    note = signer.sign("hello\n")
    text, line = note.split("\n\n")
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[10] ^= 1
    bad = f"{text}\n\n\u2014 {ORIGIN} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(BadSignature):
        NoteVerifier(signer.vkey).verify(bad)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("text\n\n\u2014 a AAAAAAAA", "must end with a newline"),
        ("text\n\u2014 a AAAAAAAA\n", "needs an empty line"),
        ("text\n\n", "at least one signature line"),
        ("text\n\n- a AAAAAAAA\n", "must be '\u2014 <key name>"),
        ("text\n\n\u2014 a b AAAAAAAA\n", "must be '\u2014 <key name>"),
        ("text\n\n\u2014 a AAAA\n", "4-byte key hash and a signature"),
        ("text\n\n\u2014 a AAAAAAAA=\n", "not canonical base64"),
        ("text\n\n\u2014 a AAAA*AAA\n", "not standard base64"),
        ("te\txt\n\n\u2014 a AAAAAAAA\n", "control characters"),
        ("text\n\n" + "\u2014 a AAAAAAAA\n" * 101, "at most 100"),
    ],
)
def test_malformed_notes_are_rejected(note: str, message: str) -> None:
    with pytest.raises(MalformedNote, match=message):
        parse_note(note)


def test_signer_refuses_text_without_final_newline(signer: NoteSigner) -> None:
    with pytest.raises(MalformedNote, match="must end with a newline"):
        signer.sign("no newline")


# --- checkpoint bodies --------------------------------------------------------------------------


def test_checkpoint_body_with_extensions_round_trips() -> None:
    with_ext = Checkpoint(ORIGIN, 7, merkle.EMPTY_ROOT, ("ext one", "ext two"))
    assert with_ext.body().splitlines()[3:] == ["ext one", "ext two"]
    assert Checkpoint.parse(with_ext.body()) == with_ext


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("o\n1\n", "needs origin, size and root"),
        ("o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "without leading zeros"),
        ("o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "decimal number"),
        ("o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "end with a newline"),
        ("o\n1\nAAAA\n", "32 bytes, got 3"),
        ("o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n", "non-empty line"),
        ("\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "origin"),
    ],
)
def test_malformed_checkpoints_are_rejected(body: str, message: str) -> None:
    with pytest.raises(MalformedCheckpoint, match=message):
        Checkpoint.parse(body)


def test_keys_whose_base64_contains_plus_signs_still_parse() -> None:
    for i in range(256):
        signer = NoteSigner("k", Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32))
        if "+" in signer.vkey.split("+", 2)[2] and "+" in signer.skey.split("+", 4)[4]:
            break
    else:
        pytest.fail("no seed gave '+' in both key encodings")
    assert NoteSigner.from_skey(signer.skey).vkey == signer.vkey
    assert NoteVerifier(signer.vkey).verify(signer.sign("t\n")) == "t\n"
