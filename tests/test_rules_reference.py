"""The compiled engine against a plain interpreter of docs/pack-format.md, on random cases.

The interpreter below reads the model directly: Kleene logic on the condition tree, overrides by
recursion, the outcome ladder, and questions and flips by probing every value of every fact. The
engine's bitsets, specialised programs, value classes and monotone pruning must agree with it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from brightline.errors import PackError
from brightline.rules import Decider, load_pack
from brightline.rules._model import All, Cmp, Condition, Kind, Known, LayeredPack, Not, Rule
from brightline.rules._model import Any as AnyOf

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


def applies(rule: Rule, overriders: dict[str, list[Rule]], facts: dict[str, Any]) -> int:
    """Kleene value of the condition, ANDed with NOT of each overrider's applies value."""
    value = kleene(rule.condition, facts)
    for other in overriders[rule.id]:
        value = min(value, 2 - applies(other, overriders, facts))
    return value


_IN_FORCE: dict[tuple[int, str, date], tuple[LayeredPack, list[Rule], dict[str, list[Rule]]]] = {}


def in_force(pack: LayeredPack, kind: str, day: date) -> tuple[list[Rule], dict[str, list[Rule]]]:
    """The rules of ``kind`` in force on ``day`` and, per rule id, the rules overriding it."""
    found = _IN_FORCE.get((id(pack), kind, day))
    if found is None or found[0] is not pack:
        rules = [r for r in pack.rules_for(kind) if r.in_force(day)]
        over = {r.id: [o for o in rules if r.id in o.overrides] for r in rules}
        found = _IN_FORCE[(id(pack), kind, day)] = (pack, rules, over)
    return found[1], found[2]


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


def _states(
    pack: LayeredPack, kind: Kind, day: date, facts: dict[str, Any]
) -> tuple[str, list[str], dict[str, int], list[Rule]]:
    """(outcome, deciding rule ids, applies value per rule id, rules in force) on ``day``."""
    rules, overriders = in_force(pack, kind.name, day)
    states = [(r, applies(r, overriders, facts)) for r in rules]
    name, why = outcome_of(states, pack.default_outcome)
    return name, why, {r.id: s for r, s in states}, rules


def _cites(rules: list[Rule], ids: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for r in rules:
        if r.id in ids:
            out.update(dict.fromkeys(r.cites))
    return list(out)


def _midnight(pack: LayeredPack, day: date) -> str:
    return datetime.combine(day, time(), ZoneInfo(pack.timezone)).isoformat()


def law_changes(
    pack: LayeredPack, kind: Kind, day: date, facts: dict[str, Any], name: str
) -> list[dict[str, Any]]:
    """The nearest earlier and later segment starts whose law gives these facts another
    outcome, by trying every segment outward from ``day``."""
    lo, hi = pack.top.covers_from, pack.top.covers_until
    starts = [d for d in pack.boundaries(kind.name) if lo <= d and (hi is None or d < hi)]
    here = max(i for i, d in enumerate(starts) if d <= day)
    out = []
    for side in (range(here - 1, -1, -1), range(here + 1, len(starts))):
        for i in side:
            other, why, _, rules = _states(pack, kind, starts[i], facts)
            if other != name:
                end = starts[i + 1] if i + 1 < len(starts) else hi
                out.append(
                    {
                        "at": _midnight(pack, starts[i]),
                        "until": _midnight(pack, end) if end is not None else None,
                        "outcome": other,
                        "cites": _cites(rules, why),
                    }
                )
                break
    return out


def reference(
    pack: LayeredPack, kind: Kind, day: date, given: dict[str, Any], probe: bool = True
) -> dict[str, Any]:
    """The decision by the letter of docs/pack-format.md (``probe=False``: without questions,
    flips, ``if``, law changes and the default reason's nearest rules, which try other values and
    other days)."""
    facts = {f.name: f.default for f in kind.facts if f.default is not None}
    facts.update(given)
    name, why, state, rules = _states(pack, kind, day, facts)

    def decide(fs: dict[str, Any]) -> tuple[str, list[str], dict[str, int]]:
        return _states(pack, kind, day, fs)[:3]

    questions, flips = [], set()
    for fact in kind.facts if probe else ():
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
    obligations = [r.id for r in rules if r.effect == "oblige" and state[r.id] != F]
    findings = [r.id for r in rules if r.effect == "find" and state[r.id] != F]
    status = {}
    conditions = {}
    tried: dict[tuple[str, Any], dict[str, int]] = {}  # (fact, value) -> applies values

    def states_with(fact: str, value: Any) -> dict[str, int]:
        if (fact, value) not in tried:
            tried[fact, value] = decide({**facts, fact: value})[2]
        return tried[fact, value]

    for rid in [*why, *obligations, *findings]:
        status[rid] = "applies" if state[rid] == T else "may_apply"
        if state[rid] == U and probe:
            conditions[rid] = _if(kind, facts, rid, states_with)
    changes = law_changes(pack, kind, day, facts, name) if probe else []
    out = {
        "outcome": name,
        "reasons": why or [f"{pack.name}/default"],
        "obligations": obligations,
        "findings": findings,
        "questions": questions,
        "flips": flips,
        "status": status,
        "if": conditions,
        "law_changes": changes,
    }
    if not why and probe:
        out["nearest"] = _nearest(kind, facts, name, changes, decide, rules)
    return out


def _if(
    kind: Kind, facts: dict[str, Any], rid: str, states: Callable[[str, Any], dict[str, int]]
) -> list[dict[str, Any]]:
    """Per unknown fact: the values that keep the rule possible; if none narrows it, the values
    that alone make it apply."""
    needed, alone = [], []
    for fact in kind.facts:
        if fact.name in facts:
            continue
        keep = [v for v in fact.values if states(fact.name, v)[rid] != F]
        make = [v for v in fact.values if states(fact.name, v)[rid] == T]
        if not keep:
            needed.append({"fact": fact.name, "values": [], "unknown": True})
        elif len(keep) != len(fact.values):
            needed.append({"fact": fact.name, "values": keep})
        if make:
            alone.append({"fact": fact.name, "values": make, "alone": True})
    return needed or alone


def _nearest(
    kind: Kind,
    facts: dict[str, Any],
    name: str,
    changes: list[dict[str, Any]],
    decide: Callable[[dict[str, Any]], tuple[str, list[str], dict[str, int]]],
    rules: list[Rule],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"at": c["at"], "outcome": c["outcome"], "cites": c["cites"]} for c in changes[::-1]
    ]
    found = 0
    for fact in kind.facts:
        if fact.name not in facts:
            continue
        seen = set()
        for value in fact.values:
            if value == facts[fact.name] or found >= 3:
                continue
            other, why, _ = decide({**facts, fact.name: value})
            if other == name or not why or (other, tuple(why)) in seen:
                continue
            seen.add((other, tuple(why)))
            found += 1
            out.append(
                {"fact": fact.name, "value": value, "outcome": other, "cites": _cites(rules, why)}
            )
    return out


def compare(got: dict[str, Any], want: dict[str, Any], where: str, full: bool = True) -> None:
    """Assert that the engine's decision ``got`` says what the reference ``want`` says."""
    assert got["outcome"] == want["outcome"], where
    assert [r["rule"] for r in got["reasons"]] == want["reasons"], where
    assert [r["rule"] for r in got["obligations"]] == want["obligations"], where
    assert [r["rule"] for r in got["findings"]] == want["findings"], where
    for item in [*got["reasons"], *got["obligations"], *got["findings"]]:
        if item["rule"].endswith("/default"):
            assert item["status"] == "applies" and item["cites"] == [], where
            assert not full or item["nearest"] == want["nearest"], where
            continue
        assert item["status"] == want["status"][item["rule"]], (item["rule"], where)
        if item["status"] == "applies":
            assert "if" not in item, where
        elif full:
            assert item["if"] == want["if"][item["rule"]], (item["rule"], where)
    if full:
        assert got["law_changes"] == want["law_changes"], where
        assert [q["fact"] for q in got["questions"]] == want["questions"], where
        flips = {(f["fact"], f["value"], f["outcome"]) for f in got["flips"]}
        assert flips == want["flips"] and len(flips) == len(got["flips"]), where


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
        compare(got, want, where)
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


# ------------------------------------------------------------------ random packs

FACTS_YAML = """\
      a: {type: enum, values: [x, y, z], question: 'A?'}
      b: {type: enum, values: [u, v], question: 'B?'}
      c: {type: bool, question: 'C?'}
      d: {type: bool, default: true, question: 'D?'}
      e: {type: enum, values: [p, q, r, s], question: 'E?'}
"""
DOMAINS: dict[str, list[Any]] = {
    "a": ["x", "y", "z"], "b": ["u", "v"], "c": [True, False], "d": [True, False],
    "e": ["p", "q", "r", "s"],
}
DAYS = ["2024-01-01", "2024-06-01", "2025-01-01"]
EFFECTS = ["prohibit", "permit", "review", "oblige", "find", "not_applicable"]


def random_condition(rng: random.Random, depth: int) -> str:
    """A condition in YAML flow style."""
    roll = rng.random()
    if depth == 0 or roll < 0.45:
        fact = rng.choice(list(DOMAINS))
        domain = DOMAINS[fact]
        op = rng.random()
        if op < 0.1:
            return f"{{fact: {fact}, known: {rng.choice(['true', 'false'])}}}"
        if isinstance(domain[0], bool):
            return f"{{fact: {fact}, is: {rng.choice(['true', 'false'])}}}"
        if op < 0.5:
            return f"{{fact: {fact}, equals: {rng.choice(domain)}}}"
        values = rng.sample(domain, rng.randint(1, len(domain) - 1))
        return f"{{fact: {fact}, in: [{', '.join(values)}]}}"
    if roll < 0.6:
        return f"{{not: {random_condition(rng, depth - 1)}}}"
    items = ", ".join(random_condition(rng, depth - 1) for _ in range(rng.randint(1, 3)))
    return f"{{{rng.choice(['all', 'any'])}: [{items}]}}"


def random_rules(rng: random.Random, prefix: str, n: int) -> str:
    lines = []
    for i in range(n):
        effect = rng.choice(EFFECTS)
        lines += [f"  - id: {prefix}{i}", "    kind: k", f"    effect: {effect}",
                  "    cites: [K.1]", f"    text: rule {prefix}{i}"]
        if rng.random() < 0.9:
            lines.append(f"    when: {random_condition(rng, 3)}")
        if effect in ("permit", "not_applicable") and rng.random() < 0.4:
            lines.append("    fallback: true")
        start, end = sorted(rng.sample(range(len(DAYS) + 1), 2))
        if start > 0 and rng.random() < 0.5:
            lines.append(f"    from: {DAYS[start - 1]}")
        if end < len(DAYS) and rng.random() < 0.3:
            lines.append(f"    until: {DAYS[end]}")
        earlier = [j for j in range(i) if rng.random() < 0.25]
        if earlier:
            lines.append(f"    overrides: [{', '.join(f'{prefix}{j}' for j in earlier)}]")
    return "\n".join(lines) + "\n"


def write_random_packs(folder: Path, seed: int) -> None:
    rng = random.Random(seed)
    (folder / "law.yaml").write_text("keys:\n  K.1: {text: A clause., scope: general}\n")
    outcomes = ["prohibited", "permitted", "needs_review", "not_applicable"]
    for name, layers in (("lower", ""), ("upper", "layers_over: [lower]\n")):
        (folder / name).mkdir()
        guard = "applies_when: {fact: d, is: true}\n" if rng.random() < 0.5 else ""
        kinds = f"kinds:\n  k:\n    facts:\n{FACTS_YAML}" if name == "lower" else ""
        (folder / name / "pack.yaml").write_text(
            f"pack: {name}\nversion: '1'\ntimezone: UTC\ncovers: {{from: 2023-01-01}}\n"
            f"{layers}{guard}default_outcome: {rng.choice(outcomes)}\n{kinds}"
            f"rules:\n{random_rules(rng, name[0], rng.randint(2, 9))}"
        )


@pytest.mark.parametrize("seed", range(int(os.environ.get("BL_SEEDS", "40"))))
def test_engine_matches_reference_on_random_packs(tmp_path: Path, seed: int) -> None:
    write_random_packs(tmp_path, seed)
    pack = load_pack("upper", tmp_path)
    decider = Decider(tmp_path)
    kind = pack.kinds["k"]
    rng = random.Random(seed)
    for _ in range(60):
        facts = {f: rng.choice(vs) for f, vs in DOMAINS.items() if rng.random() < 0.5}
        day = rng.choice(["2023-06-01", *DAYS, "2025-06-01"])
        case = {"jurisdiction": "upper", "at": day, "kind": "k", "facts": facts}
        got = decider.decide(case)
        want = reference(pack, kind, date.fromisoformat(day), facts)
        where = f"seed {seed}, case {facts} on {day}"
        compare(got, want, where)
