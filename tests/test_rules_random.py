"""A fresh random comparison: 100,000 cases of every kind of the Chicago pack, decided by the
engine and by the reference interpreter of docs/pack-format.md (tests/test_rules_reference.py).

Every case is compared on outcome, reasons, obligations and findings with their status; every
200th case also on ``if``, law changes, the default reason's nearest rules, questions and flips
(for those the reference tries every value of every fact and every other day, about 10 ms a
case). The cases of each kind run in
chunks, so that pytest-xdist spreads them over the CPUs. ``BL_RANDOM_SEED``
changes the cases (the seed is in every failure message).
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from typing import Any

import pytest

from brightline.rules import Decider, load_pack
from test_rules_reference import REPO_PACKS, compare, reference

CASES_PER_KIND = 100_000
CHUNKS = 4
FULL_EVERY = 200
SEED = int(os.environ.get("BL_RANDOM_SEED", "20251206"))
KINDS = ("assistance", "appearance", "federal_conduct", "property_use")
LAST_DAY = date(2026, 12, 31)


def _cases(kind_name: str, chunk: int) -> list[tuple[date, str, dict[str, Any]]]:
    pack = load_pack("chicago", REPO_PACKS)
    kind = pack.kinds[kind_name]
    rng = random.Random(f"{SEED}/{kind_name}/{chunk}")
    first = pack.top.covers_from
    changes = [d for d in pack.boundaries(kind_name) if d >= first]
    out = []
    for _ in range(CASES_PER_KIND // CHUNKS):
        p_known = rng.choice((0.2, 0.5, 0.8, 1.0))
        facts = {f.name: rng.choice(f.values) for f in kind.facts if rng.random() < p_known}
        if rng.random() < 0.3:
            day = rng.choice(changes) - timedelta(days=rng.choice((0, 0, 1)))
            day = max(day, first)
        else:
            day = first + timedelta(days=rng.randrange((LAST_DAY - first).days))
        at = day.isoformat() if rng.random() < 0.7 else f"{day.isoformat()}T12:00:00-05:00"
        out.append((day, at, facts))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("kind_name", KINDS)
def test_engine_agrees_with_the_reference_on_random_cases(kind_name: str, chunk: int) -> None:
    pack = load_pack("chicago", REPO_PACKS)
    kind = pack.kinds[kind_name]
    decider = Decider(REPO_PACKS)
    for n, (day, at, facts) in enumerate(_cases(kind_name, chunk)):
        full = n % FULL_EVERY == 0
        case = {"jurisdiction": "chicago", "at": at, "kind": kind_name, "facts": facts}
        got = decider.decide(case, flips=full)
        want = reference(pack, kind, day, facts, probe=full)
        compare(got, want, f"seed {SEED}, chunk {chunk}, case {case}", full=full)
