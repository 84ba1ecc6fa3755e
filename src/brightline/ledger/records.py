"""What a ledger entry commits to: canonical record bytes, a salted commitment, the leaf data.

An entry is ``(kind, record, salt)``. The Merkle leaf never sees the record itself: it hashes
:func:`leaf_data` of the kind and a :func:`commitment` to the record's canonical bytes under a
random salt. Publishing a leaf therefore reveals nothing about the record (the salt makes the
commitment hiding, even for records drawn from a small set), and redacting an entry (deleting
its record and salt, keeping the commitment) leaves every root and proof exactly as it was.

Canonical JSON: object keys sorted by code point, no insignificant whitespace, UTF-8 with no
escaping beyond what JSON requires, integers as integers, a float with an integral value below
2**53 written as that integer (so ``1.0`` and ``1`` are the same record), other floats in
Python's shortest round-trip form. NaN, infinities, non-string keys and non-JSON types are
rejected. The form is stable under a parse-and-reserialize round trip.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from brightline.errors import InvalidRequest
from brightline.ledger.merkle import LEAF_PREFIX

SALT_SIZE = 32
MIN_SALT_SIZE = 16
KIND_PATTERN = re.compile(r"[a-z][a-z0-9._:-]{0,63}")

_COMMIT_DOMAIN = b"brightline/record-commitment/v1\x00"
_LEAF_DOMAIN = b"brightline/ledger-leaf/v1\x00"
_EXACT_FLOAT_LIMIT = 2**53
_sha256 = hashlib.sha256


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of ``obj`` (see the module notes for the exact form)."""
    parts: list[str] = []
    _encode(obj, "$", parts)
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequest(
            "record contains a lone surrogate, which is not valid Unicode text",
            position=exc.start,
        ) from exc


def _encode(obj: Any, path: str, out: list[str]) -> None:
    if obj is None or isinstance(obj, bool):
        out.append({None: "null", True: "true", False: "false"}[obj])
    elif isinstance(obj, int):
        out.append(str(int(obj)))
    elif isinstance(obj, float):
        out.append(_encode_float(obj, path))
    elif isinstance(obj, str):
        out.append(json.dumps(obj, ensure_ascii=False))
    elif isinstance(obj, Mapping):
        _encode_object(obj, path, out)
    elif isinstance(obj, list | tuple):
        out.append("[")
        for i, item in enumerate(obj):
            if i:
                out.append(",")
            _encode(item, f"{path}[{i}]", out)
        out.append("]")
    else:
        raise InvalidRequest(
            f"{path}: {type(obj).__name__} cannot be written as JSON; allowed: "
            "object, array, string, integer, finite number, true, false, null",
            path=path,
            got=type(obj).__name__,
        )


def _encode_float(value: float, path: str) -> str:
    if not math.isfinite(value):
        raise InvalidRequest(
            f"{path}: {value!r} is not allowed in a record; allowed: finite numbers",
            path=path,
            got=repr(value),
        )
    if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
        return str(int(value))
    return repr(value)


def _encode_object(obj: Mapping[Any, Any], path: str, out: list[str]) -> None:
    for key in obj:
        if not isinstance(key, str):
            raise InvalidRequest(
                f"{path}: object key {key!r} is a {type(key).__name__}; allowed: strings",
                path=path,
                got=repr(key),
            )
    out.append("{")
    for i, key in enumerate(sorted(obj)):
        if i:
            out.append(",")
        out.append(json.dumps(key, ensure_ascii=False))
        out.append(":")
        _encode(obj[key], f"{path}.{key}", out)
    out.append("}")


def new_salt() -> bytes:
    """A fresh random salt of SALT_SIZE bytes."""
    return secrets.token_bytes(SALT_SIZE)


def commitment(record_bytes: bytes, salt: bytes) -> bytes:
    """SHA-256 over a domain tag, then salt and record, each prefixed by its 8-byte length."""
    if len(salt) < MIN_SALT_SIZE:
        raise InvalidRequest(
            f"salt must be at least {MIN_SALT_SIZE} bytes, got {len(salt)}",
            expected=MIN_SALT_SIZE,
            got=len(salt),
        )
    return _sha256(
        b"".join(
            (_COMMIT_DOMAIN, _length(len(salt)), salt, _length(len(record_bytes)), record_bytes)
        )
    ).digest()


def _length(n: int) -> bytes:
    return n.to_bytes(8, "big")


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a valid entry kind, else raise InvalidRequest saying why."""
    if not isinstance(kind, str) or not KIND_PATTERN.fullmatch(kind):
        raise InvalidRequest(
            f"entry kind {kind!r} is not allowed; allowed: 1-64 characters of a-z 0-9 . _ : - "
            "starting with a letter",
            got=repr(kind),
        )
    return kind


def leaf_data(kind: str, commitment: bytes) -> bytes:
    """The bytes the Merkle leaf hashes: a domain tag, the length-prefixed kind, the commitment."""
    check_kind(kind)
    if len(commitment) != hashlib.sha256().digest_size:
        raise InvalidRequest(
            f"commitment must be 32 bytes, got {len(commitment)}",
            expected=32,
            got=len(commitment),
        )
    encoded = kind.encode("ascii")
    return _LEAF_DOMAIN + bytes([len(encoded)]) + encoded + commitment


def entry_leaf_hash(kind: str, commitment: bytes) -> bytes:
    """The entry's Merkle leaf hash, ``leaf_hash(leaf_data(kind, commitment))``, in one SHA-256
    call over a per-kind prefix that is checked and built once."""
    if len(commitment) != 32:
        leaf_data(kind, commitment)  # raises, saying why
    return _sha256(_leaf_head(kind) + commitment).digest()


def seal_entries(
    entries: Sequence[tuple[str, bytes]], salts: bytes
) -> list[tuple[bytes, bytes, bytes]]:
    """``(salt, commitment, leaf hash)`` of each ``(kind, record bytes)`` of a batch, the salts
    being equal consecutive slices of ``salts``: what :func:`commitment` and
    :func:`entry_leaf_hash` give entry by entry, in one pass (the append hot path)."""
    if not entries:
        return []
    size, extra = divmod(len(salts), len(entries))
    if extra or size < MIN_SALT_SIZE:
        raise InvalidRequest(
            f"{len(salts)} salt bytes do not split into {len(entries)} salts of at least "
            f"{MIN_SALT_SIZE} bytes",
            entries=len(entries),
            got=len(salts),
        )
    head, sha256, join, length = _COMMIT_DOMAIN + _length(size), _sha256, b"".join, _length
    heads = _LEAF_HEADS
    sealed: list[tuple[bytes, bytes, bytes]] = []
    at = 0
    for kind, record in entries:
        salt = salts[at : at + size]
        at += size
        commit = sha256(join((head, salt, length(len(record)), record))).digest()
        lead = heads.get(kind) if type(kind) is str else None
        sealed.append((salt, commit, sha256((lead or _leaf_head(kind)) + commit).digest()))
    return sealed


def _leaf_head(kind: str) -> bytes:
    """What precedes the commitment in the input of an entry's leaf hash (checks ``kind``)."""
    head = _LEAF_HEADS.get(kind) if type(kind) is str else None
    if head is None:
        head = LEAF_PREFIX + leaf_data(kind, bytes(32))[:-32]
        if len(_LEAF_HEADS) < 1024:
            _LEAF_HEADS[kind] = head
    return head


_LEAF_HEADS: dict[str, bytes] = {}


def record_leaf_data(kind: str, record: Any, salt: bytes) -> bytes:
    """Shortcut: the leaf data of ``record`` (any JSON value) under ``salt``."""
    return leaf_data(kind, commitment(canonical_json(record), salt))
