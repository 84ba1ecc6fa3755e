"""Officer lookups on the full CPD roster: p50/p99 per lookup kind (star, name, unit).

Imports ``shared/data/cpd-roster`` into a fresh SQLite file (or uses BRIGHTLINE_BENCH_DB, a
database that already holds the roster), builds the lookup index, then times each kind of lookup
through the service call the API uses (validation, matching and public views included). Names
are drawn from the roster itself and typed four ways: exact last name, "First Last", "Last,
First" and with one typo. Prints one line per kind: wall-clock and CPU-time percentiles (the CPU time is what the lookup
itself costs when other processes compete for the cores).

    .venv/bin/python benchmarks/bench_roster.py [--queries 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from brightline.service import Service
from brightline.service.officers import find_officers, import_roster, roster_index

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BRIGHTLINE_SHARED_DIR", ROOT.parent / "shared"))


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    return word[:at] + rng.choice("AEIOURST") + word[at + 1 :]


def _name_queries(service: Service, count: int, rng: random.Random) -> list[str]:
    people = list(roster_index(service).people.values())
    queries = []
    for _ in range(count):
        p = rng.choice(people)
        form = rng.randrange(4)
        if form == 0:
            queries.append(p.last_name.title())
        elif form == 1:
            queries.append(f"{p.first_name} {p.last_name}".lower())
        elif form == 2:
            queries.append(f"{p.last_name}, {p.first_name}")
        else:
            queries.append(_typo(p.last_ns, rng) if len(p.last_ns) >= 5 else p.last_ns)
    return queries


def _time(call: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter_ns(), time.process_time_ns()
    call()
    return (time.perf_counter_ns() - wall) / 1e6, (time.process_time_ns() - cpu) / 1e6


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50={statistics.median(ordered):.3f} p99={p99:.3f} max={ordered[-1]:.3f}"


def _report(kind: str, samples: list[tuple[float, float]]) -> None:
    wall = _percentiles([w for w, _ in samples])
    cpu = _percentiles([c for _, c in samples])
    print(f"lookup {kind:<4} n={len(samples)}  wall ms: {wall}  |  cpu ms: {cpu}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000, help="lookups per kind")
    args = parser.parse_args()
    rng = random.Random(5)
    url = os.environ.get("BRIGHTLINE_BENCH_DB")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("BRIGHTLINE_DATA_DIR", tmp)
        service = Service.open(url or f"sqlite:///{tmp}/bench.db")
        if not url:
            start = time.perf_counter()
            report = import_roster(service.engine, [SHARED / "data" / "cpd-roster"])
            took = time.perf_counter() - start
            print(f"import: {report['totals']['rows_read']} rows in {took:.1f} s (SQLite)")
        start = time.perf_counter()
        index = roster_index(service)
        print(f"index build: {len(index)} officers in {time.perf_counter() - start:.2f} s")
        stars = list({s for p in index.people.values() for s in p.star_numbers()})
        units = index.units()
        star_q = [rng.choice(stars) if rng.random() < 0.9 else rng.randrange(1, 99999)
                  for _ in range(args.queries)]  # fmt: skip
        name_q = _name_queries(service, args.queries, rng)
        unit_q = [rng.choice(units) for _ in range(args.queries)]
        _report("star", [_time(lambda q=q: find_officers(service, star=q)) for q in star_q])
        _report("name", [_time(lambda q=q: find_officers(service, name=q)) for q in name_q])
        _report("unit", [_time(lambda q=q: find_officers(service, unit=q)) for q in unit_q])
        service.close()
    print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
