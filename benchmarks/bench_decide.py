"""Decision speed: brightline.decide on 100,000+ distinct Chicago cases, and cedarpy on the
same assistance cases encoded in Cedar (benchmarks/cedar/encode.py).

Each decision is timed on its own with time.perf_counter_ns; the figures are median, p90, p99 and
mean per decision. Run: ``.venv/bin/python benchmarks/bench_decide.py [--cases N] [--seed S]``.

Targets (same run): brightline flips=False median at least 8 times faster than cedarpy's median;
with flips, median <= 50 us. The ratios are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "cedar"))

from brightline.rules import decide, load_pack  # noqa: E402

PACK = "chicago"
LAST_DAY = date(2026, 12, 31)  # the newest day generated when the pack's coverage is open-ended
OFFSETS = ("-05:00", "-06:00")
WARM_UP = 20_000  # extra distinct cases decided before timing, then discarded


def _fact_value(fact: Any, rng: random.Random, p_known: float) -> tuple[bool, Any]:
    """(given, value) for one fact of a generated case."""
    if fact.default is not None and rng.random() < 0.5:
        return False, None  # leave it to its default
    if rng.random() >= p_known:
        return False, None  # unknown
    return True, rng.choice(fact.values)


def _moment(day: date, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return day.isoformat()
    # a time near midday, so an offset never moves it across the local day boundary
    hour, minute = rng.randrange(9, 16), rng.randrange(60)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{rng.choice(OFFSETS)}"


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` distinct cases over every kind, with mixes of known and unknown facts and dates across
    the pack's coverage (a quarter of them on the days the rules change)."""
    pack = load_pack(PACK)
    rng = random.Random(seed)
    first, last = pack.top.covers_from, pack.top.covers_until or LAST_DAY
    span = (last - first).days
    kinds = list(pack.kinds.values())
    changes = sorted({d for k in pack.kinds for d in pack.boundaries(k) if first <= d < last})
    seen: set[str] = set()
    cases: list[dict[str, Any]] = []
    while len(cases) < n:
        kind = kinds[len(cases) % len(kinds)]
        p_known = rng.choice((0.35, 0.6, 0.85, 1.0))
        facts = {}
        for fact in kind.facts:
            given, value = _fact_value(fact, rng, p_known)
            if given:
                facts[fact.name] = value
        on_change = rng.random() < 0.25
        day = rng.choice(changes) if on_change else first + timedelta(days=rng.randrange(span))
        case = {"jurisdiction": PACK, "at": _moment(day, rng), "kind": kind.name, "facts": facts}
        key = json.dumps(case, sort_keys=True)
        if key not in seen:
            seen.add(key)
            cases.append(case)
    return cases


def time_each(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[int]:
    """Nanoseconds per call, each call timed on its own (GC off while timing)."""
    clock = time.perf_counter_ns
    out: list[int] = []
    gc.collect()
    gc.disable()
    try:
        for item in items:
            t0 = clock()
            fn(item)
            out.append(clock() - t0)
    finally:
        gc.enable()
    return out


def stats(ns: list[int]) -> dict[str, float]:
    s = sorted(ns)

    def pct(p: float) -> float:
        return s[min(len(s) - 1, int(p * len(s)))] / 1000

    return {
        "median": statistics.median(s) / 1000,
        "p90": pct(0.90),
        "p99": pct(0.99),
        "mean": statistics.fmean(s) / 1000,
        "n": len(s),
    }


def show(label: str, st: dict[str, float]) -> None:
    print(
        f"  {label:<34} median {st['median']:7.2f} us  p90 {st['p90']:7.2f} us  "
        f"p99 {st['p99']:7.2f} us  mean {st['mean']:7.2f} us  (n={int(st['n']):,})"
    )


def clock_overhead() -> float:
    clock = time.perf_counter_ns
    samples = []
    for _ in range(20000):
        t0 = clock()
        samples.append(clock() - t0)
    return statistics.median(samples) / 1000


def bench_brightline(cases: list[dict[str, Any]], warm: list[dict[str, Any]]) -> dict[str, Any]:
    print(f"brightline.decide on {len(cases):,} distinct cases ({PACK})")
    by_kind = Counter(c["kind"] for c in cases)
    print("  kinds: " + ", ".join(f"{k} {n:,}" for k, n in by_kind.items()))
    for c in warm:  # other cases: they warm the compiled programs, never these answers
        decide(c, flips=True)
    plain = time_each(lambda c: decide(c, flips=False), cases)
    flips = time_each(lambda c: decide(c, flips=True), cases)
    outcomes = [decide(c, flips=False)["outcome"] for c in cases]
    counts = Counter(outcomes)
    print("  outcomes: " + ", ".join(f"{k} {n:,}" for k, n in counts.most_common()))
    res = {"flips=False": stats(plain), "flips=True": stats(flips)}
    for label, st in res.items():
        show(f"decide({label})", st)
    print("  flips=False by outcome and by kind (where the time goes):")
    for outcome in counts:
        show(
            f"  {outcome}", stats([t for t, o in zip(plain, outcomes, strict=True) if o == outcome])
        )
    for kind in by_kind:
        show(
            f"  {kind}", stats([t for t, c in zip(plain, cases, strict=True) if c["kind"] == kind])
        )
    return res


def bench_cedar(cases: list[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        import cedarpy
    except ImportError:
        print("cedarpy not installed: pip install -e '.[bench]' (skipping the Cedar side)")
        return None
    from importlib.metadata import version

    from encode import encode, request_for

    policies, entities = encode(PACK, "assistance")
    names = [line[5:-2] for line in policies.splitlines() if line.startswith('@id("')]
    policy_set = cedarpy.PolicySet.from_str(policies)
    entity_set = cedarpy.Entities.from_json_str(json.dumps(entities))
    assist = [c for c in cases if c["kind"] == "assistance"]
    requests = [request_for(c, "assistance") for c in assist]
    print(
        f"cedarpy {version('cedarpy')} on the {len(assist):,} assistance cases: "
        f"{len(names)} policies, {len(entities)} entities"
    )
    for r in requests[:500]:
        cedarpy.is_authorized(r, policy_set, entity_set)
    ns = time_each(lambda r: cedarpy.is_authorized(r, policy_set, entity_set), requests)
    agree = sum(
        cedarpy.is_authorized(r, policy_set, entity_set).allowed
        == (decide(c, flips=False)["outcome"] == "permitted")
        for c, r in zip(assist, requests, strict=True)
    )
    st = stats(ns)
    show("cedarpy.is_authorized", st)
    t0 = time.perf_counter_ns()
    cedarpy.is_authorized_batch(requests, policy_set, entity_set)
    batch = (time.perf_counter_ns() - t0) / len(requests) / 1000
    print(f"  (for scale: is_authorized_batch over all of them, {batch:.2f} us per request)")
    print(f"  agreement (Cedar allow == brightline permitted): {agree:,} of {len(assist):,}")
    sample = assist[0]
    res = cedarpy.is_authorized(requests[0], policy_set, entity_set)
    ids = [names[int(p.removeprefix("policy"))] for p in res.diagnostics.reasons]
    print(f"  cedarpy returns: {res.decision.name}, policies {ids}")
    print(f"    for request {json.dumps(requests[0])}")
    print("  brightline returns (same case, with flips):")
    print("    " + json.dumps(decide(sample, flips=True), indent=None)[:1500])
    plain = stats(time_each(lambda c: decide(c, flips=False), assist))
    show("decide(flips=False), assistance", plain)
    print(
        f"  ratio brightline/cedarpy (assistance, flips=False): median "
        f"{plain['median'] / st['median']:.2f}x, mean {plain['mean'] / st['mean']:.2f}x"
    )
    return {"cedarpy": st, "brightline_assistance": plain, "agree": agree, "n": len(assist)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20250830)
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of decide")
    args = ap.parse_args()
    started = time.perf_counter()
    generated = generate(args.cases + WARM_UP, args.seed)
    cases, warm = generated[: args.cases], generated[args.cases :]
    print(
        f"generated {len(generated):,} distinct cases in {time.perf_counter() - started:.1f} s "
        f"({len(warm):,} of them only to warm up the engine)"
    )
    print(f"timer overhead (perf_counter_ns pair): {clock_overhead():.3f} us, not subtracted")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} (a busy machine inflates p99)")
    from brightline.rules import ENGINE

    print(f"engine: {ENGINE}")
    res = bench_brightline(cases, warm)
    cedar = bench_cedar(cases)
    plain, flips = res["flips=False"], res["flips=True"]
    print("targets: flips=False median >= 8x faster than cedarpy; flips=True median <= 50 us")
    if cedar is not None:
        speedup = cedar["cedarpy"]["median"] / plain["median"]
        print(
            f"  flips=False median {plain['median']:.2f} us, cedarpy median "
            f"{cedar['cedarpy']['median']:.2f} us: {speedup:.1f}x faster "
            f"({'met' if speedup >= 8 else 'MISSED'}); ratio brightline/cedarpy "
            f"{plain['median'] / cedar['cedarpy']['median']:.3f}"
        )
    print(
        f"  flips=True median {flips['median']:.2f} us "
        f"({'met' if flips['median'] <= 50 else 'MISSED'})"
    )
    if args.profile:
        profile(cases)
    return 0


def profile(cases: list[dict[str, Any]]) -> None:
    """Where decide's time goes: cProfile over one flips=False pass, by own time."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for c in cases:
        decide(c, flips=False)
    prof.disable()
    print(
        "profile of decide(flips=False) over the same cases (own time; profiler overhead included):"
    )
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    sys.exit(main())
