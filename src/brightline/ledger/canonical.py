"""Canonical ledger records: the canonical JSON of :mod:`brightline.ledger.records`, written by
orjson when that gives the same bytes (the append hot path), else by ``canonical_json`` itself.

orjson writes sorted, compact UTF-8 JSON about ten times faster than the json module and refuses
what canonical_json refuses (keys that are not strings, lone surrogates, integers beyond 64 bits)
- except that it writes floats its own way ("1e-7", "0.00001", "1.0") and NaN and the infinities
as null. So a record holding a float, or one orjson refuses, takes the exact path (no ledger
record the service writes holds a float). tests/test_ledger_store.py checks the two agree byte
for byte, refusals included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from brightline.errors import InvalidRequest
from brightline.ledger.records import canonical_json

_ORJSON_SORTED: int = getattr(orjson, "OPT_SORT_KEYS", 0)
_CONTAINERS = (dict, list, tuple)


def _holds_float(record: dict[str, Any]) -> bool:
    """Is any value inside the record (at any depth) a float?"""
    stack: list[Any] = [record]
    while stack:
        item = stack.pop()
        for value in item.values() if isinstance(item, dict) else item:
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                continue
            if kind is dict or kind is list or kind is tuple:
                stack.append(value)
            elif isinstance(value, float):
                return True
            elif isinstance(value, _CONTAINERS):  # a subclass: orjson may write it as its base
                stack.append(value)
    return False


def canonical_record(record: Mapping[str, Any]) -> tuple[str, bytes]:
    """The canonical JSON of a ledger record (a JSON object), as text and as UTF-8 bytes."""
    if type(record) is not dict:
        if not isinstance(record, Mapping):
            raise InvalidRequest(
                f"a ledger record must be a JSON object, got {type(record).__name__}",
                field="record",
            )
        record = dict(record)
    try:
        raw: bytes = orjson.dumps(record, option=_ORJSON_SORTED)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return _exact(record)  # a key that is not a string, a big integer, a surrogate...
    if _holds_float(record):
        return _exact(record)
    return raw.decode("utf-8"), raw


def _exact(record: Mapping[str, Any]) -> tuple[str, bytes]:
    """canonical_json itself: every value checked, every refusal named."""
    try:
        raw = canonical_json(dict(record))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidRequest(f"ledger record is not canonical JSON: {exc}", field="record") from exc
    return raw.decode("utf-8"), raw


def encode_record(record: Mapping[str, Any]) -> bytes:
    """The canonical JSON bytes of a ledger record (a JSON object)."""
    return canonical_record(record)[1]
