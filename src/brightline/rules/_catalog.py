"""JSON-ready views of a pack: its catalog (for building forms) and its rules in force on a day."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from brightline.rules._registry import load_pack


def pack_catalog(name: str, packs_dir: Path | str | None = None) -> dict[str, Any]:
    """jurisdiction, version, title, covers, timezone, layers, and per kind its facts in order."""
    pack = load_pack(name, packs_dir)
    top = pack.top
    return {
        "jurisdiction": pack.name,
        "version": pack.version,
        "title": top.title,
        "covers": {
            "from": top.covers_from.isoformat(),
            "until": top.covers_until.isoformat() if top.covers_until else None,
        },
        "timezone": pack.timezone,
        "layers": [layer.name for layer in pack.layers],
        "default_outcome": pack.default_outcome,
        "kinds": {
            kind.name: {
                "description": kind.description,
                "facts": [fact.to_dict() for fact in kind.facts],
            }
            for kind in pack.kinds.values()
        },
    }


def rules_in_force(
    name: str, at: date, packs_dir: Path | str | None = None, *, kind: str | None = None
) -> list[dict[str, Any]]:
    """Every rule of the layered pack in force on the local day ``at`` (optionally one kind)."""
    pack = load_pack(name, packs_dir)
    return [
        rule.to_dict()
        for rule in pack.rules
        if rule.in_force(at) and (kind is None or rule.kind == kind)
    ]
