"""Every scenario of every pack in packs/ is its own test (id: pack/file/name), and the Chicago
scenarios must exercise every Chicago-scope key of law.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from brightline.rules._engine import Decider
from brightline.rules._model import LAW_SCOPES
from brightline.rules._registry import law_book
from brightline.rules._scenarios import Result, Scenario, all_scenarios, run_all, run_scenario

PACKS = Path(__file__).resolve().parents[1] / "packs"
CHICAGO_SCOPES = ("illinois", "cook_county", "chicago", "general")
SCENARIOS: list[Scenario] = all_scenarios(packs_dir=PACKS) if PACKS.is_dir() else []
DECIDER = Decider(PACKS)


def _describe(result: Result) -> str:
    s = result.scenario
    lines = [f"{s.file}:{s.line}: {s.name}", f"  case: {s.case}", *result.problems]
    if result.decision is not None:
        lines.append(f"  got reasons: {[r['rule'] for r in result.decision['reasons']]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    result = run_scenario(scenario, DECIDER)
    assert result.passed, _describe(result)


def test_there_are_chicago_scenarios() -> None:
    assert any(s.pack == "chicago" for s in SCENARIOS), "no scenarios in packs/chicago/scenarios"


def test_every_chicago_scope_law_key_is_exercised() -> None:
    assert set(CHICAGO_SCOPES) < set(LAW_SCOPES)
    chicago = [s for s in SCENARIOS if s.pack == "chicago"]
    results = run_all(chicago, PACKS)
    exercised = {k for r in results if r.passed for k in r.scenario.expected_keys()}
    keys = {k for k, law in law_book(PACKS).items() if law.scope in CHICAGO_SCOPES}
    missing = sorted(keys - exercised)
    assert not missing, (
        "law.yaml keys of Chicago scope that no passing Chicago scenario expects in its cites, "
        f"obligations or findings: {', '.join(missing)}"
    )
