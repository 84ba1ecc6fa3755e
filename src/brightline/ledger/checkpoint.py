"""Checkpoints (c2sp.org/tlog-checkpoint) in signed notes (c2sp.org/signed-note), Ed25519 only.

A checkpoint body is three lines (origin, decimal tree size, base64 root hash) and optional
extension lines, each ending in a newline. A signed note is that text, one empty line, and one
signature line per signer: ``— <key name> <base64(4-byte key hash || signature)>``. For Ed25519
the key hash is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` and the signature covers
the text bytes. Keys travel as text: the verifier key ``name+hexhash+base64(0x01 || public key)``
and the signer key ``PRIVATE+KEY+name+hexhash+base64(0x01 || seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from brightline.errors import VerificationError
from brightline.ledger.merkle import HASH_SIZE

ED25519 = 0x01
SIG_DASH = "\u2014"
MAX_SIGNATURES = 100
_KEY_SIZE = 32
_SIG_SIZE = 64
_HEX_HASH = re.compile(r"[0-9a-f]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


class MalformedNote(VerificationError):
    """A signed note that does not follow the signed-note format."""

    code = "malformed_note"


class MalformedKey(VerificationError):
    """A verifier or signer key string that does not follow the C2SP key format."""

    code = "malformed_key"


class UnknownKey(VerificationError):
    """A note that carries no signature by the key asked for."""

    code = "unknown_key"


class BadSignature(VerificationError):
    """A signature line by the expected key whose signature does not verify."""

    code = "bad_signature"


class MalformedCheckpoint(VerificationError):
    """A checkpoint body that does not follow the tlog-checkpoint format."""

    code = "malformed_checkpoint"


# --- base64 and names ---------------------------------------------------------------------------


def _b64decode(text: str, what: str, error: type[VerificationError]) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise error(f"{what} is not standard base64: {text!r}", what=what) from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise error(f"{what} is not canonical base64: {text!r}", what=what)
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_key_name(name: str, error: type[VerificationError]) -> str:
    if not name or "+" in name or any(ch.isspace() for ch in name) or _CONTROL.search(name):
        raise error(
            f"key name {name!r} is not allowed: it must be non-empty, without '+' or spaces",
            name=name,
        )
    return name


def key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte Ed25519 key hash: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


# --- notes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key name, the 4-byte key hash and the signature bytes after it."""

    name: str
    key_hash: bytes
    signature: bytes

    def line(self) -> str:
        return f"{SIG_DASH} {self.name} {_b64encode(self.key_hash + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A parsed (not yet verified) signed note."""

    text: str
    signatures: tuple[NoteSignature, ...]


def check_note_text(text: str) -> str:
    """Return ``text`` if it can be the text of a note, else raise MalformedNote saying why."""
    if not text.endswith("\n"):
        raise MalformedNote("note text must end with a newline")
    if _CONTROL.search(text):
        raise MalformedNote("note text must not contain control characters other than newline")
    return text


def parse_note(note: str) -> Note:
    """Split a signed note into its text and signature lines; checks form, not signatures."""
    if not note.endswith("\n"):
        raise MalformedNote("a signed note must end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNote("a signed note needs an empty line between the text and signatures")
    text, block = note[: split + 1], note[split + 2 :]
    check_note_text(text)
    lines = block.split("\n")[:-1]
    if not lines:
        raise MalformedNote("a signed note needs at least one signature line")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote(f"a signed note may carry at most {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != SIG_DASH:
        raise MalformedNote(
            f"signature line {line!r} must be '{SIG_DASH} <key name> <base64 signature>'"
        )
    name = _check_key_name(parts[1], MalformedNote)
    raw = _b64decode(parts[2], f"signature of {name}", MalformedNote)
    if len(raw) < 5:
        raise MalformedNote(f"signature of {name} must hold a 4-byte key hash and a signature")
    return NoteSignature(name, raw[:4], raw[4:])


# --- keys ---------------------------------------------------------------------------------------


class NoteSigner:
    """An Ed25519 note signer with a key name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = _check_key_name(name, MalformedKey)
        self._key = private_key
        self.public_key = _public_bytes(private_key.public_key())
        self.key_hash = key_hash(self.name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Load ``PRIVATE+KEY+name+hexhash+base64(0x01 || seed)``; the hash must match."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise MalformedKey("signer key must be PRIVATE+KEY+<name>+<hex hash>+<base64 key>")
        name, hexhash, data = parts[2], parts[3], parts[4]
        raw = _b64decode(data, "signer key", MalformedKey)
        if len(raw) != 1 + _KEY_SIZE or raw[0] != ED25519:
            raise MalformedKey("signer key must be 0x01 followed by a 32-byte Ed25519 seed")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if hexhash != signer.key_hash.hex():
            raise MalformedKey(
                f"signer key hash is {hexhash!r}, but the key computes {signer.key_hash.hex()!r}"
            )
        return signer

    @property
    def skey(self) -> str:
        seed = self._key.private_bytes_raw()
        return (
            f"PRIVATE+KEY+{self.name}+{self.key_hash.hex()}+{_b64encode(bytes([ED25519]) + seed)}"
        )

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_hash.hex()}+{_b64encode(bytes([ED25519]) + self.public_key)}"

    def sign(self, text: str) -> str:
        """The signed note: ``text``, an empty line, and this key's signature line."""
        check_note_text(text)
        signature = self._key.sign(text.encode("utf-8"))
        return text + "\n" + NoteSignature(self.name, self.key_hash, signature).line()


class NoteVerifier:
    """Verifies notes signed by one Ed25519 key, given as ``name+hexhash+base64(0x01 || key)``."""

    def __init__(self, vkey: str) -> None:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise MalformedKey("verifier key must be <name>+<hex hash>+<base64 key>")
        name, hexhash, data = parts
        self.name = _check_key_name(name, MalformedKey)
        if not _HEX_HASH.fullmatch(hexhash):
            raise MalformedKey(f"verifier key hash must be 8 lowercase hex digits, got {hexhash!r}")
        raw = _b64decode(data, "verifier key", MalformedKey)
        if len(raw) != 1 + _KEY_SIZE or raw[0] != ED25519:
            raise MalformedKey("verifier key must be 0x01 followed by a 32-byte Ed25519 key")
        self.public_key = raw[1:]
        self.key_hash = key_hash(name, self.public_key)
        if hexhash != self.key_hash.hex():
            raise MalformedKey(
                f"verifier key hash is {hexhash!r}, but the key computes {self.key_hash.hex()!r}"
            )
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    def verify(self, note: str) -> str:
        """Return the note's text if it carries a valid signature by this key; else raise."""
        parsed = parse_note(note)
        mine = [s for s in parsed.signatures if s.name == self.name and s.key_hash == self.key_hash]
        if not mine:
            seen = sorted({f"{s.name}+{s.key_hash.hex()}" for s in parsed.signatures})
            raise UnknownKey(
                f"note has no signature by {self.name}+{self.key_hash.hex()}; signed by: "
                + ", ".join(seen),
                expected=f"{self.name}+{self.key_hash.hex()}",
                got=seen,
            )
        for sig in mine:
            try:
                self._key.verify(sig.signature, parsed.text.encode("utf-8"))
            except InvalidSignature as exc:
                raise BadSignature(
                    f"signature by {self.name}+{self.key_hash.hex()} does not verify over the text"
                ) from exc
        return parsed.text


# --- checkpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint: the log's origin, a tree size and that tree's root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or _CONTROL.search(self.origin):
            raise MalformedCheckpoint(f"checkpoint origin {self.origin!r} must be one line")
        if self.size < 0:
            raise MalformedCheckpoint(f"checkpoint size must be >= 0, got {self.size}")
        if len(self.root) != HASH_SIZE:
            raise MalformedCheckpoint(
                f"checkpoint root must be {HASH_SIZE} bytes, got {len(self.root)}"
            )
        for line in self.extensions:
            if not line or "\n" in line or _CONTROL.search(line):
                raise MalformedCheckpoint(f"extension line {line!r} must be one non-empty line")

    def body(self) -> str:
        lines = [self.origin, str(self.size), _b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Parse a checkpoint body (the text of its note), strictly."""
        if not body.endswith("\n"):
            raise MalformedCheckpoint("checkpoint body must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedCheckpoint(
                f"checkpoint body needs origin, size and root lines, got {len(lines)} line(s)"
            )
        origin, size, root, *extensions = lines
        if not _DECIMAL.fullmatch(size):
            raise MalformedCheckpoint(
                f"checkpoint size must be a decimal number without leading zeros, got {size!r}"
            )
        raw = _b64decode(root, "checkpoint root", MalformedCheckpoint)
        return cls(origin, int(size), raw, tuple(extensions))


def sign_checkpoint(signer: NoteSigner, checkpoint: Checkpoint) -> str:
    """The checkpoint as a note signed by ``signer``."""
    return signer.sign(checkpoint.body())


def open_checkpoint(note: str, vkey: str, *, origin: str | None = None) -> Checkpoint:
    """Verify the note's signature by ``vkey`` and parse its checkpoint (of ``origin`` if given)."""
    checkpoint = Checkpoint.parse(NoteVerifier(vkey).verify(note))
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpoint(
            f"checkpoint is for origin {checkpoint.origin!r}, expected {origin!r}",
            expected=origin,
            got=checkpoint.origin,
        )
    return checkpoint
