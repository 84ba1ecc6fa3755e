"""The compiled engine against a plain interpreter of docs/pack-format.md, on random cases.

The interpreter below reads the model directly: Kleene logic on the condition tree, overrides by
recursion, the outcome ladder, and questions and flips by probing every value of every fact. The
engine's bitsets, specialised programs, value classes and monotone pruning must agree with it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from brightline.errors import PackError
from brightline.rules import Decider, load_pack
from brightline.rules.model import All, Cmp, Condition, Kind, Known, LayeredPack, Not, Rule
from brightline.rules.model import Any as AnyOf

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
REPO_PACKS = Path(__file__).resolve().parents[1] / "packs"
F, U, T = 0, 1, 2


def kleene(cond: Condition, facts: dict[str, Any]) -> int:
    if isinstance(cond, Cmp):
        if cond.fact not in facts:
            return U
        hit = facts[cond.fact] in cond.values
        return T if hit != cond.negate else F
    if isinstance(cond, Known):
        return T if (cond.fact in facts) == cond.known else F
    if isinstance(cond, Not):
        return 2 - kleene(cond.item, facts)
    values = [kleene(c, facts) for c in cond.items]
    if isinstance(cond, All):
        return min(values, default=T)
    assert isinstance(cond, AnyOf)
    return max(values, default=F)


def applies(rule: Rule, rules: list[Rule], facts: dict[str, Any]) -> int:
    value = kleene(rule.condition, facts)
    for other in rules:
        if rule.id in other.overrides:
            value = min(value, 2 - applies(other, rules, facts))
    return value


def outcome_of(states: list[tuple[Rule, int]], default: str) -> tuple[str, list[str]]:
    def pick(effect: str, fallback: bool, want: tuple[int, ...]) -> list[str]:
        return [
            r.id for r, s in states if r.effect == effect and r.fallback == fallback and s in want
        ]

    prohibit_t = pick("prohibit", False, (T,))
    if prohibit_t:
        return "prohibited", prohibit_t
    open_ = [
        r.id
        for r, s in states
        if (r.effect == "prohibit" and s == U) or (r.effect == "review" and s in (T, U))
    ]
    if open_:
        return "needs_review", open_
    for effect, name in (("permit", "permitted"), ("not_applicable", "not_applicable")):
        if pick(effect, False, (T,)):
            return name, pick(effect, False, (T,))
        if pick(effect, False, (U,)):
            return "needs_review", pick(effect, False, (U,))
    if pick("permit", True, (T,)):
        return "permitted", pick("permit", True, (T,))
    if pick("not_applicable", True, (T,)):
        return "not_applicable", pick("not_applicable", True, (T,))
    fallback_u = [r.id for r, s in states if r.fallback and s == U]
    if fallback_u:
        return "needs_review", fallback_u
    return default, []


def reference(pack: LayeredPack, kind: Kind, day: date, given: dict[str, Any]) -> dict[str, Any]:
    facts = {f.name: f.default for f in kind.facts if f.default is not None}
    facts.update(given)
    rules = [r for r in pack.rules_for(kind.name) if r.in_force(day)]

    def decide(fs: dict[str, Any]) -> tuple[str, list[str], list[tuple[Rule, int]]]:
        states = [(r, applies(r, rules, fs)) for r in rules]
        name, why = outcome_of(states, pack.default_outcome)
        return name, why, states

    name, why, states = decide(facts)
    questions, flips = [], set()
    for fact in kind.facts:
        changes = []
        for value in fact.values:
            if facts.get(fact.name, object()) == value and fact.name in facts:
                continue
            other = decide({**facts, fact.name: value})[0]
            if other != name:
                changes.append((value, other))
        flips |= {(fact.name, v, o) for v, o in changes}
        if name == "needs_review" and fact.name not in facts and changes:
            questions.append(fact.name)
    return {
        "outcome": name,
        "reasons": why,
        "obligations": [r.id for r, s in states if r.effect == "oblige" and s == T],
        "findings": [r.id for r, s in states if r.effect == "find" and s == T],
        "questions": questions,
        "flips": flips,
    }


def random_cases(pack: LayeredPack, n: int, seed: int) -> list[tuple[Kind, date, dict[str, Any]]]:
    rng = random.Random(seed)
    days = sorted({d for k in pack.kinds for d in pack.boundaries(k)})
    first = pack.top.covers_from
    out = []
    for _ in range(n):
        kind = rng.choice(list(pack.kinds.values()))
        p_known = rng.choice((0.2, 0.5, 0.8, 1.0))
        facts = {f.name: rng.choice(f.values) for f in kind.facts if rng.random() < p_known}
        if rng.random() < 0.3:
            day = rng.choice(days)
        else:
            day = first + timedelta(days=rng.randrange((date(2026, 12, 31) - first).days))
        out.append((kind, max(day, first), facts))
    return out


def check_pack(packs_dir: Path, name: str, n: int, seed: int) -> None:
    pack = load_pack(name, packs_dir)
    decider = Decider(packs_dir)
    for kind, day, facts in random_cases(pack, n, seed):
        case = {"jurisdiction": name, "at": day.isoformat(), "kind": kind.name, "facts": facts}
        got = decider.decide(case)
        want = reference(pack, kind, day, facts)
        where = f"case {case}"
        assert got["outcome"] == want["outcome"], where
        assert [r["rule"] for r in got["reasons"]] == want["reasons"], where
        assert [r["rule"] for r in got["obligations"]] == want["obligations"], where
        assert [r["rule"] for r in got["findings"]] == want["findings"], where
        assert [q["fact"] for q in got["questions"]] == want["questions"], where
        flips = {(f["fact"], f["value"], f["outcome"]) for f in got["flips"]}
        assert flips == want["flips"], where
        assert len(flips) == len(got["flips"]), where
        assert decider.decide(case, flips=False) == {**got, "flips": []}, where


@pytest.mark.parametrize("name", ["testland", "testbase"])
def test_engine_matches_reference_on_fixture_packs(name: str) -> None:
    check_pack(FIXTURES, name, 600, seed=7)


@pytest.mark.parametrize("name", ["chicago", "illinois", "cook_county"])
def test_engine_matches_reference_on_real_packs(name: str) -> None:
    if not (REPO_PACKS / name / "pack.yaml").is_file():
        pytest.skip(f"pack {name} not written yet")
    try:
        load_pack(name, REPO_PACKS)
    except PackError as exc:
        pytest.fail(f"pack {name} does not load: {exc}")
    check_pack(REPO_PACKS, name, 400, seed=11)


def test_flips_come_in_declaration_then_value_order() -> None:
    pack = load_pack("testland", FIXTURES)
    decider = Decider(FIXTURES)
    kind = pack.kinds["assistance"]
    order = {f.name: (i, f.values) for i, f in enumerate(kind.facts)}
    for _, day, facts in random_cases(pack, 200, seed=3):
        case = {"jurisdiction": "testland", "at": day.isoformat(), "kind": "assistance"}
        flips = decider.decide({**case, "facts": {k: v for k, v in facts.items() if k in order}})[
            "flips"
        ]
        keys = [(order[f["fact"]][0], order[f["fact"]][1].index(f["value"])) for f in flips]
        assert keys == sorted(keys)
