"""Scenarios: cases in the lawyers' language with the decision they expect, and a runner.

A scenario file is ``packs/<pack>/scenarios/*.yaml``, a list validated by ``scenario.schema.json``.
The runner decides each case and compares: the outcome; the exact sets of reason cites (every
reason), the cites of the obligations and of the findings that apply (status ``applies``),
question facts, reason rules and the cites of every reason, obligation or finding that may
apply (``may_apply``), each only when the key is given; the set of law changes
(date and outcome, ``law_changes``); and that every listed flip is present. A law key is *exercised* when it appears in an
expected ``cites``, ``obligations`` or ``findings`` list of a passing scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brightline.errors import BrightlineError
from brightline.rules._engine import Decider
from brightline.rules._registry import available_packs, load_pack, resolve_packs_dir
from brightline.rules._yamlsource import display_path, read_source, validate

SET_KEYS = ("cites", "obligations", "findings", "questions", "rules", "may_apply")
LAW_LISTS = ("cites", "obligations", "findings")


@dataclass(frozen=True)
class Scenario:
    pack: str
    file: str
    line: int
    name: str
    case: dict[str, Any]
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.pack}/{Path(self.file).stem}/{self.name}"

    def expected_keys(self) -> set[str]:
        """The law keys this scenario's expectation names."""
        return {key for name in LAW_LISTS for key in self.expect.get(name, [])}


@dataclass
class Result:
    scenario: Scenario
    decision: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def load_scenarios(pack: str, packs_dir: Path | str | None = None) -> list[Scenario]:
    """Every scenario of one pack folder, file by file (sorted), in file order."""
    folder = resolve_packs_dir(packs_dir)
    out: list[Scenario] = []
    for file in sorted((folder / pack / "scenarios").glob("*.yaml")):
        source = read_source(file, display_path(file, folder))
        if source.data is None:
            continue
        validate(source, "scenario.schema.json")
        for i, node in enumerate(source.data):
            case = {
                "jurisdiction": node.get("jurisdiction", pack),
                "at": node["at"],
                "kind": node["kind"],
                "facts": node.get("facts") or {},
            }
            line = source.line((i,)) or 0
            out.append(Scenario(pack, source.file, line, node["name"], case, node["expect"]))
    return out


def all_scenarios(
    packs: Iterable[str] | None = None, packs_dir: Path | str | None = None
) -> list[Scenario]:
    names = list(packs) if packs is not None else available_packs(packs_dir)
    return [s for name in names for s in load_scenarios(name, packs_dir)]


def run_scenario(scenario: Scenario, decider: Decider) -> Result:
    result = Result(scenario)
    try:
        decision = decider.decide(scenario.case, flips="flips" in scenario.expect)
    except BrightlineError as exc:
        result.problems.append(f"error: {exc}")
        return result
    result.decision = decision
    result.problems = compare(scenario.expect, decision)
    return result


def run_all(scenarios: Sequence[Scenario], packs_dir: Path | str | None = None) -> list[Result]:
    decider = Decider(packs_dir)
    return [run_scenario(s, decider) for s in scenarios]


def got_sets(decision: dict[str, Any]) -> dict[str, set[str]]:
    """What a decision says, as the sets a scenario compares."""

    def cites(items: list[dict[str, Any]]) -> set[str]:
        return {c for item in items for c in item["cites"]}

    items = [*decision["reasons"], *decision["obligations"], *decision["findings"]]
    return {
        "cites": cites(decision["reasons"]),
        "obligations": cites([i for i in decision["obligations"] if _applies(i)]),
        "findings": cites([i for i in decision["findings"] if _applies(i)]),
        "questions": {q["fact"] for q in decision["questions"]},
        "rules": {r["rule"] for r in decision["reasons"]},
        "may_apply": cites([i for i in items if i.get("status") == "may_apply"]),
    }


def _applies(item: dict[str, Any]) -> bool:
    return bool(item.get("status", "applies") == "applies")


def compare(expect: dict[str, Any], decision: dict[str, Any]) -> list[str]:
    """Lines saying where the decision differs from the expectation (none: it passes)."""
    problems: list[str] = []
    if decision["outcome"] != expect["outcome"]:
        problems.append(f"outcome: expected {expect['outcome']}, got {decision['outcome']}")
    got = got_sets(decision)
    for key in SET_KEYS:
        if key not in expect:
            continue
        wanted = set(expect[key])
        missing, extra = sorted(wanted - got[key]), sorted(got[key] - wanted)
        if missing or extra:
            parts = [f"missing {', '.join(missing)}" if missing else ""]
            parts.append(f"unexpected {', '.join(extra)}" if extra else "")
            problems.append(f"{key}: " + "; ".join(p for p in parts if p))
    if "law_changes" in expect:
        got_changes = {(c["at"][:10], c["outcome"]) for c in decision.get("law_changes", [])}
        wanted_changes = {(str(c["at"])[:10], c["outcome"]) for c in expect["law_changes"]}
        if got_changes != wanted_changes:
            shown = ", ".join(f"{a} {o}" for a, o in sorted(got_changes)) or "none"
            problems.append(f"law_changes: expected {sorted(wanted_changes)}, got {shown}")
    flips = {(f["fact"], _key(f["value"]), f["outcome"]) for f in decision["flips"]}
    for flip in expect.get("flips", []):
        if (flip["fact"], _key(flip["value"]), flip["outcome"]) not in flips:
            problems.append(
                f"flips: missing {flip['fact']}={_show(flip['value'])} -> {flip['outcome']}"
            )
    return problems


def _key(value: object) -> str:
    return f"{type(value).__name__}:{value}"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def exercised(results: Iterable[Result]) -> set[str]:
    """Law keys named by the expectations of passing scenarios."""
    return {key for r in results if r.passed for key in r.scenario.expected_keys()}


def unexercised(pack: str, results: Iterable[Result], packs_dir: Path | str | None = None) -> list[str]:
    """Keys cited by the (layered) pack's rules that no passing scenario exercises."""
    cited = {c for rule in load_pack(pack, packs_dir).rules for c in rule.cites}
    return sorted(cited - exercised(results))
