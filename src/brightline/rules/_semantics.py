"""The decision semantics, written once, over the compiled form and its kernel.

Steps 4-8 of ``docs/pack-format.md``: from the bitsets ``M`` (rules that apply) and ``Y`` (rules
that may apply) of one segment, the outcome ladder and the reasons that decided it, the
obligations and findings, the questions and the flips. The kernel (:mod:`._kernel`) computes the
bitsets; nothing else here knows how.

Probing. Questions and flips try one value per value class of a fact and read the outcome again.
Kleene logic is monotone except for ``known`` tests: giving an unknown fact a value never turns T
or F into anything else, so only facts that a U rule of the outcome depends on (or that a rule
tests with ``known``) can change the outcome while unknown; the others are not probed. A probe
recomputes only the rules that depend on the probed fact.
"""

from __future__ import annotations

from typing import Any

from brightline.rules._compiled import (
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    OUTCOMES,
    PERMITTED,
    PROHIBITED,
    FactCode,
    Segment,
)
from brightline.rules._kernel import Kernel, Probe, build_kernel, build_probe

Part = dict[str, Any]


class Runtime:
    """One segment ready to decide: its kernel, probes (built on first use) and group masks."""

    def __init__(self, segment: Segment, facts: tuple[FactCode, ...]) -> None:
        g = segment.groups
        self.segment = segment
        self.facts = facts
        self.kernel: Kernel = build_kernel(segment, len(facts))
        self._probes: dict[int, Probe] = {}
        self.prohibit = g["prohibit"]
        self.open = g["prohibit"] | g["review"]
        self.permit = g["permit"]
        self.not_applicable = g["not_applicable"]
        self.fb_permit = g["fallback_permit"]
        self.fb_not_applicable = g["fallback_not_applicable"]
        self.fallback = self.fb_permit | self.fb_not_applicable
        self.oblige = g["oblige"]
        self.find = g["find"]
        self.outcome_rules = segment.outcome_rules
        self.default = OUTCOMES.index(segment.default)
        self.deps = [r.deps for r in segment.rules]
        self.parts = [(r.id, r.cites, r.text) for r in segment.rules]
        self.classes = segment.classes
        self.nonmono = segment.nonmono

    def probe(self, slot: int) -> Probe:
        found = self._probes.get(slot)
        if found is None:
            found = self._probes[slot] = build_probe(self.segment, len(self.facts), slot)
        return found


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


def parts(rt: Runtime, mask: int) -> list[Part]:
    """The reason, obligation or finding dicts of the rules in ``mask``, in rule order."""
    out = []
    table = rt.parts
    while mask:
        low = mask & -mask
        rule, cites, text = table[low.bit_length() - 1]
        out.append({"rule": rule, "cites": [*cites], "text": text})
        mask ^= low
    return out


def open_slots(rt: Runtime, M: int, Y: int) -> int:
    """The slots whose value could change the outcome while unknown: those a U rule of the
    outcome depends on, and those tested with ``known``."""
    rel = rt.nonmono
    unsure = Y & ~M & rt.outcome_rules
    deps = rt.deps
    while unsure:
        low = unsure & -unsure
        rel |= deps[low.bit_length() - 1]
        unsure ^= low
    return rel


def evaluate(
    rt: Runtime, k: list[int], p: list[int], flips: bool
) -> tuple[int, int, int, list[dict[str, Any]], list[dict[str, Any]]]:
    """Steps 4-8 for an encoded case: (outcome code, reasons mask, applies M, questions, flips).

    ``k`` and ``p`` are changed while probing and restored before returning.
    """
    M, Y = rt.kernel(k, p)
    code, why = ladder(rt, M, Y)
    questions: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    if code != NEEDS_REVIEW and not flips:
        return code, why, M, questions, changes
    rel = open_slots(rt, M, Y)
    for slot, classes in enumerate(rt.classes):
        current = k[slot]
        if not classes:
            continue
        if current:
            if not flips:
                continue
        elif not (rel >> slot & 1 and (flips or code == NEEDS_REVIEW)):
            continue
        probe = rt.probe(slot)
        saved = p[slot]
        found: list[tuple[int, Any, int]] = []
        fact = rt.facts[slot]
        for cls in classes:
            if current & cls.mask:
                continue
            k[slot] = p[slot] = cls.bit
            M2, Y2 = probe(k, p, M, Y)
            other = outcome_of(rt, M2, Y2)
            if other != code:
                found += [(fact.bits[v], v, other) for v in cls.values]
                if not flips:
                    break
        k[slot], p[slot] = current, saved
        if not found:
            continue
        if not current and code == NEEDS_REVIEW:
            questions.append(
                {"fact": fact.name, "text": fact.question, "options": list(fact.values)}
            )
        if flips:
            if len(found) > 1:
                found.sort(key=_first)
            changes += [
                {"fact": fact.name, "value": v, "outcome": OUTCOMES[o]} for _, v, o in found
            ]
    return code, why, M, questions, changes


def _first(item: tuple[int, Any, int]) -> int:
    return item[0]

