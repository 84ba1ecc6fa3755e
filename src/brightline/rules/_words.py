"""Values and types as JSON writes them, for messages: ``null``, ``true``, ``"text"``."""

from __future__ import annotations

import json
from collections.abc import Mapping


def json_value(value: object) -> str:
    """A value as JSON would write it: null, true, "text", 3."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def json_type(value: object) -> str:
    """What JSON calls the type of ``value``: null, a boolean, a number, a string, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
