"""``law.yaml``: every citation key with its clause text, instrument, dates and scope."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from brightline.rules._model import LawKey
from brightline.rules._yamlsource import display_path, parse_day, read_source, validate


def load_law(path: Path, packs_dir: Path) -> tuple[MappingProxyType[str, LawKey], str]:
    """The keys of one law.yaml and the SHA-256 of its text (read afresh: callers cache)."""
    source = read_source(path, display_path(path, packs_dir))
    validate(source, "pack.schema.json", "#/$defs/law")
    keys: dict[str, LawKey] = {}
    entries: dict[str, Any] = source.data["keys"]
    for key, node in entries.items():
        where = ("keys", key)
        keys[key] = LawKey(
            key=key,
            text=" ".join(str(node["text"]).split()),
            instrument=str(node.get("instrument", "")),
            valid_from=parse_day(source, node["from"], (*where, "from")) if "from" in node else None,
            valid_until=(
                parse_day(source, node["until"], (*where, "until")) if "until" in node else None
            ),
            scope=str(node["scope"]),
            note=" ".join(str(node.get("note", "")).split()),
        )
    return MappingProxyType(keys), source.sha256
