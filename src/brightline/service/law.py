"""The law through the service: what the pages and the command line ask of the rules engine
(packs, catalogs, rules in force, clause texts, decisions without logging, scenario runs and the
pack analysis). The web and the CLI import the engine only from here, so the service stays the
one front door (``tests/test_import_graph.py`` keeps it so); the engine itself stays pure.

Decisions that are logged go through :meth:`brightline.service.Service.decide`.
"""

from __future__ import annotations

from pathlib import Path

from brightline.rules import (
    ENGINE,
    Decider,
    available_packs,
    check_pack,
    decide,
    default_packs_dir,
    diff_pack,
    law_keys,
    load_pack,
    load_scenarios,
    pack_catalog,
    rules_in_force,
    run_all,
    unexercised,
    use_packs_dir,
)

__all__ = [
    "ENGINE",
    "Decider",
    "available_packs",
    "check_pack",
    "decide",
    "default_packs_dir",
    "diff_pack",
    "law_keys",
    "load_pack",
    "load_scenarios",
    "pack_catalog",
    "pack_names",
    "packs_dir",
    "rules_in_force",
    "run_all",
    "unexercised",
    "use_packs_dir",
]


def pack_names() -> list[str]:
    return list(available_packs())


def packs_dir() -> Path:
    """The packs folder in force (BRIGHTLINE_PACKS_DIR or the shipped packs)."""
    return Path(default_packs_dir())
