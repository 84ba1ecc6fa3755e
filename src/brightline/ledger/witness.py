"""Witnessing, pure: Ed25519 cosignatures (c2sp.org/tlog-cosignature), the add-checkpoint request
and the witness's judgement of it (c2sp.org/tlog-witness), and witness policies with their quorum
(c2sp.org/tlog-policy). No network, no clock, no storage: the caller passes the time, the
witness's stored state, and does the I/O.

A cosignature is a signed-note signature line by the witness's key name, whose bytes are the
4-byte key ID (``SHA-256(name || 0x0A || 0x04 || public key)[:4]``), an 8-byte big-endian POSIX
timestamp and an Ed25519 signature over ``cosignature/v1\\ntime <T>\\n`` followed by the
checkpoint body. It says: at time T, the largest consistent tree this witness saw for the origin
had this root. Keys travel as vkeys of type 0x04: ``name+hexid+base64(0x04 || public key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from brightline.errors import InvalidRequest, VerificationError
from brightline.ledger.checkpoint import (
    SIG_DASH,
    BadSignature,
    Checkpoint,
    MalformedKey,
    NoteSignature,
    NoteVerifier,
    UnknownKey,
    parse_note,
)
from brightline.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency

COSIGNATURE = 0x04
MAX_PROOF_LINES = 63
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")
_MAX_TIMESTAMP = 2**63 - 1


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID of an Ed25519 cosigner: SHA-256(name || 0x0A || 0x04 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE]) + public_key).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What an Ed25519 cosignature signs: a header line, a time line, the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise MalformedKey(f"{what} is not standard base64: {text[:40]!r}") from exc
    return raw


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise MalformedKey(f"key name {name!r} must be non-empty, without '+' or spaces")
    return name


class Cosigner:
    """A witness's Ed25519 cosigning key with its name."""

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        self.name = _check_name(name)
        self._key = key
        self.public_key = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = cosigner_key_id(self.name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> Cosigner:
        """``PRIVATE+KEY+name+hexid+base64(0x04 || seed)`` (the signer-key layout of signed
        notes, with the cosignature type byte)."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise MalformedKey("witness key must be PRIVATE+KEY+<name>+<hex id>+<base64 key>")
        raw = _unb64(parts[4], "witness key")
        if len(raw) != 33 or raw[0] != COSIGNATURE:
            raise MalformedKey("witness key must be 0x04 followed by a 32-byte Ed25519 seed")
        cosigner = cls(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if parts[3] != cosigner.key_id.hex():
            raise MalformedKey(
                f"witness key id is {parts[3]!r}, but the key computes {cosigner.key_id.hex()!r}"
            )
        return cosigner

    @property
    def skey(self) -> str:
        seed = self._key.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{_b64(bytes([COSIGNATURE]) + seed)}"

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(bytes([COSIGNATURE]) + self.public_key)}"

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line (ending in a newline) over a checkpoint body at ``timestamp``."""
        if not 0 < timestamp <= _MAX_TIMESTAMP:
            raise InvalidRequest(f"cosignature timestamp must be 1..2**63-1, got {timestamp}")
        signature = self._key.sign(cosigned_message(body, timestamp))
        raw = timestamp.to_bytes(8, "big") + signature
        return NoteSignature(self.name, self.key_id, raw).line()


class CosignatureVerifier:
    """Checks one witness's cosignature on a checkpoint note; built from its type-0x04 vkey."""

    def __init__(self, vkey: str) -> None:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise MalformedKey("witness vkey must be <name>+<hex id>+<base64 key>")
        self.name = _check_name(parts[0])
        raw = _unb64(parts[2], "witness vkey")
        if len(raw) != 33 or raw[0] != COSIGNATURE:
            raise MalformedKey(
                "witness vkey must be 0x04 (an Ed25519 cosignature key) and 32 key bytes"
            )
        self.public_key = raw[1:]
        self.key_id = cosigner_key_id(self.name, self.public_key)
        if parts[1] != self.key_id.hex():
            raise MalformedKey(
                f"witness vkey id is {parts[1]!r}, but the key computes {self.key_id.hex()!r}"
            )
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)
        self.vkey = vkey.strip()

    def verify(self, note: str) -> int:
        """The timestamp of this witness's valid cosignature on ``note``; UnknownKey when the
        note carries none, BadSignature when it carries a bad one."""
        parsed = parse_note(note)
        mine = [s for s in parsed.signatures if s.name == self.name and s.key_hash == self.key_id]
        if not mine:
            raise UnknownKey(f"no cosignature by witness {self.name}+{self.key_id.hex()}")
        stamp = 0
        for sig in mine:
            if len(sig.signature) != 72:
                raise BadSignature(f"cosignature by {self.name} is not 8 + 64 bytes")
            stamp = int.from_bytes(sig.signature[:8], "big")
            try:
                self._key.verify(sig.signature[8:], cosigned_message(parsed.text, stamp))
            except InvalidSignature as exc:
                raise BadSignature(
                    f"cosignature by witness {self.name} does not verify over the checkpoint"
                ) from exc
        return stamp


def add_cosignatures(note: str, lines: str, verifiers: Iterable[CosignatureVerifier]) -> str:
    """``note`` with the signature ``lines`` a witness returned appended, keeping only lines by
    the given witnesses whose cosignature verifies (unknown ones are ignored, as the spec asks)."""
    keep: list[str] = []
    text = parse_note(note).text
    known = {(v.name, v.key_id): v for v in verifiers}
    for line in lines.splitlines():
        if not line.startswith(SIG_DASH + " "):
            raise VerificationError(f"witness response line is not a signature line: {line!r}")
        probe = parse_note(text + "\n" + line + "\n")
        sig = probe.signatures[0]
        verifier = known.get((sig.name, sig.key_hash))
        if verifier is None:
            continue
        verifier.verify(text + "\n" + line + "\n")
        keep.append(line + "\n")
    return note + "".join(line for line in keep if line not in note)


# --- add-checkpoint -----------------------------------------------------------------------------


class WitnessRefusal(VerificationError):
    """Why a witness will not cosign: carries the HTTP status the spec assigns, and a body."""

    code = "witness_refused"

    def __init__(
        self, status: int, message: str, *, body: str | None = None, content_type: str = ""
    ) -> None:
        super().__init__(message, status=status)
        self.status = status
        self.body = body if body is not None else message + "\n"
        self.content_type = content_type or "text/plain; charset=utf-8"


@dataclass(frozen=True)
class AddCheckpoint:
    """An add-checkpoint request: the size the submitter believes the witness holds, the
    consistency proof from it, and the signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    def encode(self) -> bytes:
        lines = [f"old {self.old_size}", *(_b64(h) for h in self.proof)]
        return ("\n".join(lines) + "\n\n" + self.note).encode("utf-8")

    @classmethod
    def parse(cls, body: bytes) -> AddCheckpoint:
        """Parse a request body strictly; WitnessRefusal(400) saying what is wrong."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WitnessRefusal(400, "request body is not UTF-8") from exc
        head, sep, note = text.partition("\n\n")
        if not sep:
            raise WitnessRefusal(400, "request needs an empty line between proof and checkpoint")
        lines = head.split("\n")
        old = lines[0]
        if not old.startswith("old ") or not _DECIMAL.fullmatch(old[4:]):
            raise WitnessRefusal(
                400, f"first line must be 'old <size>' in decimal without leading zeros: {old!r}"
            )
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise WitnessRefusal(400, f"at most {MAX_PROOF_LINES} consistency proof lines")
        proof = []
        for line in lines[1:]:
            try:
                raw = base64.b64decode(line.encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError, ValueError):
                raw = b""
            if len(raw) != HASH_SIZE:
                raise WitnessRefusal(400, f"proof line is not a base64 SHA-256 hash: {line!r}")
            proof.append(raw)
        return cls(int(old[4:]), tuple(proof), note)


@dataclass(frozen=True)
class Held:
    """What a witness holds for one log: the latest checkpoint it cosigned."""

    size: int
    root: bytes
    note: str


def judge(
    request: AddCheckpoint, logs: Mapping[str, Sequence[NoteVerifier]], held: Held | None
) -> Checkpoint:
    """The checkpoint to cosign, or WitnessRefusal with the status c2sp.org/tlog-witness asks for:
    404 unknown origin, 403 no valid signature by a trusted key (or a bad one), 400 old size
    above the checkpoint's, 409 old size not the one held (body: the held size), 422 a proof that
    does not verify, a root other than the held one at the same size, or an empty tree whose
    root is not the empty hash."""
    try:
        parsed = parse_note(request.note)
        checkpoint = Checkpoint.parse(parsed.text)
    except VerificationError as exc:
        raise WitnessRefusal(400, f"not a signed checkpoint: {exc}") from exc
    verifiers = logs.get(checkpoint.origin)
    if not verifiers:
        raise WitnessRefusal(404, f"unknown log origin {checkpoint.origin!r}")
    _check_log_signature(request.note, verifiers)
    if request.old_size > checkpoint.size:
        raise WitnessRefusal(
            400, f"old size {request.old_size} is above the checkpoint size {checkpoint.size}"
        )
    held_size = held.size if held else 0
    if request.old_size != held_size:
        raise WitnessRefusal(
            409,
            f"old size {request.old_size} is not the size this witness holds ({held_size})",
            body=f"{held_size}\n",
            content_type="text/x.tlog.size",
        )
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise WitnessRefusal(422, "a checkpoint of size 0 must carry the empty tree's root")
    if held is None or held_size == 0:
        if request.proof:
            raise WitnessRefusal(422, "from size 0 the consistency proof must be empty")
    elif held_size == checkpoint.size:
        if request.proof or checkpoint.root != held.root:
            raise WitnessRefusal(
                422,
                f"a different root for size {held_size} than the one cosigned: the log forked",
            )
    else:
        try:
            verify_consistency(
                held_size, checkpoint.size, list(request.proof), held.root, checkpoint.root
            )
        except VerificationError as exc:
            raise WitnessRefusal(
                422,
                f"size {checkpoint.size} is not consistent with the cosigned size {held_size}: "
                f"{exc}",
            ) from exc
    return checkpoint


def _check_log_signature(note: str, verifiers: Sequence[NoteVerifier]) -> None:
    verified = False
    for verifier in verifiers:
        try:
            verifier.verify(note)
            verified = True
        except UnknownKey:
            continue
        except VerificationError as exc:
            raise WitnessRefusal(403, f"bad log signature: {exc}") from exc
    if not verified:
        raise WitnessRefusal(403, "no signature by a key this witness trusts for the origin")


# --- policies (c2sp.org/tlog-policy) ------------------------------------------------------------


@dataclass(frozen=True)
class PolicyWitness:
    name: str
    vkey: str
    url: str | None

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.vkey)


@dataclass(frozen=True)
class Policy:
    """Known logs, known witnesses (by policy name), groups, and the quorum."""

    logs: tuple[tuple[str, str | None], ...]
    witnesses: Mapping[str, PolicyWitness]
    groups: Mapping[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    quorum: str = "none"

    def satisfied(self, cosigned: Iterable[str]) -> bool:
        """Do cosignatures by the witnesses named in ``cosigned`` meet the quorum?"""
        have = set(cosigned)
        return self.quorum == "none" or self._met(self.quorum, have)

    def _met(self, name: str, have: set[str]) -> bool:
        if name in self.witnesses:
            return name in have
        k, members = self.groups[name]
        return sum(self._met(m, have) for m in members) >= k

    def __str__(self) -> str:
        return f"quorum {self.quorum}"


def parse_policy(text: str) -> Policy:
    """Parse a tlog-policy file; InvalidRequest naming the line and what is wrong."""
    logs: list[tuple[str, str | None]] = []
    witnesses: dict[str, PolicyWitness] = {}
    groups: dict[str, tuple[int, tuple[str, ...]]] = {}
    quorum: str | None = None
    keys: set[bytes] = set()
    for number, raw in enumerate(text.split("\n"), 1):
        words = raw.replace("\t", " ").split()
        if not words or words[0].startswith("#"):
            continue

        def bad(why: str, line: int = number) -> InvalidRequest:
            return InvalidRequest(f"policy line {line}: {why}", line=line)

        kind = words[0]
        if kind == "log" and len(words) in (2, 3):
            NoteVerifier(words[1])  # a log key must be a checkpoint (0x01) key
            key = words[1].split("+", 2)[-1].encode()
            if key in keys:
                raise bad("duplicate log key")
            keys.add(key)
            logs.append((words[1], words[2] if len(words) == 3 else None))
        elif kind == "witness" and len(words) in (3, 4):
            name = words[1]
            if name in witnesses or name in groups or name == "none":
                raise bad(f"name {name!r} is already defined (or reserved)")
            try:
                CosignatureVerifier(words[2])
            except MalformedKey as exc:
                raise bad(str(exc)) from exc
            key = words[2].split("+", 2)[-1].encode()
            if key in keys:
                raise bad("duplicate witness key")
            keys.add(key)
            witnesses[name] = PolicyWitness(name, words[2], words[3] if len(words) == 4 else None)
        elif kind == "group" and len(words) >= 4:
            name, threshold, members = words[1], words[2], tuple(words[3:])
            if name in witnesses or name in groups or name == "none":
                raise bad(f"name {name!r} is already defined (or reserved)")
            for member in members:
                if member not in witnesses and member not in groups:
                    raise bad(f"group member {member!r} is not defined on an earlier line")
            if len(set(members)) != len(members):
                raise bad("a group lists a member twice")
            if threshold == "all":
                k = len(members)
            elif threshold == "any":
                k = 1
            elif _DECIMAL.fullmatch(threshold) and 1 <= int(threshold) <= len(members):
                k = int(threshold)
            else:
                raise bad(f"group threshold must be all, any or 1..{len(members)}: {threshold!r}")
            groups[name] = (k, members)
        elif kind == "quorum" and len(words) == 2:
            if quorum is not None:
                raise bad("a policy has exactly one quorum line")
            if words[1] != "none" and words[1] not in witnesses and words[1] not in groups:
                raise bad(f"quorum {words[1]!r} is not defined on an earlier line")
            quorum = words[1]
        else:
            raise bad(
                f"expected 'log <vkey> [url]', 'witness <name> <vkey> [url]', "
                f"'group <name> <all|any|k> <name>...' or 'quorum <name>', got {raw.strip()!r}"
            )
    if quorum is None:
        raise InvalidRequest("policy has no quorum line (use 'quorum none' for no witnesses)")
    return Policy(tuple(logs), witnesses, groups, quorum)
