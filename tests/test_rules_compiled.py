"""The compiled form (brightline.rules.compile_pack): encoding, segments, classes, the ladder.

Its three-valued reading (``must``/``may``) is held to a plain Kleene reading of the model's
conditions on every rule of the real packs and random cases.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from brightline.rules import (
    GROUPS,
    CodeCmp,
    CompiledPack,
    compile_pack,
    load_pack,
    may,
    must,
)
from brightline.rules._compiled import code_slots
from brightline.rules._model import All, Cmp, Condition, Known, Not

REPO_PACKS = Path(__file__).resolve().parents[1] / "packs"
F, U, T = 0, 1, 2


def kleene(cond: Condition, facts: dict[str, Any]) -> int:
    if isinstance(cond, Cmp):
        if cond.fact not in facts:
            return U
        return T if (facts[cond.fact] in cond.values) != cond.negate else F
    if isinstance(cond, Known):
        return T if (cond.fact in facts) == cond.known else F
    if isinstance(cond, Not):
        return 2 - kleene(cond.item, facts)
    values = [kleene(c, facts) for c in cond.items]
    return min(values, default=T) if isinstance(cond, All) else max(values, default=F)


@pytest.fixture(scope="module")
def chicago() -> CompiledPack:
    return compile_pack(load_pack("chicago", REPO_PACKS))


def test_facts_are_slots_with_one_bit_per_value(chicago: CompiledPack) -> None:
    kind = chicago.kinds["assistance"]
    agency = kind.fact("agency")
    assert agency is not None and agency.slot == 0
    assert [agency.bits[v] for v in agency.values] == [1 << i for i in range(len(agency.values))]
    threat = kind.fact("imminent_threat")
    assert threat is not None and threat.bits[True] == 1 and threat.bits[False] == 2
    wj = kind.fact("within_jurisdiction")
    assert wj is not None and wj.absent_k == wj.absent_p == wj.bits[True]
    assert agency.absent_k == 0 and agency.absent_p == agency.full
    assert agency.values_of(agency.bits["ice"] | agency.bits["cbp"]) == ("ice", "cbp")


def test_segments_cover_the_coverage_in_order(chicago: CompiledPack) -> None:
    pack = load_pack("chicago", REPO_PACKS)
    assert chicago.digest == pack.digest and chicago.digest.startswith("sha256:")
    for kind in chicago.kinds.values():
        segs = kind.segments
        assert segs[0].start == chicago.covers_from
        for a, b in itertools.pairwise(segs):
            assert a.end == b.start
        assert segs[-1].end == chicago.covers_until
        for seg in segs:
            assert kind.segment_on(seg.start) is seg
            assert [r.id for r in seg.rules] == [
                r.id for r in pack.rules_for(kind.name) if r.in_force(seg.start)
            ]
            union = 0
            for group in GROUPS:
                assert union & seg.groups[group] == 0
                union |= seg.groups[group]
            assert union == (1 << len(seg.rules)) - 1
    assert chicago.kinds["assistance"].segment_on(date(2021, 8, 1)) is None


def test_overriders_come_first_and_deps_include_theirs(chicago: CompiledPack) -> None:
    for kind in chicago.kinds.values():
        for seg in kind.segments:
            seen: set[int] = set()
            for i in seg.order:
                rule = seg.rules[i]
                assert set(rule.overriders) <= seen
                for j in rule.overriders:
                    assert seg.rules[j].deps & ~rule.deps == 0
                    assert rule.id in seg.rules[j].source.overrides
                seen.add(i)


def test_value_classes_partition_each_domain(chicago: CompiledPack) -> None:
    for kind in chicago.kinds.values():
        for seg in kind.segments:
            for fact, classes in zip(kind.facts, seg.classes, strict=True):
                if not classes:
                    assert all(not code_slots(r.code) >> fact.slot & 1 for r in seg.rules)
                    continue
                assert sum(c.mask for c in classes) == fact.full
                for c in classes:
                    assert c.bit == fact.bits[c.values[0]]
                    assert fact.values_of(c.mask) == c.values



def test_comparisons_never_split_a_class(chicago: CompiledPack) -> None:
    for kind in chicago.kinds.values():
        for seg in kind.segments:
            for rule in seg.rules:
                todo = [rule.code]
                while todo:
                    code = todo.pop()
                    if isinstance(code, CodeCmp):
                        for c in seg.classes[code.slot]:
                            assert c.mask & code.mask in (0, c.mask)
                    elif hasattr(code, "items"):
                        todo.extend(code.items)
                    elif hasattr(code, "item"):
                        todo.append(code.item)


def test_must_and_may_are_kleene_on_every_rule(chicago: CompiledPack) -> None:
    rng = random.Random(5)
    for kind in chicago.kinds.values():
        for seg in kind.segments:
            for _ in range(150):
                facts = {
                    f.name: rng.choice(f.values) for f in kind.facts if rng.random() < 0.6
                }
                facts.update(
                    {f.name: f.default for f in kind.facts if f.default is not None}
                    if rng.random() < 0.5
                    else {}
                )
                full = {f.name: f.default for f in kind.facts if f.default is not None}
                full.update(facts)
                k = [f.bits[full[f.name]] if f.name in full else 0 for f in kind.facts]
                p = [f.bits[full[f.name]] if f.name in full else f.full for f in kind.facts]
                for rule in seg.rules:
                    want = kleene(rule.source.condition, full)
                    assert must(rule.code, k, p) == (want == T), (rule.id, full)
                    assert may(rule.code, k, p) == (want != F), (rule.id, full)


def test_segment_days_are_local_days_of_the_pack(chicago: CompiledPack) -> None:
    kind = chicago.kinds["appearance"]
    starts = [s.start for s in kind.segments]
    assert date(2025, 8, 30) in starts
    seg = kind.segment_on(date(2025, 8, 30) - timedelta(days=1))
    assert seg is not None and seg.end == date(2025, 8, 30)
