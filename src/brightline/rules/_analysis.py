"""Complete, symbolic analysis of a layered pack: conflicts, dead rules, undecided cases, diffs.

Every fact has a finite domain (its values, plus *unknown* when the fact has no default), so the
set of cases of a kind on a given day is finite and can be covered completely. Brute force is out
of reach (tens of millions of assistance cases), so the analysis works on two ideas:

* **Value classes.** A fact's values that every comparison of every rule treats alike form one
  class; the search picks one class, not one value, and counts the class's size.
* **Three-valued masks.** With some facts still open, each rule's *applies* value is a set of
  possible values (a bit mask over T, F, U), computed by a sound over-approximation of Kleene
  logic. The search branches on a fact only while a rule that matters to the question is still
  open, and counts each resolved region with its exact multiplicity.

A resolved region is exact: a rule whose mask is a single value has that value for every case of
the region. Where an outcome is needed, it comes from the engine itself (``_engine_outcome``),
called on one representative case of the region, so the analysis agrees with ``decide`` by
construction.

Public entry points: :func:`check_pack` and :func:`diff_pack`; both return plain dictionaries
(JSON-ready) and never read files or the clock themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Final

from brightline.errors import InvalidInput
from brightline.rules._compiled import (
    Code,
    CodeAll,
    CodeCmp,
    CodeKnown,
    CodeNot,
    CompiledRule,
    FactCode,
    Segment,
)
from brightline.rules._model import Fact, FactValue, Kind, LayeredPack

# Three-valued masks: the set of values a rule or condition may take over a region of cases.
T: Final = 1
F: Final = 2
U: Final = 4
SETTLED: Final = frozenset((T, F, U))  # a mask of one value: the same in every case of a region
DECISIVE: Final = ("prohibit", "permit", "review", "not_applicable")
DUTIES: Final = ("oblige", "find")
EXAMPLES: Final = 3


class _Unknown:
    """The value of a fact that the case does not give."""

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN: Final = _Unknown()
Value = FactValue | _Unknown


def _and(a: int, b: int) -> int:
    out = F if (a | b) & F else 0
    if a & T and b & T:
        out |= T
    if a & (T | U) and b & (T | U) and (a | b) & U:
        out |= U
    return out


def _not(a: int) -> int:
    return (a & U) | (T if a & F else 0) | (F if a & T else 0)


def _or(a: int, b: int) -> int:
    return _not(_and(_not(a), _not(b)))


AND: Final = tuple(tuple(_and(a, b) for b in range(8)) for a in range(8))
OR: Final = tuple(tuple(_or(a, b) for b in range(8)) for a in range(8))
NOT: Final = tuple(_not(a) for a in range(8))

State = list[int]  # per fact position: the class index chosen, or -1 while the fact is open
MaskFn = Callable[[State], int]


# ----------------------------------------------------------------------------- value classes


def domain(fact: Fact) -> tuple[Value, ...]:
    """Every value a case can give ``fact``: its values, then unknown unless it has a default."""
    if fact.default is not None:
        return tuple(fact.values)
    return (*fact.values, UNKNOWN)


def _atom_mask(code: CodeCmp | CodeKnown, cls: ValueClass) -> int:
    """The three-valued result of one comparison for every value of a class."""
    if isinstance(code, CodeKnown):
        return T if (cls.representative is not UNKNOWN) == code.known else F
    if cls.representative is UNKNOWN:
        return U
    return T if bool(cls.mask & code.mask) != code.negate else F


@dataclass(frozen=True)
class ValueClass:
    """Values of one fact that no comparison in the rules tells apart (``mask``: their bits;
    the class of *unknown* has mask 0)."""

    values: tuple[Value, ...]
    mask: int = 0

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def representative(self) -> Value:
        return self.values[0]


@dataclass(frozen=True)
class FactSpace:
    fact: Fact
    classes: tuple[ValueClass, ...]

    @property
    def size(self) -> int:
        return sum(c.size for c in self.classes)


def _space_classes(code: FactCode, segments: Sequence[Segment]) -> tuple[ValueClass, ...]:
    """The compiled segments' value classes of one fact, refined across the segments, and the
    class of *unknown* (unless the fact has a default). A fact no rule reads is one class."""
    read = [seg.classes[code.slot] for seg in segments if seg.classes[code.slot]]
    groups: dict[tuple[int, ...], list[FactValue]] = {}
    for value in code.values:
        bit = code.bits[value]
        key = tuple(next(i for i, c in enumerate(cs) if c.mask & bit) for cs in read)
        groups.setdefault(key, []).append(value)
    out = [ValueClass(tuple(vs), sum(code.bits[v] for v in vs)) for vs in groups.values()]
    if code.default is None:
        if read:
            out.append(ValueClass((UNKNOWN,)))
        else:
            out[0] = ValueClass((*out[0].values, UNKNOWN), out[0].mask)
    return tuple(out)


# ----------------------------------------------------------------------------- compiled rules


@dataclass(frozen=True)
class Instance:
    """One compiled rule of one day's segment (its overriders are those in force that day)."""

    rule: CompiledRule
    day: int  # index into the space's days
    overriders: tuple[int, ...]  # instance indices
    facts: frozenset[int]  # fact positions its applies value depends on


class Space:
    """The cases of one kind on a few days, with every rule in force as a mask function over
    regions, read from the compiled form (:func:`brightline.rules.compile_pack`)."""

    def __init__(self, pack: LayeredPack, kind: Kind, days: Sequence[date]) -> None:
        from brightline.rules._engine import program_for

        self.pack = pack
        self.kind = kind
        self.days = tuple(days)
        compiled = program_for(pack).compiled.kinds[kind.name]
        segments = []
        for day in self.days:
            seg = compiled.segment_on(day)
            if seg is None:
                raise InvalidInput(f"{day.isoformat()} is outside the pack's coverage")
            segments.append(seg)
        self.facts = tuple(
            FactSpace(f, _space_classes(code, segments))
            for f, code in zip(kind.facts, compiled.facts, strict=True)
        )
        self.position = {fs.fact.name: i for i, fs in enumerate(self.facts)}
        self.total = _product(fs.size for fs in self.facts)
        self.instances: list[Instance] = []
        self._fns: list[MaskFn] = []
        for d, seg in enumerate(segments):
            self._add_day(d, seg)
        self.by_fact = [
            tuple(i for i, inst in enumerate(self.instances) if pos in inst.facts)
            for pos in range(len(self.facts))
        ]

    def _add_day(self, d: int, segment: Segment) -> None:
        index: dict[int, int] = {}
        for i in segment.order:
            rule = segment.rules[i]
            over = tuple(index[j] for j in rule.overriders)
            deps = frozenset(s for s in range(len(self.facts)) if rule.deps >> s & 1)
            index[i] = len(self.instances)
            self.instances.append(Instance(rule, d, over, deps))
            self._fns.append(self._compile(rule.code))

    def _compile(self, code: Code) -> MaskFn:
        if isinstance(code, CodeCmp | CodeKnown):
            pos = code.slot
            table = [_atom_mask(code, c) for c in self.facts[pos].classes]
            whole = 0
            for m in table:
                whole |= m
            table.append(whole)  # index -1: the fact is still open
            frozen = tuple(table)
            return lambda s: frozen[s[pos]]
        if isinstance(code, CodeNot):
            inner = self._compile(code.item)
            return lambda s: NOT[inner(s)]
        parts = tuple(self._compile(c) for c in code.items)
        table2, start = (AND, T) if isinstance(code, CodeAll) else (OR, F)
        return lambda s: _fold(table2, start, parts, s)

    def masks(self, state: State, parent: list[int] | None, changed: int) -> list[int]:
        """Every instance's mask in ``state``; only those depending on ``changed`` are redone."""
        if parent is None:
            out = [0] * len(self.instances)
            todo: Iterable[int] = range(len(self.instances))
        else:
            out = list(parent)
            todo = self.by_fact[changed]
        for i in todo:
            if parent is not None and parent[i] in SETTLED:
                continue  # settled regions stay settled
            m = self._fns[i](state)
            for o in self.instances[i].overriders:
                m = AND[m][NOT[out[o]]]
            out[i] = m
        return out

    def case(self, state: State, day: int) -> dict[str, object]:
        """A representative case of the region ``state`` (open facts left unknown or default)."""
        facts: dict[str, object] = {}
        for fs, c in zip(self.facts, state, strict=True):
            if c >= 0 and fs.classes[c].representative is not UNKNOWN:
                facts[fs.fact.name] = fs.classes[c].representative
        return {
            "jurisdiction": self.pack.name,
            "at": self.days[day].isoformat(),
            "kind": self.kind.name,
            "facts": facts,
        }


def _fold(
    table: tuple[tuple[int, ...], ...], start: int, parts: tuple[MaskFn, ...], s: State
) -> int:
    m = start
    for p in parts:
        m = table[m][p(s)]
    return m


def _product(sizes: Iterable[int]) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


# ----------------------------------------------------------------------------- the search


class Goal:
    """What a search is looking for. ``resolve`` accounts for a region or names what is open."""

    stop = False

    def resolve(self, state: State, masks: list[int], mult: int) -> Sequence[int] | None:
        """None when the region ``state`` is fully accounted for; else the open instances that
        still matter (the search branches on one of their facts)."""
        raise NotImplementedError


def explore(space: Space, goal: Goal) -> None:
    """Cover every case of ``space`` exactly once, region by region, until ``goal.stop``."""
    state = [-1] * len(space.facts)
    _dfs(space, goal, state, space.masks(state, None, -1), space.total)


def _dfs(space: Space, goal: Goal, state: State, masks: list[int], mult: int) -> None:
    open_ = goal.resolve(state, masks, mult)
    if open_ is None:
        return
    pos = _choose(space, state, open_)
    fs = space.facts[pos]
    base = mult // fs.size
    for ci, cls in enumerate(fs.classes):
        if goal.stop:
            break
        state[pos] = ci
        _dfs(space, goal, state, space.masks(state, masks, pos), base * cls.size)
    state[pos] = -1


def _choose(space: Space, state: State, open_: Sequence[int]) -> int:
    """The open fact that the most open instances depend on (declaration order breaks ties)."""
    counts = [0] * len(space.facts)
    for i in open_:
        for pos in space.instances[i].facts:
            if state[pos] < 0:
                counts[pos] += 1
    best = max(range(len(counts)), key=lambda p: (counts[p], -p))
    if counts[best] == 0:
        raise AssertionError("an open rule with every fact chosen: mask evaluation is unsound")
    return best


@dataclass
class Tally:
    """An exact count of cases with a few example cases."""

    count: int = 0
    examples: list[dict[str, object]] = field(default_factory=list)

    def add(self, mult: int, example: Callable[[], dict[str, object]]) -> None:
        self.count += mult
        if len(self.examples) < EXAMPLES:
            self.examples.append(example())

    def merge(self, other: Tally) -> None:
        self.count += other.count
        self.examples.extend(other.examples[: EXAMPLES - len(self.examples)])

    def to_dict(self) -> dict[str, object]:
        return {"count": self.count, "examples": self.examples}


class Undecided(Goal):
    """Cases where no prohibit, permit, review or not_applicable rule applies or might apply:
    they fall through to the pack's default outcome."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.decisive = [i for i, x in enumerate(space.instances) if x.rule.effect in DECISIVE]
        self.tally = Tally()
        self.empty = Tally()  # cases whose decision has no reason at all (a defect)

    def resolve(self, state: State, masks: list[int], mult: int) -> Sequence[int] | None:
        open_ = []
        for i in self.decisive:
            m = masks[i]
            if not m & F:
                return None  # this rule applies or might apply everywhere here
            if m != F:
                open_.append(i)
        if open_:
            return open_
        example = self.space.case(state, 0)
        self.tally.add(mult, lambda: example)
        # every case of the region gets the same reasons: ask the engine once
        if not engine_decision(self.space.pack, example)["reasons"]:
            self.empty.add(mult, lambda: example)
        return None


class Witness(Goal):
    """Looks for one case where instance ``i`` applies (T)."""

    def __init__(self, space: Space, i: int) -> None:
        self.space = space
        self.i = i
        self.example: dict[str, object] | None = None

    def resolve(self, state: State, masks: list[int], mult: int) -> Sequence[int] | None:
        m = masks[self.i]
        if not m & T:
            return None
        if m == T:
            self.example = self.space.case(state, 0)
            self.stop = True
            return None
        return (self.i,)


class Conflict(Goal):
    """Counts the cases where prohibit instance ``p`` and permit instance ``q`` both apply."""

    def __init__(self, space: Space, p: int, q: int) -> None:
        self.space = space
        self.pair = (p, q)
        self.tally = Tally()

    def resolve(self, state: State, masks: list[int], mult: int) -> Sequence[int] | None:
        mp, mq = masks[self.pair[0]], masks[self.pair[1]]
        if not mp & T or not mq & T:
            return None
        if mp == T and mq == T:
            self.tally.add(mult, lambda: self.space.case(state, 0))
            return None
        return [i for i in self.pair if masks[i] != T]


class Changes(Goal):
    """Counts the cases whose outcome differs between day 0 and day 1 of a two-day space, by
    (outcome on day 0, outcome on day 1)."""

    def __init__(self, space: Space, outcome: OutcomeFn) -> None:
        self.space = space
        self.outcome = outcome
        inst = space.instances
        self.decisive = [
            [i for i, x in enumerate(inst) if x.day == d and x.rule.effect in DECISIVE]
            for d in (0, 1)
        ]
        self.prohibits = [
            [i for i in ds if inst[i].rule.effect == "prohibit"] for ds in self.decisive
        ]
        self.changed = _picker(_changed_instances(space, self.decisive))
        self.pick = [_picker(ds) for ds in self.decisive]
        self.pick_prohibits = [_picker(ps) for ps in self.prohibits]
        self.pairs: dict[tuple[str, str], Tally] = {}
        self._memo: dict[tuple[int, tuple[int, ...]], str] = {}
        # obligations and findings: by rule id, their instance on each day (or None)
        duties: dict[str, list[int | None]] = {}
        for i, x in enumerate(inst):
            if x.rule.effect in DUTIES:
                duties.setdefault(x.rule.id, [None, None])[x.day] = i
        self.duties = duties
        self.duty_changes: dict[tuple[str, str, str], Tally] = {}  # (rule, from, to) -> cases
        self.duty_cases = Tally()  # cases where any obligation or finding changes
        self.cases_changed = Tally()  # cases where the outcome or any of those changes

    def resolve(self, state: State, masks: list[int], mult: int) -> Sequence[int] | None:
        duty_diff = self._duty_diff(masks)
        if duty_diff is None:  # a duty is open on some day: branch on its facts
            return [
                i for pair in self.duties.values() for i in pair
                if i is not None and masks[i] not in SETTLED
            ]
        if not set(self.changed(masks)) - {F}:
            outcomes: list[str | None] = ["same", "same"]  # the same rules decide alike
        else:
            outcomes = [self._outcome(state, masks, d) for d in (0, 1)]
        if outcomes[0] is None or outcomes[1] is None:
            return [
                i
                for d in (0, 1)
                if outcomes[d] is None
                for i in self.decisive[d]
                if masks[i] not in SETTLED
            ]
        moved = outcomes[0] != outcomes[1]
        if not moved and not duty_diff:
            return None
        example = self.space.case(state, 1)
        if moved:
            tally = self.pairs.setdefault((str(outcomes[0]), str(outcomes[1])), Tally())
            tally.add(mult, lambda: example)
        if duty_diff:
            self.duty_cases.add(mult, lambda: example)
            for key in duty_diff:
                self.duty_changes.setdefault(key, Tally()).add(mult, lambda: example)
        self.cases_changed.add(mult, lambda: example)
        return None

    def _duty_diff(self, masks: list[int]) -> list[tuple[str, str, str]] | None:
        """(rule, status on day 0, status on day 1) for each obligation or finding whose
        status differs (``absent``, ``applies``, ``may_apply``); None while one is unsettled."""
        out = []
        for rule, pair in self.duties.items():
            status = []
            for i in pair:
                m = F if i is None else masks[i]
                if m not in SETTLED:
                    return None
                status.append("applies" if m == T else "may_apply" if m == U else "absent")
            if status[0] != status[1]:
                out.append((rule, status[0], status[1]))
        return out

    def _outcome(self, state: State, masks: list[int], d: int) -> str | None:
        """The outcome on day ``d`` if it is the same for the whole region, else None."""
        if T in self.pick_prohibits[d](masks):
            return "prohibited"
        key = (d, self.pick[d](masks))
        if not SETTLED.issuperset(key[1]):
            return None
        if key not in self._memo:
            self._memo[key] = self.outcome(self.space.pack, self.space.case(state, d))
        return self._memo[key]


def _picker(indices: Sequence[int]) -> Callable[[list[int]], tuple[int, ...]]:
    """A fast function from masks to the tuple of masks at ``indices``."""
    if len(indices) > 1:
        getter = itemgetter(*indices)
        return lambda masks: getter(masks)
    if len(indices) == 1:
        only = indices[0]
        return lambda masks: (masks[only],)
    return lambda masks: ()


def _changed_instances(space: Space, decisive: list[list[int]]) -> list[int]:
    """Decisive instances of one day with no identical twin (same rule, same overriders) on the
    other: where these are all F, both days' outcomes rest on the same applies values."""

    def signature(i: int) -> tuple[str, frozenset[str]]:
        inst = space.instances[i]
        return inst.rule.id, frozenset(space.instances[o].rule.id for o in inst.overriders)

    sigs = [{signature(i) for i in ds} for ds in decisive]
    return [i for d in (0, 1) for i in decisive[d] if signature(i) not in sigs[1 - d]]


# ----------------------------------------------------------------------------- the engine hook

OutcomeFn = Callable[[LayeredPack, dict[str, object]], str]


def engine_decision(pack: LayeredPack, case: dict[str, object]) -> dict[str, object]:
    """The engine's decision for ``case`` under ``pack`` (no flips)."""
    from brightline.rules._engine import decide_with

    return decide_with(pack, case, flips=False)


def engine_outcome(pack: LayeredPack, case: dict[str, object]) -> str:
    return str(engine_decision(pack, case)["outcome"])


def _confirm(pack: LayeredPack, case: dict[str, object], what: str, ok: bool) -> None:
    if not ok:
        raise AssertionError(f"analysis and engine disagree on {what}: {case}")


def confirm_examples(pack: LayeredPack, result: KindCheck) -> None:
    """Ask the engine about every example: undecided ones reach the default outcome with the
    one default reason; conflicting ones are prohibited with the prohibit rule among the
    reasons."""
    for case in result.undecided.examples:
        d = engine_decision(pack, case)
        reasons = d["reasons"]
        assert isinstance(reasons, list)
        _confirm(
            pack,
            case,
            "an undecided case",
            d["outcome"] == pack.default_outcome
            and [r["rule"] for r in reasons] == [f"{pack.name}/default"],
        )
    for (prohibit, _), tally in result.conflicts.items():
        for case in tally.examples:
            d = engine_decision(pack, case)
            reasons = d["reasons"]
            assert isinstance(reasons, list)
            rules = [r["rule"] for r in reasons]
            _confirm(pack, case, "a conflict", d["outcome"] == "prohibited" and prohibit in rules)


# ----------------------------------------------------------------------------- check


def segments(pack: LayeredPack, kind: str) -> list[date]:
    """The first day of every date segment of ``kind`` (its rules in force do not change)."""
    from brightline.rules._engine import program_for

    return list(program_for(pack).compiled.kinds[kind].starts)


@dataclass
class KindCheck:
    kind: str
    segments: list[date]
    cases: int = 0
    undecided: Tally = field(default_factory=Tally)
    empty_reasons: Tally = field(default_factory=Tally)
    conflicts: dict[tuple[str, str], Tally] = field(default_factory=dict)
    applies_somewhere: set[str] = field(default_factory=set)
    in_force_somewhere: set[str] = field(default_factory=set)


def check_kind(pack: LayeredPack, kind: Kind) -> KindCheck:
    """Cover every case of ``kind`` on every segment: undecided cases, conflicts, live rules."""
    out = KindCheck(kind.name, segments(pack, kind.name))
    for day in out.segments:
        space = Space(pack, kind, [day])
        out.cases += space.total
        undecided = Undecided(space)
        explore(space, undecided)
        out.undecided.merge(undecided.tally)
        out.empty_reasons.merge(undecided.empty)
        for i, inst in enumerate(space.instances):
            out.in_force_somewhere.add(inst.rule.id)
            if inst.rule.id not in out.applies_somewhere:
                witness = Witness(space, i)
                explore(space, witness)
                if witness.example is not None:
                    out.applies_somewhere.add(inst.rule.id)
        for p, q in _conflict_candidates(space):
            conflict = Conflict(space, p, q)
            explore(space, conflict)
            if conflict.tally.count:
                key = (space.instances[p].rule.id, space.instances[q].rule.id)
                out.conflicts.setdefault(key, Tally()).merge(conflict.tally)
    return out


def _conflict_candidates(space: Space) -> Iterator[tuple[int, int]]:
    """(prohibit, non-fallback permit) instance pairs of the same pack with no override between."""
    inst = space.instances
    for p, xp in enumerate(inst):
        if xp.rule.effect != "prohibit":
            continue
        for q, xq in enumerate(inst):
            if xq.rule.effect != "permit" or xq.rule.fallback or xq.rule.pack != xp.rule.pack:
                continue
            if xp.rule.id in xq.rule.source.overrides or xq.rule.id in xp.rule.source.overrides:
                continue
            yield p, q


def check_pack(pack: LayeredPack, kinds: Sequence[str] | None = None) -> dict[str, object]:
    """The complete check of ``pack``: per kind, conflicts, dead rules and undecided cases."""
    names = _kinds(pack, kinds)
    results = [check_kind(pack, pack.kinds[k]) for k in names]
    for result in results:
        confirm_examples(pack, result)
    dead = {r.kind: _dead_rules(pack, r) for r in results}
    n_conflicts = sum(len(r.conflicts) for r in results)
    n_dead = sum(len(d) for d in dead.values())
    n_empty = sum(r.empty_reasons.count for r in results)
    return {
        "pack": pack.name,
        "version": pack.version,
        "default_outcome": pack.default_outcome,
        "cases": sum(r.cases for r in results),
        "conflicts": n_conflicts,
        "dead_rules": n_dead,
        "empty_reasons": n_empty,
        "ok": n_conflicts == 0 and n_dead == 0 and n_empty == 0,
        "kinds": {r.kind: _kind_report(pack, r, dead[r.kind]) for r in results},
    }


def _dead_rules(pack: LayeredPack, r: KindCheck) -> list[dict[str, str]]:
    dead = []
    for rule in pack.rules_for(r.kind):
        if rule.id not in r.in_force_somewhere:
            dead.append({"rule": rule.id, "why": "in force on no day the pack covers"})
        elif rule.id not in r.applies_somewhere:
            why = "applies (T) in no case on any day it is in force"
            dead.append({"rule": rule.id, "why": why})
    return dead


def _kind_report(pack: LayeredPack, r: KindCheck, dead: list[dict[str, str]]) -> dict[str, object]:
    conflicts = [
        {"prohibit": p, "permit": q, **tally.to_dict()} for (p, q), tally in r.conflicts.items()
    ]
    return {
        "segments": [d.isoformat() for d in r.segments],
        "cases": r.cases,
        "rules": len(pack.rules_for(r.kind)),
        "conflicts": conflicts,
        "dead_rules": dead,
        "undecided": r.undecided.to_dict(),
        "default_reasons": r.undecided.to_dict(),
        "empty_reasons": r.empty_reasons.to_dict(),
    }


def _kinds(pack: LayeredPack, kinds: Sequence[str] | None) -> list[str]:
    names = list(pack.kinds)
    for k in kinds or ():
        if k not in pack.kinds:
            raise InvalidInput(
                f"unknown kind {k!r} for pack {pack.name!r} (allowed: {', '.join(names)})"
            )
    return list(kinds) if kinds else names


# ----------------------------------------------------------------------------- diff


def diff_pack(
    pack: LayeredPack,
    day1: date,
    day2: date,
    kinds: Sequence[str] | None = None,
    outcome: OutcomeFn = engine_outcome,
) -> dict[str, object]:
    """Exactly the cases whose outcome differs between ``day1`` and ``day2``, per kind and
    outcome pair, and those whose obligations or findings differ (per rule: from and to
    ``absent``, ``applies`` or ``may_apply``), each counted with example cases (dated ``day2``)."""
    for label, day in (("--from", day1), ("--to", day2)):
        _check_covered(pack, label, day)
    per_kind: dict[str, object] = {}
    for name in _kinds(pack, kinds):
        space = Space(pack, pack.kinds[name], [day1, day2])
        changes = Changes(space, outcome)
        explore(space, changes)
        effects = {r.id: (r.effect, r.cites) for r in pack.rules_for(name)}
        duty_lists: dict[str, list[dict[str, object]]] = {"oblige": [], "find": []}
        for (rule, was, now), tally in sorted(changes.duty_changes.items()):
            effect, cites = effects[rule]
            duty_lists[effect].append(
                {"rule": rule, "cites": list(cites), "from": was, "to": now, **tally.to_dict()}
            )
        per_kind[name] = {
            "cases": space.total,
            "changed": sum(t.count for t in changes.pairs.values()),
            "changes": [
                {"from": a, "to": b, **t.to_dict()} for (a, b), t in sorted(changes.pairs.items())
            ],
            "duties_changed": changes.duty_cases.count,
            "obligations": duty_lists["oblige"],
            "findings": duty_lists["find"],
            "any_changed": changes.cases_changed.count,
        }
    return {
        "pack": pack.name,
        "version": pack.version,
        "from": day1.isoformat(),
        "to": day2.isoformat(),
        "kinds": per_kind,
    }


def _check_covered(pack: LayeredPack, label: str, day: date) -> None:
    lo, hi = pack.top.covers_from, pack.top.covers_until
    if day < lo or (hi is not None and day >= hi):
        span = f"from {lo.isoformat()}" + (f" until {hi.isoformat()}" if hi else "")
        raise InvalidInput(f"{label} {day.isoformat()} is outside the pack's coverage ({span})")
