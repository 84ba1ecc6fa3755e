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
    compile_pack(pack) -> CompiledPack              # the compiled form every consumer reads

The pack format and the exact decision semantics are in ``docs/pack-format.md``.
"""

from brightline.rules._compiled import (
    GROUPS,
    OUTCOMES,
    Code,
    CodeAll,
    CodeAny,
    CodeCmp,
    CodeKnown,
    CodeNot,
    CompiledKind,
    CompiledPack,
    CompiledRule,
    FactCode,
    Segment,
    ValueClass,
    compile_pack,
    may,
    must,
    outcome,
)
from brightline.rules.catalog import pack_catalog, rules_in_force
from brightline.rules.engine import Decider, decide, decide_with, reset
from brightline.rules.model import LayeredPack
from brightline.rules.registry import available_packs, law_keys, load_pack

__all__ = [
    "GROUPS",
    "OUTCOMES",
    "Code",
    "CodeAll",
    "CodeAny",
    "CodeCmp",
    "CodeKnown",
    "CodeNot",
    "CompiledKind",
    "CompiledPack",
    "CompiledRule",
    "Decider",
    "FactCode",
    "LayeredPack",
    "Segment",
    "ValueClass",
    "available_packs",
    "compile_pack",
    "decide",
    "decide_with",
    "law_keys",
    "load_pack",
    "may",
    "must",
    "outcome",
    "pack_catalog",
    "reset",
    "rules_in_force",
]
