"""`pack check` / `pack diff` (brightline.rules._analysis): planted faults are found, and the
symbolic counts equal brute-force enumeration through the engine on packs small enough to
enumerate; on the real Chicago pack the check is clean and fast and the diff sees the 2025-08-30
order."""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from brightline.cli import main as cli_main
from brightline.errors import InvalidInput
from brightline.rules import _analysis as A
from brightline.rules import load_pack
from brightline.rules._engine import decide_with
from brightline.rules._model import LayeredPack

FIXTURES = Path(__file__).parent / "fixtures" / "analysis" / "packs"


def fixture(name: str) -> LayeredPack:
    return load_pack(name, FIXTURES)


def every_case(pack: LayeredPack, kind: str, day: date) -> Iterator[dict[str, Any]]:
    """Brute force: every combination of every fact's values, unknown (absent) included."""
    facts = pack.kinds[kind].facts
    for combo in itertools.product(*(A.domain(f) for f in facts)):
        given = {f.name: v for f, v in zip(facts, combo, strict=True) if v is not A.UNKNOWN}
        yield {"jurisdiction": pack.name, "at": day.isoformat(), "kind": kind, "facts": given}


def brute_outcomes(pack: LayeredPack, kind: str, day: date) -> list[dict[str, Any]]:
    return [decide_with(pack, c, flips=False) for c in every_case(pack, kind, day)]


# ----------------------------------------------------------------------------- planted faults


def test_planted_conflict_is_found_with_an_example_and_exact_count() -> None:
    report = A.check_pack(fixture("clash"))
    assert report["ok"] is False
    conflicts = report["kinds"]["visit"]["conflicts"]
    assert [(c["prohibit"], c["permit"]) for c in conflicts] == [
        ("clash/no-red", "clash/escorted-ok")
    ]
    # badge red and escorted true is the only case (3 badges + unknown, escorted true/false/unknown)
    assert conflicts[0]["count"] == 1
    example = conflicts[0]["examples"][0]
    assert example["facts"] == {"badge": "red", "escorted": True}
    decision = decide_with(fixture("clash"), example, flips=False)
    assert decision["outcome"] == "prohibited"


def test_planted_dead_rule_is_found_and_live_rules_are_not() -> None:
    report = A.check_pack(fixture("clash"))
    dead = report["kinds"]["visit"]["dead_rules"]
    assert {d["rule"]: d["why"] for d in dead} == {
        "clash/never": "applies (T) in no case on any day it is in force",
        "clash/repealed-before-coverage": "in force on no day the pack covers",
    }
    assert report["dead_rules"] == 2


def test_a_clean_layered_pack_passes() -> None:
    report = A.check_pack(fixture("town"))
    assert report["ok"] is True
    assert report["conflicts"] == 0 and report["dead_rules"] == 0
    # an override between a prohibit and a permit is no conflict (share-warrant overrides no-feds)
    assert report["kinds"]["help"]["conflicts"] == []


# ----------------------------------------------------------------------------- exact counts


def test_cases_covered_is_the_full_product_per_segment() -> None:
    pack = fixture("town")
    report = A.check_pack(pack)
    segments = A.segments(pack, "help")
    assert [date.fromisoformat(d) for d in report["kinds"]["help"]["segments"]] == segments
    # agency 4+unknown, task 4+unknown, warrant 2+unknown, urgent 2+unknown, within_jurisdiction 2
    assert report["cases"] == len(segments) * 5 * 5 * 3 * 3 * 2


def test_undecided_count_equals_brute_force() -> None:
    pack = fixture("town")
    expected = 0
    for day in A.segments(pack, "help"):
        for d in brute_outcomes(pack, "help", day):
            assert d["reasons"], d  # never a decision without a reason
            if [r["rule"] for r in d["reasons"]] == ["town/default"]:
                expected += 1
    report = A.check_pack(pack)
    undecided = report["kinds"]["help"]["default_reasons"]
    assert expected > 0
    assert undecided["count"] == expected
    assert report["empty_reasons"] == 0 and report["kinds"]["help"]["empty_reasons"]["count"] == 0
    for example in undecided["examples"]:
        decision = decide_with(pack, example, flips=False)
        assert decision["outcome"] == pack.default_outcome
        assert [r["rule"] for r in decision["reasons"]] == ["town/default"]


@pytest.mark.parametrize(
    ("day1", "day2"),
    [
        (date(2020, 1, 1), date(2022, 1, 1)),
        (date(2022, 3, 1), date(2023, 6, 1)),
        (date(2020, 6, 1), date(2024, 1, 1)),
        (date(2024, 1, 1), date(2021, 1, 1)),
        (date(2022, 1, 1), date(2022, 2, 1)),
    ],
)
def test_diff_counts_equal_brute_force(day1: date, day2: date) -> None:
    pack = fixture("town")
    before, after = brute_outcomes(pack, "help", day1), brute_outcomes(pack, "help", day2)
    expected = Counter(
        (a["outcome"], b["outcome"])
        for a, b in zip(before, after, strict=True)
        if a["outcome"] != b["outcome"]
    )
    report = A.diff_pack(pack, day1, day2)
    got = {(c["from"], c["to"]): c["count"] for c in report["kinds"]["help"]["changes"]}
    assert got == dict(expected)
    assert report["kinds"]["help"]["changed"] == sum(expected.values())
    for change in report["kinds"]["help"]["changes"]:
        for example in change["examples"]:
            assert (
                decide_with(pack, {**example, "at": day1.isoformat()}, flips=False)["outcome"]
                == change["from"]
            )
            assert decide_with(pack, example, flips=False)["outcome"] == change["to"]


def test_value_classes_partition_each_domain() -> None:
    pack = fixture("town")
    space = A.Space(pack, pack.kinds["help"], [date(2022, 1, 1)])
    for fs in space.facts:
        values = [v for c in fs.classes for v in c.values]
        assert sorted(map(repr, values)) == sorted(map(repr, A.domain(fs.fact)))
    agency = space.facts[space.position["agency"]]
    # fed_a and fed_b are only ever compared through the set feds: one class
    assert ("fed_a", "fed_b") in [c.values for c in agency.classes]


def test_diff_outside_coverage_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match=r"--from 2019-12-31 is outside .*from 2020-01-01"):
        A.diff_pack(fixture("town"), date(2019, 12, 31), date(2022, 1, 1))
    with pytest.raises(InvalidInput, match=r"unknown kind 'nope'.*allowed: help"):
        A.check_pack(fixture("town"), ["nope"])


# ----------------------------------------------------------------------------- command line


def test_cli_check_exits_1_on_planted_faults(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["pack", "check", "clash", "--packs-dir", str(FIXTURES)])
    out = capsys.readouterr().out
    assert code == 1
    assert "clash/no-red vs clash/escorted-ok: 1 cases" in out
    assert "clash/never: applies (T) in no case" in out
    assert "covered 12 cases in" in out and "FAILED: 1 conflicts, 2 dead rules" in out


def test_cli_check_json_and_clean_exit(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["pack", "check", "town", "--packs-dir", str(FIXTURES), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["ok"] is True and report["cases"] == 1350 and report["seconds"] >= 0


def test_cli_diff_text_and_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pack", "diff", "town", "--packs-dir", str(FIXTURES)]
    assert cli_main([*args, "--from", "2020-01-01", "--to", "2022-01-01"]) == 0
    out = capsys.readouterr().out
    assert "help: permitted → prohibited: " in out
    assert cli_main([*args, "--from", "2020-13-01", "--to", "2022-01-01"]) == 2
    assert "--from: '2020-13-01' is not a date" in capsys.readouterr().err


# ----------------------------------------------------------------------------- Chicago


@pytest.fixture(scope="module")
def chicago_check() -> dict[str, Any]:
    started = time.perf_counter()
    report = A.check_pack(load_pack("chicago"))
    report["seconds"] = time.perf_counter() - started
    return report


def test_chicago_check_has_no_conflicts_or_dead_rules(chicago_check: dict[str, Any]) -> None:
    found = {
        kind: {"conflicts": k["conflicts"], "dead_rules": k["dead_rules"]}
        for kind, k in chicago_check["kinds"].items()
        if k["conflicts"] or k["dead_rules"]
    }
    assert found == {}, json.dumps(found, indent=1)[:4000]


def test_chicago_check_covers_every_kind_fast(chicago_check: dict[str, Any]) -> None:
    assert set(chicago_check["kinds"]) == {
        "assistance",
        "appearance",
        "federal_conduct",
        "property_use",
    }
    assert chicago_check["seconds"] < 30
    assert chicago_check["kinds"]["assistance"]["cases"] > 10_000_000


def test_chicago_diff_across_the_executive_order() -> None:
    report = A.diff_pack(load_pack("chicago"), date(2025, 8, 29), date(2025, 8, 30))
    kinds = report["kinds"]
    assert kinds["assistance"]["changed"] > 0 and kinds["appearance"]["changed"] > 0
    pairs = {(c["from"], c["to"]) for c in kinds["assistance"]["changes"]}
    assert ("permitted", "prohibited") in pairs
    for change in kinds["appearance"]["changes"][:2]:
        example = change["examples"][0]
        assert decide_with(load_pack("chicago"), example, flips=False)["outcome"] == change["to"]


# ----------------------------------------------------------------------------- random packs

RANDOM_FACTS: dict[str, Any] = {
    "colour": {"type": "enum", "values": ["red", "green", "blue"]},
    "size": {"type": "enum", "values": ["small", "large"]},
    "armed": {"type": "bool"},
    "night": {"type": "bool"},
    "inside": {"type": "bool", "default": True},
}
RANDOM_DAYS = [date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]


def _random_atom(rng: Any) -> dict[str, Any]:
    name = rng.choice(sorted(RANDOM_FACTS))
    spec = RANDOM_FACTS[name]
    roll = rng.random()
    if roll < 0.15 and "default" not in spec:
        return {"fact": name, "known": rng.random() < 0.5}
    if spec["type"] == "bool":
        return {"fact": name, "is": rng.random() < 0.5}
    if name == "colour" and roll < 0.3:
        return {"fact": name, "in_set": "warm"}
    if roll < 0.6:
        return {"fact": name, "equals": rng.choice(spec["values"])}
    return {"fact": name, "in": rng.sample(spec["values"], 2)}


def _random_condition(rng: Any, depth: int = 0) -> dict[str, Any]:
    roll = rng.random()
    if depth >= 2 or roll < 0.4:
        return _random_atom(rng)
    if roll < 0.55:
        return {"not": _random_condition(rng, depth + 1)}
    items = [_random_condition(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    return {"all" if roll < 0.8 else "any": items}


def _random_rules(rng: Any, prefix: str, n: int) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for i in range(n):
        effect = rng.choice(["prohibit", "permit", "permit", "review", "not_applicable", "oblige"])
        rule: dict[str, Any] = {
            "id": f"{prefix}{i}",
            "kind": "k",
            "effect": effect,
            "when": _random_condition(rng),
            "cites": ["T.1"],
            "text": f"Random rule {prefix}{i}.",
        }
        if effect in ("permit", "not_applicable") and rng.random() < 0.3:
            rule["fallback"] = True
        start = rng.choice(RANDOM_DAYS[:3])
        if rng.random() < 0.4:
            rule["from"] = start
        if rng.random() < 0.3:
            rule["until"] = rng.choice([d for d in RANDOM_DAYS if d > start])
        if i and rng.random() < 0.3:
            rule["overrides"] = [f"{prefix}{rng.randrange(i)}"]
        rules.append(rule)
    return rules


def _write_random_packs(folder: Path, seed: int) -> None:
    import random

    import yaml

    rng = random.Random(seed)
    (folder / "law.yaml").write_text((FIXTURES / "law.yaml").read_text())
    header = {
        "title": "Random",
        "version": "1",
        "timezone": "America/Chicago",
        "covers": {"from": RANDOM_DAYS[0]},
        "citations": "../law.yaml",
        "default_outcome": "not_applicable",
    }
    base = {
        "pack": "rbase",
        **header,
        "sets": {"warm": ["red", "green"]},
        "kinds": {
            "k": {
                "description": "Random kind.",
                "facts": {
                    n: {**spec, "description": n, "question": f"{n}?"}
                    for n, spec in RANDOM_FACTS.items()
                },
            }
        },
        "rules": _random_rules(rng, "b", rng.randint(2, 5)),
    }
    top = {
        "pack": "rtop",
        **header,
        "layers_over": ["rbase"],
        "applies_when": {"fact": "inside", "is": True},
        "rules": _random_rules(rng, "t", rng.randint(3, 8)),
    }
    for doc in (base, top):
        (folder / doc["pack"]).mkdir()
        (folder / doc["pack"] / "pack.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def _kleene_applies(pack: LayeredPack, day: date, facts: dict[str, Any]) -> dict[str, str]:
    """An independent oracle: each rule's applies value by direct Kleene evaluation."""
    from brightline.rules._model import All, Cmp, Known, Not

    def ev(c: Any) -> str:
        if isinstance(c, Cmp):
            if c.fact not in facts:
                return "U"
            return "T" if (facts[c.fact] in c.values) != c.negate else "F"
        if isinstance(c, Known):
            return "T" if (c.fact in facts) == c.known else "F"
        if isinstance(c, Not):
            return {"T": "F", "F": "T", "U": "U"}[ev(c.item)]
        vs = [ev(i) for i in c.items]
        if isinstance(c, All):
            return "F" if "F" in vs else "U" if "U" in vs else "T"
        return "T" if "T" in vs else "U" if "U" in vs else "F"

    rules = pack.in_force("k", day)
    out: dict[str, str] = {}

    def applies(rule: Any) -> str:
        if rule.id not in out:
            value = ev(rule.condition)
            for other in rules:
                if rule.id in other.overrides and applies(other) != "F":
                    value = "F" if applies(other) == "T" or value == "F" else "U"
            out[rule.id] = value
        return out[rule.id]

    for rule in rules:
        applies(rule)
    return out


@pytest.mark.parametrize("seed", range(24))
def test_random_packs_agree_with_brute_force(tmp_path: Path, seed: int) -> None:
    _write_random_packs(tmp_path, seed)
    pack = load_pack("rtop", tmp_path)
    report = A.check_pack(pack)["kinds"]["k"]
    undecided = 0
    conflicts: Counter[tuple[str, str]] = Counter()
    live: set[str] = set()
    by_id = {r.id: r for r in pack.rules}
    for day in A.segments(pack, "k"):
        for case in every_case(pack, "k", day):
            decision = decide_with(pack, case, flips=False)
            reasons = [r["rule"] for r in decision["reasons"]]
            assert reasons, case  # never a decision without a reason
            if reasons == [f"{pack.name}/default"]:
                undecided += 1
            values = _kleene_applies(pack, day, {"inside": True, **case["facts"]})
            on = [by_id[r] for r, v in values.items() if v == "T"]
            live.update(r.id for r in on)
            for p in on:
                for q in on:
                    if (p.effect, q.effect, q.fallback, p.pack) == (
                        "prohibit",
                        "permit",
                        False,
                        q.pack,
                    ):
                        conflicts[(p.id, q.id)] += 1
    assert report["undecided"]["count"] == undecided
    assert {(c["prohibit"], c["permit"]): c["count"] for c in report["conflicts"]} == conflicts
    assert {d["rule"] for d in report["dead_rules"]} == {r.id for r in pack.rules} - live
    day1, day2 = RANDOM_DAYS[seed % 3], RANDOM_DAYS[1 + seed % 3]
    before, after = brute_outcomes(pack, "k", day1), brute_outcomes(pack, "k", day2)
    expected = Counter(
        (a["outcome"], b["outcome"])
        for a, b in zip(before, after, strict=True)
        if a["outcome"] != b["outcome"]
    )
    report2 = A.diff_pack(pack, day1, day2)["kinds"]["k"]
    diff = report2["changes"]
    assert {(c["from"], c["to"]): c["count"] for c in diff} == dict(expected)
    # obligations and findings: per rule, cases whose status changes (absent/applies/may_apply)
    duty_changes: Counter[tuple[str, str, str]] = Counter()
    any_duty = 0
    for a, b in zip(before, after, strict=True):
        status = [
            {i["rule"]: i["status"] for i in [*d["obligations"], *d["findings"]]} for d in (a, b)
        ]
        changed = False
        for rule in set(status[0]) | set(status[1]):
            was, now = status[0].get(rule, "absent"), status[1].get(rule, "absent")
            if was != now:
                duty_changes[(rule, was, now)] += 1
                changed = True
        any_duty += changed
    got = {
        (d["rule"], d["from"], d["to"]): d["count"]
        for d in [*report2["obligations"], *report2["findings"]]
    }
    assert got == dict(duty_changes)
    assert report2["duties_changed"] == any_duty
