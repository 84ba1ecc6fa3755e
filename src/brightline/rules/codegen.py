"""Rule conditions → generated Python source, evaluated Kleene-style on bitsets.

Encoding. Every value of a fact has a bit (``1 << position``). A case is two lists of ints with one
slot per fact: ``k`` (the value's bit when the fact is known, else 0) and ``p`` (the value's bit
when known, else every bit of the domain). Three-valued logic becomes two Boolean functions:

- *must* (the condition is T): ``Cmp(f, S)`` is ``k[f] & S``;
- *may* (the condition is T or U): ``Cmp(f, S)`` is ``p[f] & S``;
- ``all``/``any`` are ``and``/``or`` of the same function; ``not`` swaps them:
  must(not c) = not may(c), may(not c) = not must(c); ``known`` is ``k[f] != 0`` in both.

So a rule is T when must holds, U when only may holds, F otherwise: exactly Kleene's tables. A rule
that overrides others makes them F while it is T and U while it is U:
``may(r) = may(cond) and not must(o)``, ``must(r) = must(cond) and not may(o)`` for each overrider o.

A program may be *specialised* on one fact with a known value: comparisons on it fold to constants
and rules that cannot apply disappear, which is what makes one decision a few microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from brightline.rules.model import All, Any, Cmp, Condition, Fact, Known, Not, Rule

# Outcome codes, in the order of the tuple the engine indexes.
PROHIBITED, PERMITTED, NEEDS_REVIEW, NOT_APPLICABLE = 0, 1, 2, 3
OUTCOME_NAMES = ("prohibited", "permitted", "needs_review", "not_applicable")

Const = bool
Simplified = Condition | Const
Part = tuple[str, tuple[str, ...], str]  # (rule id, cites, text): a reason, duty or finding
PartDict = dict[str, object]  # {"rule", "cites", "text"}: built fresh on every call
EvalResult = tuple[int, list[PartDict], list[PartDict], list[PartDict], int, int, int]
Evaluator = Callable[[list[int], list[int]], EvalResult]
OutcomeFn = Callable[[list[int], list[int]], int]
Encoder = Callable[[dict[str, object]], tuple[list[int], list[int]] | None]


@dataclass(frozen=True)
class Layout:
    """Where facts live in ``k``/``p`` and the bit of each value."""

    index: Mapping[str, int]
    bits: Sequence[Mapping[object, int]]

    def mask(self, cmp: Cmp) -> int:
        bits = self.bits[self.index[cmp.fact]]
        mask = 0
        for value in cmp.values:
            mask |= bits[value]
        return mask


def simplify(cond: Condition, layout: Layout, fixed: Mapping[int, int]) -> Simplified:
    """Fold comparisons on facts whose bit is fixed (``fixed[index] = bit``) into constants."""
    if isinstance(cond, Cmp):
        slot = layout.index[cond.fact]
        if slot not in fixed:
            return cond
        hit = bool(fixed[slot] & layout.mask(cond))
        return hit != cond.negate
    if isinstance(cond, Known):
        slot = layout.index[cond.fact]
        return cond.known if slot in fixed else cond
    if isinstance(cond, Not):
        inner = simplify(cond.item, layout, fixed)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    is_all = isinstance(cond, All)
    items: list[Condition] = []
    for item in cond.items:
        folded = simplify(item, layout, fixed)
        if isinstance(folded, bool):
            if folded != is_all:  # False in all, True in any decides
                return folded
            continue
        items.append(folded)
    if not items:
        return is_all
    if len(items) == 1:
        return items[0]
    return All(tuple(items)) if is_all else Any(tuple(items))


def expr(
    cond: Simplified, layout: Layout, must: bool, unknown: AbstractSet[int] = frozenset()
) -> str:
    """Python source for must (T) or may (T or U) of a condition; comparisons on the slots
    ``unknown`` (known to be unknown) are U: False in must, True in may."""
    if isinstance(cond, bool):
        return "True" if cond else "False"
    if isinstance(cond, Cmp | Known) and layout.index[cond.fact] in unknown:
        if isinstance(cond, Known):
            return "False" if cond.known else "True"
        # what the bitset test below gives with k = 0 and p = every bit of the domain
        value = 0 if must != cond.negate else sum(layout.bits[layout.index[cond.fact]].values())
        hit = bool(value & layout.mask(cond)) != cond.negate
        return "True" if hit else "False"
    if isinstance(cond, Cmp):
        slot = layout.index[cond.fact]
        vec = "k" if must != cond.negate else "p"
        test = f"{vec}{slot} & {layout.mask(cond)}"
        return f"not ({test})" if cond.negate else f"({test})"
    if isinstance(cond, Known):
        slot = layout.index[cond.fact]
        return f"(k{slot} != 0)" if cond.known else f"(k{slot} == 0)"
    if isinstance(cond, Not):
        return f"(not {expr(cond.item, layout, not must, unknown)})"
    joiner = " and " if isinstance(cond, All) else " or "
    return "(" + joiner.join(expr(item, layout, must, unknown) for item in cond.items) + ")"


def slots_used(cond: Simplified, layout: Layout, known_only: bool = False) -> set[int]:
    """Slots a condition reads (with ``known_only``: those it tests with ``known``)."""
    if isinstance(cond, bool):
        return set()
    if isinstance(cond, Known):
        return {layout.index[cond.fact]}
    if isinstance(cond, Cmp):
        return set() if known_only else {layout.index[cond.fact]}
    if isinstance(cond, Not):
        return slots_used(cond.item, layout, known_only)
    out: set[int] = set()
    for item in cond.items:
        out |= slots_used(item, layout, known_only)
    return out


def topological(rules: Sequence[Rule]) -> list[int]:
    """Rule positions ordered so that every overrider comes before the rules it overrides."""
    order: list[int] = []
    done: set[int] = set()

    def visit(i: int) -> None:
        if i in done:
            return
        done.add(i)
        for j, other in enumerate(rules):
            if rules[i].id in other.overrides:
                visit(j)
        order.append(i)

    for i in range(len(rules)):
        visit(i)
    return order


class ProgramBuilder:
    """Builds the evaluator and the outcome function of one rule set, one specialisation."""

    def __init__(
        self,
        rules: Sequence[Rule],
        layout: Layout,
        fixed: Mapping[int, int],
        unknown: AbstractSet[int] = frozenset(),
    ) -> None:
        """``fixed``: slots with a known value (folded); ``unknown``: slots known to be unknown
        in every case the program will see (their comparisons become U)."""
        self.rules = rules
        self.layout = layout
        self.unknown = unknown
        self.conds = [simplify(r.condition, layout, fixed) for r in rules]
        self.order = topological(rules)
        self.overriders: dict[int, list[int]] = {i: [] for i in range(len(rules))}
        for j, rule in enumerate(rules):
            for target in rule.overrides:
                for i, other in enumerate(rules):
                    if other.id == target:
                        self.overriders[i].append(j)

    def _rule_lines(self, keep: set[int]) -> tuple[list[str], set[int]]:
        lines: list[str] = []
        slots: set[int] = set()
        for i in self.order:
            if i not in keep:
                continue
            cond = self.conds[i]
            if cond is False:
                continue
            slots |= slots_used(cond, self.layout)
            others = [j for j in self.overriders[i] if j in keep and self.conds[j] is not False]
            unknown = self.unknown
            may = [expr(cond, self.layout, False, unknown), *(f"not m{j}" for j in others)]
            must = [f"y{i}", expr(cond, self.layout, True, unknown), *(f"not y{j}" for j in others)]
            lines.append(f"    y{i} = {' and '.join(may)}")
            lines.append(f"    m{i} = {' and '.join(must)}")
        return lines, slots

    def _deps(self, known_only: bool = False) -> list[int]:
        """Per rule, the slots its applies value depends on (its condition and its overriders');
        with ``known_only`` the slots among them tested by ``known`` (not monotone)."""
        deps = [0] * len(self.rules)
        for i in self.order:
            used = slots_used(self.conds[i], self.layout, known_only)
            mask = sum(1 << s for s in used)
            for j in self.overriders[i]:
                mask |= deps[j]
            deps[i] = mask
        return deps

    def _open_branch(self, step: int, picks: list[tuple[str, int]]) -> list[str]:
        """The body of a needs_review step: the reasons, ``rel`` and ``blk``.

        Refining an unknown fact never turns T or F into anything else (Kleene logic is monotone),
        so only the facts the U rules depend on (``rel``) can settle a needs_review outcome. On
        step 2 (a prohibit U or a review T/U) the outcome stays needs_review unless a prohibit
        becomes T, or every one of those rules depends on the fact (``blk``, the AND of their
        dependencies; a rule that does not read the fact keeps its value, monotone or not). On
        later steps ``blk`` is every slot: probe fully. On a needs_review step no rule of a
        picked group is T (an earlier step would have fired), except T review rules. ``prl``: the
        slots U prohibit rules depend on; only those (and ``known`` tests) can make one T.
        """
        deps = self._deps()
        known = self._deps(known_only=True)
        lines = ["        why = []", "        rel = 0", "        blk = -1", "        prl = 0"]
        picked = set()
        for _, i in picks:
            picked.add(i)
            lines.append(f"        if y{i}:")
            lines.append(f"            why.append({_part(i)})")
            if step == 1 and self.rules[i].effect == "review":
                # a T review rule stays T, unless a `known` test on the fact turns it F
                lines.append(f"            if m{i}: blk &= {known[i]}")
                lines.append(f"            else: rel |= {deps[i]}; blk &= {deps[i]}")
            elif step == 1:  # a prohibit rule, U: ``prl`` gathers what such rules depend on
                lines.append(f"            rel |= {deps[i]}; blk &= {deps[i]}; prl |= {deps[i]}")
            else:
                lines.append(f"            rel |= {deps[i]}")
        for i in sorted(self._needed_for_outcome() - picked):
            if self.conds[i] is not False and deps[i]:
                lines.append(f"        if y{i} and not m{i}: rel |= {deps[i]}")
        return lines

    def _applies(self, i: int, must: bool, depth: int = 0) -> str:
        """An inline expression of rule i's applies value (must or may), overriders included."""
        cond = self.conds[i]
        if cond is False or depth > 16:
            return "False" if cond is False else self._applies_too_deep()
        parts = [expr(cond, self.layout, must, self.unknown)]
        for j in self.overriders[i]:
            if self.conds[j] is not False:
                parts.append(f"not {self._applies(j, not must, depth + 1)}")
        return "(" + " and ".join(parts) + ")"

    @staticmethod
    def _applies_too_deep() -> str:
        raise ValueError("override chain deeper than 16 rules")

    def prohibited_source(self, slot: int = -1) -> str:
        """``prohibited(k, p)``: is some prohibit rule T? With ``slot``, only the rules whose
        applies value depends on that slot: enough when no prohibit rule is T and only that slot
        changes (the others keep their values)."""
        lines = ["def prohibited(k, p):"]
        deps = self._deps()
        chosen = [
            i
            for i, rule in enumerate(self.rules)
            if rule.effect == "prohibit"
            and self.conds[i] is not False
            and (slot < 0 or deps[i] >> slot & 1)
        ]
        tests = [self._applies(i, must=True) for i in chosen]
        used = 0
        for i in chosen:
            used |= deps[i]
        slots = {s for s in range(len(self.layout.bits)) if used >> s & 1}
        lines += self._prologue(slots)
        lines += [f"    if {test}: return True" for test in tests]
        lines.append("    return False")
        return "\n".join(lines) + "\n"

    def with_overriders(self, rules: set[int]) -> set[int]:
        """The rules and, transitively, every rule that overrides one of them."""
        keep, grow = set(rules), list(rules)
        while grow:
            for j in self.overriders[grow.pop()]:
                if j not in keep:
                    keep.add(j)
                    grow.append(j)
        return keep

    def _needed_for_outcome(self) -> set[int]:
        return self.with_overriders(
            {i for i, r in enumerate(self.rules) if r.effect not in ("oblige", "find")}
        )

    def _prologue(self, slots: set[int]) -> list[str]:
        lines = []
        for s in sorted(slots):
            lines.append(f"    k{s} = k[{s}]; p{s} = p[{s}]")
        return lines

    def _groups(self, keep: set[int]) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {
            "prohibit": [], "review": [], "permit": [], "not_applicable": [],
            "fb_permit": [], "fb_not_applicable": [], "oblige": [], "find": [],
        }
        for i, rule in enumerate(self.rules):
            if i in keep and self.conds[i] is not False:
                key = f"fb_{rule.effect}" if rule.fallback else rule.effect
                groups[key].append(i)
        return groups

    def outcome_source(self, default: int) -> str:
        keep = self._needed_for_outcome()
        body, slots = self._rule_lines(keep)
        g = self._groups(keep)
        lines = ["def outcome(k, p):", *self._prologue(slots), *body]
        for cond, code in _ladder(g, default):
            lines.append(f"    if {cond}: return {code}")
        lines.append(f"    return {default}")
        return "\n".join(lines) + "\n"

    def evaluator_source(self, default: int) -> str:
        keep = set(range(len(self.rules)))
        body, slots = self._rule_lines(keep)
        g = self._groups(keep)
        lines = ["def evaluate(k, p):", *self._prologue(slots), *body]
        lines += _collect("obl", g["oblige"], "m")
        lines += _collect("fnd", g["find"], "m")
        for step, cond, code, picks in _reasoned_ladder(g):
            lines.append(f"    if {cond}:")
            if code == NEEDS_REVIEW:
                lines += self._open_branch(step, picks)
                lines.append(f"        return {code}, why, obl, fnd, rel, blk, prl")
                continue
            lines += ["    " + line for line in _collect("why", [], "m")]
            for flag, idx in picks:
                lines.append(f"        if {flag}{idx}: why.append({_part(idx)})")
            if step == _FALLBACK_NA_STEP:
                # a fallback permit that is U may still become T and win: not settled by
                # monotonicity like every other decided step, so flips probe its facts
                deps = self._deps()
                lines.append("        rel = 0")
                lines += [
                    f"        if y{i}: rel |= {deps[i]}" for i in g["fb_permit"] if deps[i]
                ]
                lines.append(f"        return {code}, why, obl, fnd, rel, -1, 0")
                continue
            lines.append(f"        return {code}, why, obl, fnd, 0, 0, 0")
        # the default: every rule is F; only a `known` test (segment.nonmono) can change that,
        # and then it is probed fully (blk -1)
        lines.append(f"    return {default}, [], obl, fnd, 0, -1, 0")
        return "\n".join(lines) + "\n"


_FALLBACK_NA_STEP = 7  # the ladder step "any fallback not_applicable T"


def _any(flag: str, idx: list[int]) -> str:
    return " or ".join(f"{flag}{i}" for i in idx) or "False"


def _ladder(g: dict[str, list[int]], default: int) -> list[tuple[str, int]]:
    """Step 4 of the decision semantics, as (condition, outcome) in order."""
    fallback = g["fb_permit"] + g["fb_not_applicable"]
    return [
        (_any("m", g["prohibit"]), PROHIBITED),
        (_any("y", g["prohibit"] + g["review"]), NEEDS_REVIEW),
        (_any("m", g["permit"]), PERMITTED),
        (_any("y", g["permit"]), NEEDS_REVIEW),
        (_any("m", g["not_applicable"]), NOT_APPLICABLE),
        (_any("y", g["not_applicable"]), NEEDS_REVIEW),
        (_any("m", g["fb_permit"]), PERMITTED),
        (_any("m", g["fb_not_applicable"]), NOT_APPLICABLE),
        (_any("y", fallback), NEEDS_REVIEW),
    ]


def _reasoned_ladder(g: dict[str, list[int]]) -> list[tuple[int, str, int, list[tuple[str, int]]]]:
    """The ladder with, for each step, which flags pick the reasons (step 5).

    needs_review reasons: review rules that are T or U and the rules with U that made it so. On a
    needs_review step every rule of the tested group is known not to be T (an earlier step would
    have fired), so testing ``y`` picks exactly the U ones.
    """
    out: list[tuple[int, str, int, list[tuple[str, int]]]] = []
    steps = zip(_ladder(g, NOT_APPLICABLE), _reason_picks(g), strict=True)
    for step, ((cond, code), picks) in enumerate(steps):
        if cond != "False":
            out.append((step, cond, code, picks))
    return out


def _reason_picks(g: dict[str, list[int]]) -> list[list[tuple[str, int]]]:
    def flags(flag: str, idx: list[int]) -> list[tuple[str, int]]:
        return [(flag, i) for i in idx]

    fallback = sorted(g["fb_permit"] + g["fb_not_applicable"])
    return [
        flags("m", g["prohibit"]),
        flags("y", sorted(g["prohibit"] + g["review"])),
        flags("m", g["permit"]),
        flags("y", g["permit"]),
        flags("m", g["not_applicable"]),
        flags("y", g["not_applicable"]),
        flags("m", g["fb_permit"]),
        flags("m", g["fb_not_applicable"]),
        flags("y", fallback),
    ]


def _part(i: int) -> str:
    """A fresh reason, obligation or finding dict of rule i (cites copied: callers may mutate)."""
    return f'{{"rule": R{i}, "cites": [*C{i}], "text": T{i}}}'


def _collect(name: str, idx: list[int], flag: str) -> list[str]:
    lines = [f"    {name} = []"]
    lines += [f"    if {flag}{i}: {name}.append({_part(i)})" for i in idx]
    return lines


def build(source: str, name: str, parts: Sequence[Part] = ()) -> Callable[..., object]:
    """Compile generated source (``R<i>``, ``C<i>``, ``T<i>`` name the i-th rule's id, cites and
    text, see :func:`_part`); keep the function only."""
    namespace: dict[str, object] = {}
    for i, (rule, cites, text) in enumerate(parts):
        namespace.update({f"R{i}": rule, f"C{i}": cites, f"T{i}": text})
    exec(compile(source, f"<brightline:{name}>", "exec"), namespace)  # generated from the model only
    fn = namespace[name]
    assert callable(fn)
    return fn


def spec_source(chain: Sequence[tuple[int, int]], key2: int, shift: int) -> str:
    """``spec(k)``: the specialisation code: the bit of the first known slot of ``chain`` (slot,
    offset) shifted by its offset, or 0; with ``key2`` (a slot always known) at ``shift``."""
    first = " or ".join(f"(k[{slot}] << {offset})" for slot, offset in chain) or "0"
    code = f"({first}) | (k[{key2}] << {shift})" if key2 >= 0 else f"({first})"
    return f"def spec(k):\n    return {code}\n"


def encoder_source(facts: Sequence[Fact], layout: Layout) -> str:
    """``encode(facts_dict)``: the lists ``k`` and ``p`` of a case's facts, or None when anything is
    off (an unknown name, a bad value or type, a null): the caller's slow path names the fault."""
    lines = ["def encode(facts):", "    get = facts.get", "    n = 0"]
    for slot, fact in enumerate(facts):
        bits = layout.bits[slot]
        full = sum(bits.values())
        absent = (
            f"k{slot} = 0; p{slot} = {full}"
            if fact.default is None
            else f"k{slot} = p{slot} = {bits[fact.default]}"
        )
        lines.append(f"    x = get({fact.name!r})")
        if fact.type == "bool":
            lines.append(f"    if x is True: k{slot} = p{slot} = {bits[True]}; n += 1")
            lines.append(f"    elif x is False: k{slot} = p{slot} = {bits[False]}; n += 1")
            lines.append(f"    elif x is None: {absent}")
        else:
            lines.append(f"    if x is None: {absent}")
            lines.append("    elif x.__class__ is str:")
            lines.append(f"        k{slot} = p{slot} = B{slot}.get(x)")
            lines.append(f"        if k{slot} is None: return None")
            lines.append("        n += 1")
        lines.append("    else: return None")
    lines.append("    if n != len(facts): return None")
    ks = ", ".join(f"k{i}" for i in range(len(facts)))
    ps = ", ".join(f"p{i}" for i in range(len(facts)))
    lines.append(f"    return [{ks}], [{ps}]")
    return "\n".join(lines) + "\n"


def build_encoder(facts: Sequence[Fact], layout: Layout) -> Encoder:
    namespace: dict[str, object] = {f"B{i}": dict(bits) for i, bits in enumerate(layout.bits)}
    exec(compile(encoder_source(facts, layout), "<brightline:encode>", "exec"), namespace)
    fn = namespace["encode"]
    assert callable(fn)
    return fn
