"""The C evaluator (``brightline.rules._native``) and the layout it is built from.

The C module decides a plainly valid case of one date segment start to finish (encoding, the
three-valued evaluation, the ladder, reasons, obligations, findings, questions and flips) and
returns the decision dict; anything else (a bad fact, a bad value, a facts object that is not a
dict) it hands back as ``None`` to the Python engine, which decides or raises the ``InvalidCase``
naming the fault. Both follow docs/pack-format.md; tests compare them on random cases and packs.

``BRIGHTLINE_NATIVE=0`` turns the C evaluator off (the generated Python evaluators then answer
alone). When the module was not built (``BRIGHTLINE_NO_NATIVE=1`` at install), the same happens.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from brightline.rules import codegen
from brightline.rules.model import All, Cmp, Condition, Known, Not, Rule

if TYPE_CHECKING:
    from brightline.rules.compiler import SegmentProgram

try:
    from brightline.rules import _native
except ImportError:  # not built: the Python evaluators answer alone
    _native = None  # type: ignore[assignment]

# jurisdiction -> kind -> (Programs by date string, the instants where segments start in whole
# seconds since the epoch, Programs by segment index inside the coverage)
NativeTable = dict[str, dict[str, tuple[dict[str, Any], tuple[int, ...], dict[int, Any]]]]

# Prefix-code operations and effect groups, as _native.c numbers them.
OP_CONST, OP_CMP, OP_KNOWN, OP_NOT, OP_ALL, OP_ANY = range(6)
GROUPS = {
    ("prohibit", False): 0,
    ("review", False): 1,
    ("permit", False): 2,
    ("not_applicable", False): 3,
    ("permit", True): 4,
    ("not_applicable", True): 5,
    ("oblige", False): 6,
    ("find", False): 7,
}


def available() -> bool:
    """Is the C evaluator built and switched on?"""
    return _native is not None and os.environ.get("BRIGHTLINE_NATIVE", "1") != "0"


def _emit(
    cond: Condition, layout: codegen.Layout, classes: Sequence[Sequence[int]], out: list[int]
) -> None:
    """Append the prefix code of ``cond``; an all/any records the absolute end of its items, a
    comparison the classes of its slot (by their representative bits) inside its value set."""
    if isinstance(cond, Cmp):
        slot, mask = layout.index[cond.fact], layout.mask(cond)
        inside = sum(1 << j for j, bit in enumerate(classes[slot]) if bit & mask)
        out += [OP_CMP, slot, mask, int(cond.negate), inside]
    elif isinstance(cond, Known):
        out += [OP_KNOWN, layout.index[cond.fact], int(cond.known)]
    elif isinstance(cond, Not):
        out.append(OP_NOT)
        _emit(cond.item, layout, classes, out)
    else:
        out += [OP_ALL if isinstance(cond, All) else OP_ANY, len(cond.items), 0]
        end_at = len(out) - 1
        for item in cond.items:
            _emit(item, layout, classes, out)
        out[end_at] = len(out)


FT_MAY, FT_NOT_MUST, FT_MUST = range(3)


def _conjunct_leaves(cond: Condition, negate: bool = False) -> Iterator[tuple[Cmp | Known, bool]]:
    """The comparisons among the top-level conjuncts of ``cond``, each with whether it sits
    under an odd number of ``not``: when one of them is F, so is the condition."""
    if isinstance(cond, All) and not negate:
        for item in cond.items:
            yield from _conjunct_leaves(item)
    elif isinstance(cond, Not):
        yield from _conjunct_leaves(cond.item, not negate)
    elif isinstance(cond, Cmp | Known):
        yield cond, negate


def _filter(cond: Condition, layout: codegen.Layout) -> tuple[list[int], int]:
    """(slot, mask, test) triples that fail only when the condition is F (a rule whose filter
    fails is F without evaluating its code), and the slots of the comparisons among them (while
    one of those is unknown the condition cannot be T)."""
    tests: list[int] = []
    slots = 0
    for leaf, negate in _conjunct_leaves(cond):
        slot = layout.index[leaf.fact]
        if isinstance(leaf, Cmp):
            positive = leaf.negate == negate  # T or U needs p & mask; else no bit of k in mask
            tests += [slot, layout.mask(leaf), FT_MAY if positive else FT_NOT_MUST]
            slots |= 1 << slot
        else:
            full = sum(layout.bits[slot].values())
            tests += [slot, full, FT_MUST if leaf.known != negate else FT_NOT_MUST]
    return tests, slots


def _group(rule: Rule) -> int:
    return GROUPS[rule.effect, rule.fallback and rule.effect in ("permit", "not_applicable")]


def spec(segment: SegmentProgram) -> tuple[Any, ...]:
    """The arguments of ``_native.Program`` for one segment (see _native.c, Program_new)."""
    kind = segment.kind
    layout = kind.layout
    rules: Sequence[Rule] = segment.rules
    builder = codegen.ProgramBuilder(rules, layout, {})
    deps = builder._deps()
    kdeps = builder._deps(known_only=True)
    outcome_rel = builder._needed_for_outcome()
    prohibit_rel = builder.with_overriders(
        {i for i, r in enumerate(rules) if r.effect == "prohibit"}
    )
    code: list[int] = []
    rule_specs = []
    classes = [[bit for bit, _, _ in of_slot] for of_slot in segment.classes]
    for i, rule in enumerate(rules):
        start = len(code)
        _emit(rule.condition, layout, classes, code)
        tests, conjunct_slots = _filter(rule.condition, layout)
        rule_specs.append(
            (
                tuple(code[start:]),
                _group(rule),
                tuple(builder.overriders[i]),
                deps[i],
                i in outcome_rel,
                (tuple(rule.cites), {"rule": rule.id, "cites": None, "text": rule.text}),
                tuple(tests),
                kdeps[i],
                i in prohibit_rel,
                conjunct_slots,
            )
        )
    fact_specs = []
    for slot, fact in enumerate(kind.facts):
        bits = layout.bits[slot]
        is_bool = fact.type == "bool"
        q = kind.questions[slot]
        fact_specs.append(
            (
                None if is_bool else dict(bits),
                bits.get(True, 0) if is_bool else 0,
                bits.get(False, 0) if is_bool else 0,
                kind.base_k[slot],
                kind.base_p[slot],
                tuple(fact.values),
                (q["fact"], q["text"], tuple(q["options"])),
                tuple((bit, mask) for bit, mask, _ in segment.classes[slot]),
            )
        )
    pack = kind.pack
    return (
        (pack.name, pack.version, kind.name),
        codegen.OUTCOME_NAMES,
        dict(layout.index),
        tuple(fact_specs),
        tuple(rule_specs),
        tuple(codegen.topological(rules)),
        segment.default,
        segment.nonmono,
    )


def program(segment: SegmentProgram) -> _native.Program | None:
    """The C evaluator of a segment, or None when it is off or the segment is beyond its limits
    (more than MAX_SLOTS facts, MAX_RULES rules or 63 values of one fact)."""
    if not available():
        return None
    if len(segment.kind.facts) > _native.MAX_SLOTS or len(segment.rules) > _native.MAX_RULES:
        return None
    try:
        return _native.Program(*spec(segment))
    except ValueError:
        return None


def fast_path() -> Callable[[dict[str, Any], dict[str, Any], bool], dict[str, Any] | None] | None:
    """``decide(table, case, flips)`` of the C module (see _native.c), or None when not built."""
    return None if _native is None else _native.decide
