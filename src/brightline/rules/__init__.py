"""The rules engine: packs as data, compiled into fast evaluators, deciding cases.

Public API::

    decide(case, *, flips=True) -> dict           # cases.md shapes; raises InvalidCase
    load_pack(name, packs_dir=None) -> LayeredPack  # validated, cached; raises PackError
    available_packs() -> list[str]
    pack_catalog(name) -> dict                      # facts and questions, for building forms
    rules_in_force(name, at: date) -> list[dict]
    law_keys() -> dict[str, dict]                   # citation key -> text, instrument, dates, scope
    decide_with(pack, case, *, flips=True) -> dict  # with a given LayeredPack object
    Decider(packs_dir).decide(case, *, flips=True)  # with the packs of another folder
    reset()                                         # forget loaded packs (env or files changed)

The pack format and the exact decision semantics are in ``docs/pack-format.md``.
"""

from brightline.rules.catalog import pack_catalog, rules_in_force
from brightline.rules.engine import Decider, decide, decide_with, reset
from brightline.rules.model import LayeredPack
from brightline.rules.registry import available_packs, law_keys, load_pack

__all__ = [
    "Decider",
    "LayeredPack",
    "available_packs",
    "decide",
    "decide_with",
    "law_keys",
    "load_pack",
    "pack_catalog",
    "reset",
    "rules_in_force",
]
