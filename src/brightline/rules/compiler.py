"""Compiling a layered pack once into programs: per kind the fact encoding, per date segment the
rules in force as generated evaluators (see :mod:`brightline.rules.codegen`).

- :class:`KindProgram` holds the encoding of a kind's facts (slot, value bits, defaults; a
  generated ``encode`` that reads a facts dict) and its segment programs, compiled on first use
  and shared by segments with the same rules in force; which segment a moment falls in is
  remembered per date string or date (pure date arithmetic, never answers).
- :class:`SegmentProgram` holds one rule set: a chain of specialisation facts (each ruling out
  many rules; the first known one is folded in, the ones before it are known to be unknown),
  evaluators per specialisation code (compiled on first use) that build the reason dicts, and
  for flips and questions the classes of values that no rule tells apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from brightline.rules import codegen, native
from brightline.rules.codegen import EvalResult, Layout, OutcomeFn
from brightline.rules.model import (
    All,
    Any,
    Cmp,
    Condition,
    Fact,
    Kind,
    Known,
    LayeredPack,
    Not,
    Rule,
    condition_facts,
)
from brightline.rules.timeline import Timeline

_AT_CACHE = 20_000
K = TypeVar("K")
V = TypeVar("V")


class Lazy(dict[K, V], Generic[K, V]):
    """A dict that builds a missing value on first lookup."""

    def __init__(self, make: Callable[[K], V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: K) -> V:
        value = self._make(key)
        self[key] = value
        return value


@dataclass(frozen=True)
class FactCodec:
    slot: int
    fact: Fact
    bits: dict[object, int]
    is_bool: bool


class KindProgram:
    def __init__(
        self, pack: LayeredPack, kind: Kind, days: Sequence[object], timeline: Timeline
    ) -> None:
        self.pack = pack
        self.name = kind.name
        self.timeline = timeline
        self._place = timeline.segment
        self.kind = kind
        self.facts = kind.facts
        self.codecs = {
            f.name: FactCodec(i, f, {v: 1 << j for j, v in enumerate(f.values)}, f.type == "bool")
            for i, f in enumerate(kind.facts)
        }
        self.layout = Layout(
            {name: c.slot for name, c in self.codecs.items()},
            [c.bits for c in self.codecs.values()],
        )
        self.full = [(1 << len(f.values)) - 1 for f in kind.facts]
        self.base_k = [
            0 if f.default is None else self.codecs[f.name].bits[f.default] for f in kind.facts
        ]
        self.base_p = [
            full if f.default is None else self.codecs[f.name].bits[f.default]
            for f, full in zip(kind.facts, self.full, strict=True)
        ]
        self.encode = codegen.build_encoder(kind.facts, self.layout)
        self.by_at: dict[object, SegmentProgram] = {}
        self.by_day: dict[int, SegmentProgram] = {}  # a moment's own date (ordinal) -> program
        # the same for the C fast path (native.NativeTable), holding the segments' C programs
        self.native_by_at: dict[str, object] = {}
        self.native_by_index: dict[int, object] = {}
        self.native_stamps = tuple(int(stamp) for stamp in timeline.stamps)
        self.questions = [
            {"fact": f.name, "text": f.question, "options": list(f.values)} for f in kind.facts
        ]
        self._slot_lists: dict[int, tuple[int, ...]] = {}
        self.rules = pack.rules_for(kind.name)
        self._by_rules: dict[tuple[str, ...], SegmentProgram] = {}
        self.segments: Lazy[int, SegmentProgram] = Lazy(lambda i: self._placed(i, days[i]))

    def slots_of(self, mask: int) -> tuple[int, ...]:
        """The slots whose bits are set in ``mask``, in declaration order (memoised)."""
        found = self._slot_lists.get(mask)
        if found is None:
            found = tuple(i for i in range(len(self.facts)) if mask >> i & 1)
            self._slot_lists[mask] = found
        return found

    def segment_at(self, at: object) -> SegmentProgram:
        """The program for the moment ``at`` (InvalidCase when ``at`` is bad or not covered)."""
        if at.__class__ is str and len(at) > 10:
            try:
                moment: datetime | None = datetime.fromisoformat(at)
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                found = self.by_day.get(moment.toordinal())
                if found is not None:
                    return found
                return self._segment_of_day(at, moment)
        segment = self.segments[self._place(at)]
        if len(self.by_at) >= _AT_CACHE:
            self.by_at.clear()
            self.native_by_at.clear()
        if isinstance(at, str) and len(at) == 10:  # bare dates recur; moments rarely do
            self.by_at[at] = segment
            if segment.native_program is not None:
                self.native_by_at[at] = segment.native_program
        return segment

    def _segment_of_day(self, at: object, moment: datetime) -> SegmentProgram:
        """The program for a moment (slow path), remembering its day when every moment of that
        date falls in one segment (pure date arithmetic, see :meth:`Timeline.day_segment`)."""
        ordinal = moment.toordinal()
        index = self.timeline.day_segment(ordinal)
        if index is not None:
            if len(self.by_day) >= _AT_CACHE:
                self.by_day.clear()
            segment = self.by_day[ordinal] = self.segments[index]
            return segment
        index = self.timeline.instant_segment(moment)
        return self.segments[index if index is not None else self._place(at)]

    def _placed(self, index: int, day: object) -> SegmentProgram:
        """The program of segment ``index`` (starting on ``day``), offered to the C fast path."""
        segment = self._segment(day)
        if segment.native_program is not None and 0 <= index < self.timeline.end:
            self.native_by_index[index] = segment.native_program
        return segment

    def _segment(self, day: object) -> SegmentProgram:
        in_force = tuple(r for r in self.rules if r.in_force(day))  # type: ignore[arg-type]
        key = tuple(r.id for r in in_force)
        if key not in self._by_rules:
            self._by_rules[key] = SegmentProgram(self, in_force)
        return self._by_rules[key]


def _conjuncts(cond: Condition) -> list[Condition]:
    if isinstance(cond, All):
        out: list[Condition] = []
        for item in cond.items:
            out += _conjuncts(item)
        return out
    return [cond]


def _cmps(cond: Condition) -> list[Cmp]:
    if isinstance(cond, Cmp):
        return [cond]
    if isinstance(cond, Not):
        return _cmps(cond.item)
    if isinstance(cond, All | Any):
        out: list[Cmp] = []
        for item in cond.items:
            out += _cmps(item)
        return out
    return []


def _known_facts(cond: Condition) -> set[str]:
    if isinstance(cond, Known):
        return {cond.fact}
    if isinstance(cond, Not):
        return _known_facts(cond.item)
    if isinstance(cond, All | Any):
        out: set[str] = set()
        for item in cond.items:
            out |= _known_facts(item)
        return out
    return set()


class SegmentProgram:
    def __init__(self, kind: KindProgram, rules: tuple[Rule, ...]) -> None:
        self.kind = kind
        self.rules = rules
        self.default = codegen.OUTCOME_NAMES.index(kind.pack.default_outcome)
        self.parts: list[codegen.Part] = [(r.id, r.cites, r.text) for r in rules]
        # Specialisation code: the bit of the first known fact of the chain ``keys``, shifted by
        # its offset (0 when none is known); a defaulted fact's bit (key2, always known) shifted by
        # ``shift`` above them all.
        self.keys = self._choose_keys()
        self.key = self.keys[0] if self.keys else -1
        self.key2 = self._choose_key2()
        self.offsets: list[int] = []
        offset = 0
        for slot in self.keys:
            self.offsets.append(offset)
            offset += len(kind.facts[slot].values)
        self.shift = offset
        self.chain = tuple(zip(self.keys, self.offsets, strict=True))
        self.chain_mask = sum(1 << slot for slot in self.keys)
        self.spec: Callable[[list[int]], int] = codegen.build(  # type: ignore[assignment]
            codegen.spec_source(self.chain, self.key2, self.shift), "spec"
        )
        self.evaluators: Lazy[int, Callable[[list[int], list[int]], EvalResult]] = Lazy(
            self._evaluator
        )
        self.outcomes: Lazy[int, OutcomeFn] = Lazy(self._outcome)
        # per (specialisation code, slot): is some prohibit rule T? Only the rules that depend on
        # the slot: for probing one unknown fact while no prohibit rule is T (questions)
        self.prohibits: Lazy[tuple[int, int], Callable[[list[int], list[int]], bool]] = Lazy(
            self._prohibits
        )
        general = codegen.ProgramBuilder(rules, kind.layout, {})
        self.prohibited: Callable[[list[int], list[int]], bool] = codegen.build(  # type: ignore[assignment]
            general.prohibited_source(), "prohibited"
        )
        self.classes = self._value_classes()
        self.nonmono = self._known_slots()
        self.hints: dict[int, int] = {}  # slot -> the value bit that last settled a question
        # the C evaluator of this rule set, when built: decides plainly valid cases alone
        self.native_program = native.program(self)

    def _fixed(self, spec: int) -> dict[int, int]:
        """The slots a specialisation code fixes (see ``__init__``)."""
        fixed: dict[int, int] = {}
        for slot, offset in self.chain:
            bit = (spec >> offset) & ((1 << len(self.kind.facts[slot].values)) - 1)
            if bit:
                fixed[slot] = bit
        if self.key2 >= 0 and spec >> self.shift:
            fixed[self.key2] = spec >> self.shift
        return fixed

    def _unknown(self, fixed: dict[int, int]) -> frozenset[int]:
        """The chain's slots before the first known one: unknown whenever this code is chosen.
        (Not for ``prohibits``, which probe such a slot.)"""
        out: set[int] = set()
        for slot in self.keys:
            if slot in fixed:
                break
            out.add(slot)
        return frozenset(out)

    def _choose_keys(self, most: int = 4) -> list[int]:
        """The chain of specialisation facts: each the best among those not chosen yet."""
        keys: list[int] = []
        while len(keys) < most:
            # later links help only when the earlier are unknown: a weaker cut still pays
            slot = self._choose_key(exclude=set(keys), keep=0.75 if not keys else 0.9)
            if slot < 0:
                break
            keys.append(slot)
        return keys

    def _choose_key2(self) -> int:
        """A fact with a default (so always known) that the rules read, to fold in as well."""
        best, best_count = -1, 0
        for slot, fact in enumerate(self.kind.facts):
            if fact.default is None or slot in self.keys:
                continue
            count = sum(fact.name in condition_facts(r.condition) for r in self.rules)
            if count > best_count:
                best, best_count = slot, count
        return best

    def _evaluator(self, bit: int) -> Callable[[list[int], list[int]], EvalResult]:
        layout, fixed = self.kind.layout, self._fixed(bit)
        builder = codegen.ProgramBuilder(self.rules, layout, fixed, self._unknown(fixed))
        fn = codegen.build(builder.evaluator_source(self.default), "evaluate", self.parts)
        return fn  # type: ignore[return-value]

    def _prohibits(self, spec_slot: tuple[int, int]) -> Callable[[list[int], list[int]], bool]:
        spec, slot = spec_slot
        builder = codegen.ProgramBuilder(self.rules, self.kind.layout, self._fixed(spec))
        fn = codegen.build(builder.prohibited_source(slot), "prohibited")
        return fn  # type: ignore[return-value]

    def _outcome(self, bit: int) -> OutcomeFn:
        layout, fixed = self.kind.layout, self._fixed(bit)
        builder = codegen.ProgramBuilder(self.rules, layout, fixed, self._unknown(fixed))
        fn = codegen.build(builder.outcome_source(self.default), "outcome")
        return fn  # type: ignore[return-value]

    def _choose_key(self, exclude: set[int], keep: float) -> int:
        """The slot whose known value leaves the fewest rules standing, on average; -1 when none
        leaves fewer than the share ``keep`` of them."""
        layout = self.kind.layout
        best, best_left = -1, keep * len(self.rules)
        for slot, fact in enumerate(self.kind.facts):
            if slot in exclude or fact.default is not None:
                continue
            left = 0
            for value in fact.values:
                bit = layout.bits[slot][value]
                left += sum(1 for r in self.rules if not self._excluded(r, slot, bit))
            average = left / len(fact.values)
            if average < best_left:
                best, best_left = slot, average
        return best

    def _excluded(self, rule: Rule, slot: int, bit: int) -> bool:
        layout = self.kind.layout
        for item in _conjuncts(rule.condition):
            if (
                isinstance(item, Cmp)
                and layout.index[item.fact] == slot
                and bool(layout.mask(item) & bit) == item.negate
            ):
                return True
        return False

    def _known_slots(self) -> int:
        """Slots tested by ``known``: refining them can turn F into T, so never prune them."""
        mask = 0
        for rule in self.rules:
            for name in _known_facts(rule.condition):
                mask |= 1 << self.kind.layout.index[name]
        return mask

    def _value_classes(self) -> list[tuple[tuple[int, int, tuple[object, ...]], ...]]:
        """Per slot: (representative bit, mask, values) of the value groups no rule tells apart;
        () for a fact no rule in force mentions."""
        layout = self.kind.layout
        masks: dict[int, set[int]] = {}
        for rule in self.rules:
            for name in condition_facts(rule.condition):
                masks.setdefault(layout.index[name], set())
            for cmp in _cmps(rule.condition):
                masks.setdefault(layout.index[cmp.fact], set()).add(layout.mask(cmp))
        out: list[tuple[tuple[int, int, tuple[object, ...]], ...]] = []
        for slot, fact in enumerate(self.kind.facts):
            if slot not in masks:
                out.append(())
                continue
            groups: dict[tuple[bool, ...], list[object]] = {}
            for value in fact.values:
                bit = layout.bits[slot][value]
                groups.setdefault(tuple(bool(m & bit) for m in sorted(masks[slot])), []).append(
                    value
                )
            bits = layout.bits[slot]
            out.append(
                tuple((bits[vs[0]], sum(bits[v] for v in vs), tuple(vs)) for vs in groups.values())
            )
        return out
