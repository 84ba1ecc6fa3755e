"""The compiled form of a pack: what every consumer of the rules reads.

:func:`compile_pack` turns a validated :class:`~brightline.rules.LayeredPack` into a
:class:`CompiledPack`, once. The in-process evaluator, ``pack check`` / ``pack diff`` and the SQL
emitter all read this form; none of them goes back to the YAML model to find out what a rule
means. The form is plain frozen data (no functions), so it can be printed, compared and translated.

Layout (see also the "Compiled form" section of ``docs/pack-format.md``)::

    CompiledPack                     one layered pack: name, version, digest, timezone, coverage
      .kinds[name] -> CompiledKind   one kind (question)
        .facts      (FactCode, ...)  slot i = the i-th fact in declaration order
        .segments   (Segment, ...)   date segments, in time order, covering the pack's coverage
          .rules    (CompiledRule, ...)   the rules in force, in rule order; rule i = bit 1 << i
          .groups   {group: bitset of rules}
          .classes  per slot: (ValueClass, ...)  values no rule in force tells apart

**Value bits.** Each value of a fact has a bit: ``FactCode.bits[value] == 1 << position`` (position
in ``FactCode.values``; for booleans ``True`` is bit 1, ``False`` bit 2). A case is encoded as two
integers per slot: ``k`` (the value's bit when the fact is known, else 0) and ``p`` (the value's
bit when known, else every bit of the domain, ``FactCode.full``). A fact with a default is always
known (absent means its default).

**Conditions** are trees of :data:`Code`: :class:`CodeCmp` (``slot``, ``mask``: true when the
fact's value is in ``mask``; ``negate`` for *not in*), :class:`CodeKnown` (``slot``, ``known``),
:class:`CodeAll`, :class:`CodeAny` (an empty ``CodeAll`` is true, an empty ``CodeAny`` false) and
:class:`CodeNot`. They are read in Kleene's three-valued logic: a comparison on an unknown fact is
U. With the encoding above, a condition is T when :func:`must` holds and T-or-U when :func:`may`
holds (``must(CodeCmp) = k & mask != 0``, ``may(CodeCmp) = p & mask != 0``; ``not`` swaps must and
may; ``known`` reads ``k != 0`` in both). A rule's condition already includes its pack's
``applies_when`` guard.

**Rules** (:class:`CompiledRule`) carry their effect group (:data:`GROUPS`), cites, text, the code
of their condition and ``overriders``: positions of the rules of the segment that override them.
A rule *applies* (T) when its condition is T and no overrider is T-or-U; it *may apply* (T-or-U)
when its condition may hold and no overrider is T. ``order`` lists positions with every overrider
before the rules it overrides. ``deps`` is the bitset of slots whose value can change whether the
rule applies (its condition's and its overriders'), ``known_deps`` those tested with ``known``
(not monotone: giving such a fact can turn F into T).

**Value classes** (:class:`ValueClass`): per segment and slot, the values that every comparison
of every rule in force treats alike. Questions, flips and the exhaustive check try one value per
class (``bit``, the class's first value) and count the class's size (``values``). A slot no rule
in force reads has no classes (``()``).

**Dates.** A pack's rules change only on a few local days (the ``from``/``until`` of its rules and
the coverage bounds). For each kind these days cut the coverage into segments
``[start, end)``; the rules in force are constant inside one. A moment's *local date* in the pack's
``timezone`` picks the segment (:meth:`CompiledKind.segment_on`). Segments with the same rules in
force share one :class:`Segment` object's content (``key``).

**Outcome ladder** over one segment, with ``M`` the bitset of rules that apply and ``Y`` of those
that may apply (see :func:`outcome` and docs/pack-format.md, "Decision semantics"):
prohibit T → prohibited; prohibit or review T/U → needs_review; permit T → permitted; permit U →
needs_review; not_applicable T → not_applicable; U → needs_review; fallback permit T → permitted;
fallback not_applicable T → not_applicable; any fallback U → needs_review; else the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TypeAlias

from brightline.rules._model import (
    All,
    Any,
    Cmp,
    Condition,
    Fact,
    FactValue,
    Known,
    LayeredPack,
    Not,
    Rule,
)

GROUPS: tuple[str, ...] = (
    "prohibit",
    "review",
    "permit",
    "not_applicable",
    "fallback_permit",
    "fallback_not_applicable",
    "oblige",
    "find",
)
"""Effect groups of rules, as the outcome ladder reads them."""

OUTCOMES: tuple[str, ...] = ("prohibited", "permitted", "needs_review", "not_applicable")
PROHIBITED, PERMITTED, NEEDS_REVIEW, NOT_APPLICABLE = 0, 1, 2, 3


# ----------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class FactCode:
    """One fact of a kind and how its values are encoded (slot ``slot`` of ``k`` and ``p``)."""

    slot: int
    name: str
    type: str  # "bool" or "enum"
    values: tuple[FactValue, ...]
    bits: Mapping[FactValue, int]  # value -> 1 << position
    default: FactValue | None
    question: str
    description: str

    @property
    def full(self) -> int:
        """Every bit of the domain: ``p`` of an unknown fact."""
        return (1 << len(self.values)) - 1

    @property
    def absent_k(self) -> int:
        """``k`` when the case does not give the fact: 0, or the default's bit."""
        return 0 if self.default is None else self.bits[self.default]

    @property
    def absent_p(self) -> int:
        """``p`` when the case does not give the fact: every bit, or the default's bit."""
        return self.full if self.default is None else self.bits[self.default]

    def values_of(self, mask: int) -> tuple[FactValue, ...]:
        """The values whose bits are in ``mask``, in declaration order."""
        return tuple(v for v in self.values if self.bits[v] & mask)


# ----------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class CodeCmp:
    """The fact in ``slot`` has a value in ``mask`` (``negate``: a value not in ``mask``)."""

    slot: int
    mask: int
    negate: bool = False


@dataclass(frozen=True)
class CodeKnown:
    """The fact in ``slot`` is given (``known=False``: is not given)."""

    slot: int
    known: bool = True


@dataclass(frozen=True)
class CodeAll:
    items: tuple[Code, ...]


@dataclass(frozen=True)
class CodeAny:
    items: tuple[Code, ...]


@dataclass(frozen=True)
class CodeNot:
    item: Code


Code: TypeAlias = CodeCmp | CodeKnown | CodeAll | CodeAny | CodeNot


def must(code: Code, k: list[int], p: list[int]) -> bool:
    """Is the condition T for the encoded case (``k``, ``p``)? (Reference reading; the
    evaluator generates equivalent Python.)"""
    if isinstance(code, CodeCmp):
        return bool((p if code.negate else k)[code.slot] & code.mask) != code.negate
    if isinstance(code, CodeKnown):
        return (k[code.slot] != 0) == code.known
    if isinstance(code, CodeNot):
        return not may(code.item, k, p)
    if isinstance(code, CodeAll):
        return all(must(item, k, p) for item in code.items)
    return any(must(item, k, p) for item in code.items)


def may(code: Code, k: list[int], p: list[int]) -> bool:
    """Is the condition T or U for the encoded case?"""
    if isinstance(code, CodeCmp):
        return bool((k if code.negate else p)[code.slot] & code.mask) != code.negate
    if isinstance(code, CodeKnown):
        return (k[code.slot] != 0) == code.known
    if isinstance(code, CodeNot):
        return not must(code.item, k, p)
    if isinstance(code, CodeAll):
        return all(may(item, k, p) for item in code.items)
    return any(may(item, k, p) for item in code.items)


def code_slots(code: Code, known_only: bool = False) -> int:
    """The bitset of slots a condition reads (``known_only``: those it tests with known)."""
    if isinstance(code, CodeCmp):
        return 0 if known_only else 1 << code.slot
    if isinstance(code, CodeKnown):
        return 1 << code.slot
    if isinstance(code, CodeNot):
        return code_slots(code.item, known_only)
    out = 0
    for item in code.items:
        out |= code_slots(item, known_only)
    return out


def code_cmps(code: Code) -> list[CodeCmp]:
    """Every comparison of a condition."""
    if isinstance(code, CodeCmp):
        return [code]
    if isinstance(code, CodeKnown):
        return []
    if isinstance(code, CodeNot):
        return code_cmps(code.item)
    return [c for item in code.items for c in code_cmps(item)]


# ----------------------------------------------------------------------------- rules and segments


@dataclass(frozen=True)
class CompiledRule:
    """One rule as compiled for one segment (``index``: its position there, bit ``1 << index``)."""

    index: int
    id: str  # "pack/local_id"
    pack: str
    effect: str
    fallback: bool
    group: str  # one of GROUPS
    cites: tuple[str, ...]
    text: str
    code: Code  # guard AND when
    overriders: tuple[int, ...]  # positions of the rules that override this one
    deps: int  # slots its applies value depends on (its condition's and its overriders')
    known_deps: int  # the slots among deps tested with `known`
    source: Rule  # the rule as loaded (dates, note, file and line)
    urgent: bool = False  # an oblige rule whose duty comes first (summon EMS, render aid)


@dataclass(frozen=True)
class ValueClass:
    """Values of one fact that no rule of a segment tells apart."""

    bit: int  # the bit of the first value: the representative
    mask: int  # every value's bit
    values: tuple[FactValue, ...]


@dataclass(frozen=True)
class Segment:
    """The rules of one kind in force from ``start`` until ``end`` (exclusive; None: open)."""

    index: int
    start: date
    end: date | None
    rules: tuple[CompiledRule, ...]
    order: tuple[int, ...]  # overriders first
    groups: Mapping[str, int]  # group -> bitset of rule positions
    classes: tuple[tuple[ValueClass, ...], ...]  # per slot
    nonmono: int  # slots some rule tests with `known`
    default: str  # the pack's default outcome
    key: tuple[str, ...]  # the ids of the rules in force: equal keys, equal segments

    @property
    def outcome_rules(self) -> int:
        """Bitset of the rules the outcome reads: the decisive ones and their overriders."""
        keep = 0
        for group in GROUPS[:6]:
            keep |= self.groups[group]
        grow = [i for i in range(len(self.rules)) if keep >> i & 1]
        while grow:
            for j in self.rules[grow.pop()].overriders:
                if not keep >> j & 1:
                    keep |= 1 << j
                    grow.append(j)
        return keep


def outcome(segment: Segment, applies: int, may_apply: int) -> int:
    """The outcome code (index into :data:`OUTCOMES`) from the bitsets of rules that apply (T)
    and may apply (T or U): step 4 of the decision semantics."""
    g = segment.groups
    if applies & g["prohibit"]:
        return PROHIBITED
    if may_apply & (g["prohibit"] | g["review"]):
        return NEEDS_REVIEW
    if applies & g["permit"]:
        return PERMITTED
    if may_apply & g["permit"]:
        return NEEDS_REVIEW
    if applies & g["not_applicable"]:
        return NOT_APPLICABLE
    if may_apply & g["not_applicable"]:
        return NEEDS_REVIEW
    if applies & g["fallback_permit"]:
        return PERMITTED
    if applies & g["fallback_not_applicable"]:
        return NOT_APPLICABLE
    if may_apply & (g["fallback_permit"] | g["fallback_not_applicable"]):
        return NEEDS_REVIEW
    return OUTCOMES.index(segment.default)


@dataclass(frozen=True)
class CompiledKind:
    name: str
    description: str
    facts: tuple[FactCode, ...]
    segments: tuple[Segment, ...]  # in time order; segments[i].start < segments[i + 1].start

    def fact(self, name: str) -> FactCode | None:
        for fact in self.facts:
            if fact.name == name:
                return fact
        return None

    @property
    def starts(self) -> tuple[date, ...]:
        return tuple(s.start for s in self.segments)

    def segment_on(self, day: date) -> Segment | None:
        """The segment in force on the local date ``day``; None outside the coverage."""
        found = None
        for segment in self.segments:
            if segment.start <= day:
                found = segment
        if found is None or (found.end is not None and day >= found.end):
            return None
        return found


@dataclass(frozen=True)
class CompiledPack:
    name: str
    version: str
    digest: str  # "sha256:<hex>" of the pack's source files, layers and law.yaml included
    timezone: str
    covers_from: date
    covers_until: date | None
    default_outcome: str
    kinds: Mapping[str, CompiledKind]
    source: LayeredPack


# ----------------------------------------------------------------------------- compiling


def compile_pack(pack: LayeredPack) -> CompiledPack:
    """The compiled form of ``pack`` (pure; the caller keeps it)."""
    return CompiledPack(
        name=pack.name,
        version=pack.version,
        digest=pack.top.digest,
        timezone=pack.timezone,
        covers_from=pack.top.covers_from,
        covers_until=pack.top.covers_until,
        default_outcome=pack.default_outcome,
        kinds=MappingProxyType({name: _kind(pack, name) for name in pack.kinds}),
        source=pack,
    )


def _fact_code(slot: int, fact: Fact) -> FactCode:
    return FactCode(
        slot=slot,
        name=fact.name,
        type=fact.type,
        values=fact.values,
        bits=MappingProxyType({v: 1 << j for j, v in enumerate(fact.values)}),
        default=fact.default,
        question=fact.question,
        description=fact.description,
    )


def _kind(pack: LayeredPack, name: str) -> CompiledKind:
    kind = pack.kinds[name]
    facts = tuple(_fact_code(i, f) for i, f in enumerate(kind.facts))
    lo, hi = pack.top.covers_from, pack.top.covers_until
    days = [d for d in pack.boundaries(name) if lo <= d and (hi is None or d < hi)]
    rules = pack.rules_for(name)
    segments = []
    for i, start in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else hi
        in_force = tuple(r for r in rules if r.in_force(start))
        segments.append(_segment(i, start, end, in_force, facts, pack.default_outcome))
    return CompiledKind(name, kind.description, facts, tuple(segments))


def encode_condition(cond: Condition, facts: tuple[FactCode, ...]) -> Code:
    """The code of a model condition over the slots of ``facts``."""
    index = {f.name: f for f in facts}
    if isinstance(cond, Cmp):
        fact = index[cond.fact]
        mask = 0
        for value in cond.values:
            mask |= fact.bits[value]
        return CodeCmp(fact.slot, mask, cond.negate)
    if isinstance(cond, Known):
        return CodeKnown(index[cond.fact].slot, cond.known)
    if isinstance(cond, Not):
        return CodeNot(encode_condition(cond.item, facts))
    items = tuple(encode_condition(c, facts) for c in cond.items)
    if isinstance(cond, All):
        return CodeAll(items)
    assert isinstance(cond, Any)
    return CodeAny(items)


def _group(rule: Rule) -> str:
    return f"fallback_{rule.effect}" if rule.fallback else rule.effect


def _segment(
    index: int,
    start: date,
    end: date | None,
    rules: tuple[Rule, ...],
    facts: tuple[FactCode, ...],
    default: str,
) -> Segment:
    position = {r.id: i for i, r in enumerate(rules)}
    overriders: list[list[int]] = [[] for _ in rules]
    for j, rule in enumerate(rules):
        for target in rule.overrides:
            if target in position:
                overriders[position[target]].append(j)
    order = _topological(overriders)
    codes = [encode_condition(r.condition, facts) for r in rules]
    deps = [0] * len(rules)
    kdeps = [0] * len(rules)
    for i in order:
        deps[i] = code_slots(codes[i])
        kdeps[i] = code_slots(codes[i], known_only=True)
        for j in overriders[i]:
            deps[i] |= deps[j]
            kdeps[i] |= kdeps[j]
    compiled = tuple(
        CompiledRule(
            index=i,
            id=r.id,
            pack=r.pack,
            effect=r.effect,
            fallback=r.fallback,
            group=_group(r),
            cites=r.cites,
            text=r.text,
            code=codes[i],
            overriders=tuple(overriders[i]),
            deps=deps[i],
            known_deps=kdeps[i],
            source=r,
            urgent=r.urgent,
        )
        for i, r in enumerate(rules)
    )
    groups = dict.fromkeys(GROUPS, 0)
    for compiled_rule in compiled:
        groups[compiled_rule.group] |= 1 << compiled_rule.index
    nonmono = 0
    for code in codes:
        nonmono |= code_slots(code, known_only=True)
    return Segment(
        index=index,
        start=start,
        end=end,
        rules=compiled,
        order=tuple(order),
        groups=MappingProxyType(groups),
        classes=value_classes(facts, codes),
        nonmono=nonmono,
        default=default,
        key=tuple(r.id for r in rules),
    )


def _topological(overriders: list[list[int]]) -> list[int]:
    """Positions ordered so that every overrider comes before the rules it overrides."""
    order: list[int] = []
    done: set[int] = set()

    def visit(i: int) -> None:
        if i in done:
            return
        done.add(i)
        for j in overriders[i]:
            visit(j)
        order.append(i)

    for i in range(len(overriders)):
        visit(i)
    return order


def value_classes(
    facts: tuple[FactCode, ...], codes: list[Code]
) -> tuple[tuple[ValueClass, ...], ...]:
    """Per slot, the classes of values that every comparison in ``codes`` treats alike; ``()``
    for a slot no code reads."""
    masks: dict[int, set[int]] = {}
    for code in codes:
        read = code_slots(code)
        for slot in range(len(facts)):
            if read >> slot & 1:
                masks.setdefault(slot, set())
        for cmp in code_cmps(code):
            masks[cmp.slot].add(cmp.mask)
    out: list[tuple[ValueClass, ...]] = []
    for fact in facts:
        if fact.slot not in masks:
            out.append(())
            continue
        tests = sorted(masks[fact.slot])
        groups: dict[tuple[bool, ...], list[FactValue]] = {}
        for value in fact.values:
            bit = fact.bits[value]
            groups.setdefault(tuple(bool(m & bit) for m in tests), []).append(value)
        out.append(
            tuple(
                ValueClass(fact.bits[vs[0]], sum(fact.bits[v] for v in vs), tuple(vs))
                for vs in groups.values()
            )
        )
    return tuple(out)
