"""The rules engine: packs as data, compiled once, deciding cases.

Public API (everything else in this package is private)::

    decide(case, *, flips=True) -> dict             # cases.md shapes; raises InvalidCase
    Decider(packs_dir).decide(case, *, flips=True)  # with the packs of a given folder
    decide_with(pack, case, *, flips=True) -> dict  # with a given LayeredPack object
    load_pack(name, packs_dir=None) -> LayeredPack  # validated, cached; raises PackError
    compile_pack(pack) -> CompiledPack              # the compiled form every consumer reads
    available_packs(), pack_catalog(name), rules_in_force(name, day), law_keys(), law_book()
    default_packs_dir(), use_packs_dir(folder), reset()
    check_pack(pack), diff_pack(pack, day1, day2)   # the exhaustive analyses
    load_scenarios(pack), all_scenarios(), run_all(scenarios), run_scenario(s, decider),
    unexercised(pack, results)                      # scenario files

The pack format, the compiled form and the exact decision semantics are in
``docs/pack-format.md``.
"""

from brightline.rules._analysis import check_pack, diff_pack
from brightline.rules._catalog import pack_catalog, rules_in_force
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
from brightline.rules._engine import Decider, decide, decide_with, reset
from brightline.rules._model import Fact, Kind, LawKey, LayeredPack, Pack, Rule
from brightline.rules._registry import (
    available_packs,
    default_packs_dir,
    law_book,
    law_keys,
    load_pack,
    use_packs_dir,
)
from brightline.rules._scenarios import (
    Result,
    Scenario,
    all_scenarios,
    load_scenarios,
    run_all,
    run_scenario,
    unexercised,
)

ENGINE = "python"
"""Which evaluator decides: always the generated-Python kernel (there is no native one)."""

__all__ = [
    "ENGINE",
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
    "Fact",
    "FactCode",
    "Kind",
    "LawKey",
    "LayeredPack",
    "Pack",
    "Result",
    "Rule",
    "Scenario",
    "Segment",
    "ValueClass",
    "all_scenarios",
    "available_packs",
    "check_pack",
    "compile_pack",
    "decide",
    "decide_with",
    "default_packs_dir",
    "diff_pack",
    "law_book",
    "law_keys",
    "load_pack",
    "load_scenarios",
    "may",
    "must",
    "outcome",
    "pack_catalog",
    "reset",
    "rules_in_force",
    "run_all",
    "run_scenario",
    "unexercised",
    "use_packs_dir",
]
