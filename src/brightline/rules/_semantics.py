"""The decision semantics, written once, over the compiled form and its kernel.

Steps 4-10 of ``docs/pack-format.md``: from the bitsets ``M`` (rules that apply) and ``Y`` (rules
that may apply) of one segment, the outcome ladder and the reasons that decided it, the
obligations and findings with their ``status`` and ``if``, the questions, the flips, the law
changes over time and the default reason. The kernel (:mod:`._kernel`) computes the bitsets;
nothing else here knows how.

Probing. Questions, flips and ``if`` try one value per value class of a fact and read the bitsets
again. Kleene logic is monotone except for ``known`` tests: giving an unknown fact a value never
turns T or F into anything else, so only facts that a U rule depends on (or that a rule tests with
``known``) can change anything while unknown; the others are not probed. A probe recomputes only
the rules that depend on the probed fact; each (fact, class) is probed at most once per decision
and its bitsets serve questions, flips, ``if`` and the default reason alike.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from brightline.rules._compiled import (
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    OUTCOMES,
    PERMITTED,
    PROHIBITED,
    FactCode,
    Segment,
    ValueClass,
)
from brightline.rules._kernel import Kernel, Probe, build_kernel, build_probe, build_subset_kernel

Part = dict[str, Any]
NEAREST = 3  # at most this many nearest rules named by a default reason, in time and in facts


class Runtime:
    """One segment ready to decide: its kernel, probes (built on first use) and group masks."""

    def __init__(self, segment: Segment, facts: tuple[FactCode, ...], pack: str, zone: str) -> None:
        g = segment.groups
        self.segment = segment
        self.facts = facts
        self.pack = pack
        self.kernel: Kernel = build_kernel(segment, len(facts))
        self._outcome_kernel: Kernel | None = None
        self._probes: dict[int, Probe] = {}
        self._values: dict[tuple[int, int], tuple[Any, ...]] = {}
        self.prohibit = g["prohibit"]
        self.open = g["prohibit"] | g["review"]
        self.permit = g["permit"]
        self.not_applicable = g["not_applicable"]
        self.fb_permit = g["fallback_permit"]
        self.fb_not_applicable = g["fallback_not_applicable"]
        self.fallback = self.fb_permit | self.fb_not_applicable
        self.oblige = g["oblige"]
        self.find = g["find"]
        self.duties = self.oblige | self.find
        self.urgent = sum(1 << r.index for r in segment.rules if r.urgent)
        self.outcome_rules = segment.outcome_rules
        self.default = OUTCOMES.index(segment.default)
        self.deps = [r.deps for r in segment.rules]
        self.dep_slots = [tuple(_bits(r.deps)) for r in segment.rules]
        self.if_memo: dict[tuple[int, ...], list[dict[str, Any]]] = {}
        self.parts = [(r.id, r.cites, r.text) for r in segment.rules]
        self.cites = [r.cites for r in segment.rules]
        self.classes = segment.classes
        self.nonmono = segment.nonmono
        self.start = segment.start
        self.end = segment.end
        self.zone = zone
        self.start_at = _midnight(segment.start, zone)
        self.end_at = _midnight(segment.end, zone) if segment.end is not None else None
        # filled by the kind: the other segments' runtimes, nearest first, each once per run of
        # segments whose outcome rules are the same (they give the same facts the same outcome)
        self.earlier: list[Runtime] = []
        self.later: list[Runtime] = []
        self.neighbours: dict[int, Neighbour] = {}
        self.outcome_key = tuple(r.id for r in segment.rules if self.outcome_rules >> r.index & 1)

    def probe(self, slot: int) -> Probe:
        found = self._probes.get(slot)
        if found is None:
            found = self._probes[slot] = build_probe(self.segment, len(self.facts), slot)
        return found

    def values(self, slot: int, mask: int) -> list[Any]:
        """The values of ``slot`` whose bits are in ``mask``, in declaration order (a fresh list;
        the tuples are remembered per mask)."""
        key = (slot, mask)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self.facts[slot].values_of(mask)
        return list(found)

    def outcome_kernel(self) -> Kernel:
        if self._outcome_kernel is None:
            self._outcome_kernel = build_subset_kernel(
                self.segment, len(self.facts), self.outcome_rules
            )
        return self._outcome_kernel

    def signatures(self) -> dict[Any, int]:
        """Per outcome rule, (id, signatures of its overriders) -> its position: two segments'
        rules with the same signature have the same applies value on the same facts."""
        rules = self.segment.rules
        sig: dict[int, Any] = {}
        for i in self.segment.order:  # overriders first: a signature holds theirs, transitively
            sig[i] = (rules[i].id, frozenset(sig[j] for j in rules[i].overriders))
        return {sig[r.index]: r.index for r in rules if self.outcome_rules >> r.index & 1}


def _local_day(at: str, zone: str) -> date:
    if len(at) == 10:
        return date.fromisoformat(at)
    return datetime.fromisoformat(at).astimezone(ZoneInfo(zone)).date()


def _midnight(day: date, zone: str) -> str:
    return datetime.combine(day, time(), ZoneInfo(zone)).isoformat()


def link_segments(runtimes: list[Runtime]) -> None:
    """Give each runtime its earlier and later neighbours for law changes (see Runtime), and
    for each neighbour what differs (see :class:`Neighbour`)."""
    for i, rt in enumerate(runtimes):
        rt.earlier = _distinct(rt, reversed(runtimes[:i]))
        rt.later = _distinct(rt, runtimes[i + 1 :])
        rt.neighbours = {id(o): Neighbour(rt, o) for o in (*rt.earlier, *rt.later)}


class Neighbour:
    """What differs between the outcome rules of a segment (``here``) and another (``there``):
    ``here_only``, the bitset of ``here``'s rules without a twin there (same id, same
    overriders), and a kernel over ``there``'s rules without a twin here (with their
    overriders), ``there_only`` their bitset. When no rule of either is T or U for a case, the
    other segment gives it the same outcome, without running its whole kernel."""

    def __init__(self, here: Runtime, there: Runtime) -> None:
        mine, theirs = here.signatures(), there.signatures()
        self.here_only = sum(1 << i for sig, i in mine.items() if sig not in theirs)
        self.there_only = sum(1 << i for sig, i in theirs.items() if sig not in mine)
        keep, grow = self.there_only, list(_bits(self.there_only))
        rules = there.segment.rules
        while grow:
            for j in rules[grow.pop()].overriders:
                if not keep >> j & 1:
                    keep |= 1 << j
                    grow.append(j)
        self.kernel = build_subset_kernel(there.segment, len(there.facts), keep)


def _distinct(rt: Runtime, others: Any) -> list[Runtime]:
    out: list[Runtime] = []
    last = rt.outcome_key
    for other in others:
        if other.outcome_key != last:
            out.append(other)
            last = other.outcome_key
    return out


def ladder(rt: Runtime, M: int, Y: int) -> tuple[int, int]:
    """Step 4 and 5: the outcome code and the bitset of the rules that decided it."""
    hit = M & rt.prohibit
    if hit:
        return PROHIBITED, hit
    hit = Y & rt.open
    if hit:
        return NEEDS_REVIEW, hit
    hit = M & rt.permit
    if hit:
        return PERMITTED, hit
    hit = Y & rt.permit
    if hit:
        return NEEDS_REVIEW, hit
    hit = M & rt.not_applicable
    if hit:
        return NOT_APPLICABLE, hit
    hit = Y & rt.not_applicable
    if hit:
        return NEEDS_REVIEW, hit
    hit = M & rt.fb_permit
    if hit:
        return PERMITTED, hit
    hit = M & rt.fb_not_applicable
    if hit:
        return NOT_APPLICABLE, hit
    hit = Y & rt.fallback
    if hit:
        return NEEDS_REVIEW, hit
    return rt.default, 0


def outcome_of(rt: Runtime, M: int, Y: int) -> int:
    """Step 4 alone."""
    if M & rt.prohibit:
        return PROHIBITED
    if Y & rt.open:
        return NEEDS_REVIEW
    if M & rt.permit:
        return PERMITTED
    if Y & rt.permit:
        return NEEDS_REVIEW
    if M & rt.not_applicable:
        return NOT_APPLICABLE
    if Y & rt.not_applicable:
        return NEEDS_REVIEW
    if M & rt.fb_permit:
        return PERMITTED
    if M & rt.fb_not_applicable:
        return NOT_APPLICABLE
    if Y & rt.fallback:
        return NEEDS_REVIEW
    return rt.default


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


Probed = dict[int, list[tuple[ValueClass, int, int]]]  # slot -> (class, M, Y) per class tried


class Decision:
    """What steps 4-10 found for one encoded case (the engine turns it into the dict)."""

    __slots__ = ("changes", "code", "default_reason", "items", "law_changes", "questions")

    def __init__(self) -> None:
        self.code = 0
        self.items: tuple[list[Part], list[Part], list[Part]] = ([], [], [])
        self.questions: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.law_changes: list[dict[str, Any]] = []
        self.default_reason: Part | None = None


def evaluate(rt: Runtime, k: list[int], p: list[int], flips: bool, at: str) -> Decision:
    """Steps 4-10 for an encoded case at the moment ``at`` (valid: the segment was found).
    ``k`` and ``p`` are changed while probing and restored before returning."""
    out = Decision()
    M, Y = rt.kernel(k, p)
    code, why = ladder(rt, M, Y)
    out.code = code
    unsure = Y & ~M
    duties = Y & rt.duties
    rel = rt.nonmono
    if code == NEEDS_REVIEW or flips:
        for i in _bits(unsure & rt.outcome_rules):
            rel |= rt.deps[i]
    else:
        rel = 0
    # probes: for questions and flips here; for `if` and the default reason on demand
    probed = _probe_all(rt, k, p, code, M, Y, rel, 0, flips)
    if code == NEEDS_REVIEW:
        out.questions = _questions(rt, k, probed, code, rel)
    if flips:
        out.changes = _flips(rt, k, probed, code)
    out.items = (
        _parts(rt, why, M, Y, probed, k, p),
        _parts(rt, duties & rt.oblige, M, Y, probed, k, p),
        _parts(rt, duties & rt.find, M, Y, probed, k, p),
    )
    out.law_changes = law_changes(rt, k, p, code, M, Y)
    if not why:
        day = _local_day(at, rt.zone)
        out.default_reason = _default_reason(rt, k, p, M, Y, probed, code, day, out.law_changes)
    return out


def _probe_all(
    rt: Runtime,
    k: list[int],
    p: list[int],
    code: int,
    M: int,
    Y: int,
    rel: int,
    need_if: int,
    known_too: bool,
) -> Probed:
    """Every (slot, class) probe the decision needs: known slots (for flips and for the nearest
    rules of a default) when ``known_too``; unknown slots that can change the outcome (``rel``)
    or that a may-apply item turns on (``need_if``)."""
    probed: Probed = {}
    want_unknown = rel | need_if
    if not (want_unknown or known_too):
        return probed
    for slot, classes in enumerate(rt.classes):
        if not classes:
            continue
        current = k[slot]
        if current:
            if not known_too:
                continue
        elif not (want_unknown >> slot & 1):
            continue
        probed[slot] = _probe_slot(rt, k, p, M, Y, slot, classes)
    return probed


def _probe_slot(
    rt: Runtime,
    k: list[int],
    p: list[int],
    M: int,
    Y: int,
    slot: int,
    classes: tuple[ValueClass, ...],
) -> list[tuple[ValueClass, int, int]]:
    """(class, M, Y) for every class of ``slot`` other than the fact's current value."""
    probe = rt.probe(slot)
    current, saved = k[slot], p[slot]
    found = []
    for cls in classes:
        if current & cls.mask:
            continue
        k[slot] = p[slot] = cls.bit
        M2, Y2 = probe(k, p, M, Y)
        found.append((cls, M2, Y2))
    k[slot], p[slot] = current, saved
    return found


def _questions(rt: Runtime, k: list[int], probed: Probed, code: int, rel: int) -> list[dict[str, Any]]:
    """Step 7: each unknown fact for which some value changes the outcome."""
    out = []
    for slot, found in probed.items():
        if k[slot] or not rel >> slot & 1:
            continue
        if any(outcome_of(rt, M2, Y2) != code for _, M2, Y2 in found):
            fact = rt.facts[slot]
            out.append({"fact": fact.name, "text": fact.question, "options": list(fact.values)})
    return out


def _flips(rt: Runtime, k: list[int], probed: Probed, code: int) -> list[dict[str, Any]]:
    """Step 8: single changes of one fact that change the outcome."""
    out: list[dict[str, Any]] = []
    for slot, found in probed.items():
        fact = rt.facts[slot]
        changed = []
        for cls, M2, Y2 in found:
            other = outcome_of(rt, M2, Y2)
            if other != code:
                changed += [(fact.bits[v], v, other) for v in cls.values]
        if len(changed) > 1:
            changed.sort(key=_first)
        out += [{"fact": fact.name, "value": v, "outcome": OUTCOMES[o]} for _, v, o in changed]
    return out


def _first(item: tuple[int, Any, int]) -> int:
    return item[0]


def _parts(
    rt: Runtime, mask: int, M: int, Y: int, probed: Probed, k: list[int], p: list[int]
) -> list[Part]:
    """The reason, obligation or finding dicts of the rules in ``mask``, in rule order, each
    with its status and, when it may apply, ``if``; an urgent duty says ``"urgent": true``.

    ``if`` of rule i depends only on the facts of its ``deps`` (what it and its overriders
    read), so it is remembered per rule and those facts' values (a pure function, not an
    answer: the decision around it is computed afresh)."""
    out: list[Part] = []
    memo = rt.if_memo
    while mask:
        low = mask & -mask
        i = low.bit_length() - 1
        mask ^= low
        rule, cites, text = rt.parts[i]
        part: Part = {"rule": rule, "cites": [*cites], "text": text}
        if M & low:
            part["status"] = "applies"
        else:
            part["status"] = "may_apply"
            key = (i, *[k[s] for s in rt.dep_slots[i]])
            found = memo.get(key)
            if found is None:
                if len(memo) >= _MEMO:
                    memo.clear()
                found = memo[key] = _if(rt, i, probed, k, p, M, Y)
            part["if"] = [c.copy() for c in found]  # fresh dicts; each `values` list is shared
        if rt.urgent & low:
            part["urgent"] = True
        out.append(part)
    return out


_MEMO = 50_000


def _if(
    rt: Runtime, i: int, probed: Probed, k: list[int], p: list[int], M: int, Y: int
) -> list[dict[str, Any]]:
    """Step 6: the unknown facts a may-apply rule turns on, each with the values under which the
    rule can still apply (every listed fact must take one of them). When no single fact narrows
    it (the rule is a choice between facts), each fact with values that alone make it apply,
    marked ``"alone": true``. A rule that applies only while a fact stays unknown lists that
    fact with no values and ``"unknown": true``."""
    bit = 1 << i
    needed: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    for slot in rt.dep_slots[i]:
        if k[slot]:
            continue
        tried = probed.get(slot)
        if tried is None:
            tried = probed[slot] = _probe_slot(rt, k, p, M, Y, slot, rt.classes[slot])
        fact = rt.facts[slot]
        keep = 0
        make = 0
        for cls, M2, Y2 in tried:
            if Y2 & bit:
                keep |= cls.mask
            if M2 & bit:
                make |= cls.mask
        if not keep:  # it applies only while the fact stays unknown (a `known` test)
            needed.append({"fact": fact.name, "values": [], "unknown": True})
        elif keep != fact.full:
            needed.append({"fact": fact.name, "values": rt.values(slot, keep)})
        if make:
            alone.append({"fact": fact.name, "values": rt.values(slot, make), "alone": True})
    return needed or alone


def law_changes(
    rt: Runtime, k: list[int], p: list[int], code: int, M: int, Y: int
) -> list[dict[str, Any]]:
    """Step 9: the nearest earlier and later segments in which the same facts get another
    outcome, each ``{at, until, outcome, cites}`` (``at`` the local midnight it starts)."""
    out = []
    for side in (rt.earlier, rt.later):
        for other in side:
            link = rt.neighbours[id(other)]
            if M & rt.prohibit & ~link.here_only:
                continue  # a prohibit rule that applies has its twin there: prohibited there too
            if not Y & link.here_only and not link.kernel(k, p)[1] & link.there_only:
                continue  # only rules with twins are T or U: the same outcome there
            M2, Y2 = other.outcome_kernel()(k, p)
            code2, why2 = ladder(other, M2, Y2)
            if code2 != code:
                out.append(
                    {
                        "at": other.start_at,
                        "until": other.end_at,
                        "outcome": OUTCOMES[code2],
                        "cites": _cites(other, why2),
                    }
                )
                break
    return out


def _cites(rt: Runtime, mask: int) -> list[str]:
    seen: dict[str, None] = {}
    for i in _bits(mask):
        for cite in rt.cites[i]:
            seen[cite] = None
    return list(seen)


_DEFAULT_WORDS = {
    NOT_APPLICABLE: "these rules do not govern it",
    PERMITTED: "nothing in force forbids it",
}
_OUTCOME_WORDS = {
    PROHIBITED: "prohibited",
    PERMITTED: "permitted",
    NEEDS_REVIEW: "in need of review",
    NOT_APPLICABLE: "outside these rules",
}


def _default_reason(
    rt: Runtime,
    k: list[int],
    p: list[int],
    M: int,
    Y: int,
    probed: Probed,
    code: int,
    day: date,
    changes: list[dict[str, Any]],
) -> Part:
    """Step 10: when no rule decides, one reason in plain words: the moment, and the nearest
    rules that would govern — in time (the law changes, later first) and in facts (single
    changes of a known fact that bring deciding rules in: per fact, the first value, in value
    order, for each different outcome and set of rules; at most :data:`NEAREST`). They are
    listed in ``nearest``; the reason itself rests on no clause (``cites`` is empty)."""
    when = day.isoformat()
    words = _DEFAULT_WORDS.get(code, OUTCOMES[code].replace("_", " "))
    text = [f"No rule in force on {when} decides this case, so {words} ({OUTCOMES[code]})."]
    nearest: list[dict[str, Any]] = []
    for change in changes[::-1]:  # the later change first
        named = ", ".join(change["cites"]) or "no rule"
        outcome = _OUTCOME_WORDS[OUTCOMES.index(change["outcome"])]
        if change["at"][:10] > when:
            text.append(f"From {change['at'][:10]} it would be {outcome} ({named}).")
        else:
            text.append(f"Before {(change['until'] or '')[:10]} it was {outcome} ({named}).")
        nearest.append(
            {"at": change["at"], "outcome": change["outcome"], "cites": change["cites"]}
        )
    found = 0
    for slot, classes in enumerate(rt.classes):
        if not k[slot] or not classes or found >= NEAREST:
            continue
        fact = rt.facts[slot]
        seen: set[tuple[int, int]] = set()
        tried = probed.get(slot)
        if tried is None:  # probed here only (flips off): known facts, until enough are found
            tried = _probe_slot(rt, k, p, M, Y, slot, classes)
        for cls, M2, Y2 in tried:
            code2, why2 = ladder(rt, M2, Y2)
            if code2 == code or not why2 or found >= NEAREST or (code2, why2) in seen:
                continue
            seen.add((code2, why2))
            found += 1
            value = cls.values[0]
            cited = _cites(rt, why2)
            shown = "true" if value is True else "false" if value is False else value
            text.append(
                f"With {fact.name} {shown} it would be {_OUTCOME_WORDS[code2]} "
                f"({', '.join(cited)})."
            )
            nearest.append(
                {"fact": fact.name, "value": value, "outcome": OUTCOMES[code2], "cites": cited}
            )
    return {
        "rule": f"{rt.pack}/default",
        "cites": [],
        "text": " ".join(text),
        "status": "applies",
        "nearest": nearest,
    }
