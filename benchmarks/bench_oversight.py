"""Oversight report benchmark: how long each report takes over a ledger of N entries.

    .venv/bin/python benchmarks/bench_oversight.py [--entries 1000000] [--database URL]
        [--reload] [--repeat 3]

A ledger of ``--entries`` entries is filled through the ledger store's asyncio appends (64 at a
time, each entry with its index row, as the service writes them): about 80 % decisions (assistance,
appearance, federal conduct) spread over 2025-01 to 2026-10, 4 % supervisors' reviews, 6 %
residents' reports, 10 % custody log entries (detainers, warrants, bail, releases, transfers).
Records are the service's own shapes (pack decisions of a few dozen case templates, with fresh
ids and moments). The SQLite file is kept in benchmarks/out/ for the next run (``--reload``
rebuilds it). Then each report is produced (computed from the ledger, every record read checked
against its commitment and index row, and the report logged) ``--repeat`` times; the best and
median wall times are printed with the rows and entries counted, and the ratio to the 10 s
budget the issue sets for a million entries.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from brightline import rules
from brightline.service import Actor, Service, custody, decisions, reports, reviews
from brightline.service.oversight import period
from brightline.service.stamps import new_id
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reports as reports_t
from brightline.store.tables_app import reviews as reviews_t
from brightline.store.tables_oversight import custody_events, custody_requests

OUT = Path(__file__).resolve().parent / "out"
BUDGET = 10.0
CONCURRENCY = 512
CREATED = "2026-11-01T00:00:00.000000Z"
OFFICER = {"role": "officer", "username": "bench"}
REPORTS = [
    ("trust", {"year": 2025}),
    ("wco", {"quarter": "2025Q4"}),
    ("federal-conduct", {"quarter": "2026Q1"}),
    ("decisions", {"quarter": "2025Q4"}),
]

ASSISTANCE = [
    {
        "agency": "ice",
        "activity": "detainer_hold",
        "purpose": "civil_immigration",
        "basis": "immigration_detainer",
    },
    {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration"},
    {"agency": "hsi", "activity": "traffic_control", "purpose": "civil_immigration"},
    {
        "agency": "fbi",
        "activity": "criminal_investigation",
        "purpose": "criminal",
        "existing_agreement": True,
    },
    {"agency": "ice", "activity": "clarify_civil_or_criminal", "purpose": "civil_immigration"},
    {"agency": "hsi", "activity": "traffic_stop"},
    {"agency": "state_police", "activity": "traffic_control", "purpose": "public_safety"},
]
CONDUCT = [
    {
        "agency": "ice",
        "face_covering": "ski_mask",
        "id_visible": False,
        "alleged_violation": "state_misdemeanor",
        "civil_immigration_enforcement": True,
    },
    {
        "agency": "cbp",
        "plate": "none",
        "crowd_control_equipment": True,
        "alleged_violation": "local_ordinance",
        "civil_immigration_enforcement": True,
    },
    {
        "agency": "ice",
        "injuries": True,
        "bwc_recording": False,
        "alleged_violation": "state_felony",
    },
    {"agency": "hsi", "alleged_violation": "none"},
]
APPEARANCE = [
    {
        "officer_type": "local",
        "assignment": "uniform",
        "face_covering": "none",
        "star_visible": True,
        "name_visible": True,
        "uniform_worn": True,
    },
    {"officer_type": "local", "assignment": "uniform", "face_covering": "balaclava"},
]


def moment(rng: random.Random) -> str:
    """A moment between 2025-01-01 and 2026-10-31, Chicago offset."""
    month = rng.randrange(22)
    year, mon = 2025 + month // 12, month % 12 + 1
    day, hour = rng.randint(1, 28), rng.randint(0, 23)
    offset = "-05:00" if 3 < mon < 11 else "-06:00"
    return f"{year}-{mon:02d}-{day:02d}T{hour:02d}:{rng.randint(0, 59):02d}:00{offset}"


class Templates:
    """Pack decisions of the case templates, decided once per month and reused."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, str], dict[str, Any]] = {}

    def decided(
        self, kind: str, i: int, facts: dict[str, Any], at: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        key = (kind, i, at[:7])
        if key not in self._cache:
            case = {
                "jurisdiction": "chicago",
                "at": at[:8] + "15T12:00:00" + at[19:],
                "kind": kind,
                "facts": facts,
            }
            self._cache[key] = {"case": case, "decision": rules.decide(case)}
        base = self._cache[key]
        case = {**base["case"], "at": at}
        return case, {**base["decision"], "at": at}


def entries(n: int, seed: int = 7) -> list[tuple[str, dict[str, Any], Any, dict[str, Any]]]:
    """``n`` entries: (kind, record, index table, index row)."""
    rng = random.Random(seed)
    t = Templates()
    out: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = []
    open_reviews: list[dict[str, Any]] = []
    custody_open: list[dict[str, Any]] = []
    while len(out) < n:
        roll = rng.random()
        at = moment(rng)
        if roll < 0.80:
            pick = rng.random()
            if pick < 0.55:
                i = rng.randrange(len(ASSISTANCE))
                case, decision = t.decided("assistance", i, ASSISTANCE[i], at)
            elif pick < 0.85:
                i = rng.randrange(len(CONDUCT))
                case, decision = t.decided("federal_conduct", i, CONDUCT[i], at)
            else:
                i = rng.randrange(len(APPEARANCE))
                case, decision = t.decided("appearance", i, APPEARANCE[i], at)
            record = {
                "id": new_id("d"),
                "case": case,
                "decision": decision,
                "actor": OFFICER,
                "follow_up_of": None,
                "created_at": CREATED,
            }
            out.append(("decision", record, decisions_t, decisions.index_row(record)))
            if decision["outcome"] == "needs_review" and rng.random() < 0.5:
                open_reviews.append(record)
        elif roll < 0.84 and open_reviews:
            first = open_reviews.pop()
            record = {
                "id": new_id("v"),
                "decision_id": first["id"],
                "decision_index": 0,
                "outcome": "prohibited",
                "note": "reviewed",
                "actor": {"role": "supervisor", "username": "sup"},
                "created_at": CREATED,
            }
            out.append(("review", record, reviews_t, reviews.index_row(record)))
        elif roll < 0.90:
            i = rng.randrange(len(CONDUCT))
            case, decision = t.decided("federal_conduct", i, CONDUCT[i], at)
            record = {
                "id": new_id("r"),
                "category": "federal_conduct",
                "kind": "federal_conduct",
                "jurisdiction": "chicago",
                "description": "x",
                "place": None,
                "occurred_at": at,
                "contact": None,
                "facts": case["facts"],
                "case": case,
                "decision": decision,
                "created_at": CREATED,
            }
            out.append(("report", record, reports_t, reports.index_row(record)))
        elif custody_open and rng.random() < 0.5:
            request = custody_open.pop()
            event = rng.choice(["released", "transferred", "held"])
            when = request["received_at"][:11] + "23:30" + request["received_at"][16:]
            to_agency = "ice" if event == "transferred" else None
            row_like = _RequestRow(request)
            case, decision = custody.decided(row_like, event, when, to_agency)
            record = {
                "id": new_id("ce"),
                "request_id": request["request_id"],
                "corrects": None,
                "event": event,
                "at": when,
                "to_agency": to_agency,
                "case": case,
                "decision": decision,
                "actor": OFFICER,
                "created_at": CREATED,
            }
            out.append(("custody_event", record, custody_events, custody.event_index_row(record)))
        else:
            doc = rng.choice(["immigration_detainer", "administrative_warrant", "judicial_warrant"])
            record = {
                "id": new_id("cq"),
                "request_id": new_id("cr"),
                "corrects": None,
                "jurisdiction": "chicago",
                "received_at": at[:16] + at[19:],
                "agency": rng.choice(["ice", "cbp", "usms"]),
                "document_type": doc,
                "case_ref": f"RD-{rng.randrange(10**8):08d}",
                "actor": OFFICER,
                "created_at": CREATED,
            }
            out.append(
                ("custody_request", record, custody_requests, custody.request_index_row(record))
            )
            custody_open.append(record)
    return out


class _RequestRow:
    def __init__(self, record: dict[str, Any]) -> None:
        self.document_type = record["document_type"]
        self.agency = record["agency"]
        self.jurisdiction = record["jurisdiction"]


async def fill(service: Service, n: int) -> float:
    from brightline.store.ledger import LEDGER_INDEX

    started = time.perf_counter()
    todo = entries(n)
    made = time.perf_counter() - started
    print(f"  {n:,} records built in {made:.1f} s; appending ...", flush=True)
    queue = iter(todo)

    async def worker() -> None:
        for kind, record, table, row in queue:
            await service.ledger.append_async(
                kind, record, rows=[(table, {**row, "ledger_index": LEDGER_INDEX})]
            )

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=float, default=1e6, help="ledger size (default 1e6)")
    parser.add_argument(
        "--database", help="database URL (default: a SQLite file in benchmarks/out)"
    )
    parser.add_argument("--reload", action="store_true", help="rebuild the ledger even if kept")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = int(args.entries)
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("BRIGHTLINE_DATA_DIR", str(OUT))
    path = OUT / f"oversight-{n}.db"
    url = args.database or f"sqlite:///{path}"
    if args.reload and not args.database and path.exists():
        path.unlink()
    service = Service.open(url)
    try:
        have = service.ledger.size()
        if have < n:
            print(f"filling the ledger at {url} with {n - have:,} entries", flush=True)
            seconds = asyncio.run(fill(service, n - have))
            print(f"  appended in {seconds:.1f} s ({(n - have) / seconds:,.0f} entries/s)")
        size = service.ledger.size()
        print(
            f"\nledger: {size:,} entries ({url.split('://')[0]}); reports produced {args.repeat} times each"
        )
        print(
            f"{'report':<16} {'period':<8} {'best s':>8} {'median s':>9} {'rows':>8} {'entries':>9}  vs 10 s budget"
        )
        auditor = Actor("bench", "auditor")
        worst = 0.0
        for report, when in REPORTS:
            times = []
            doc: dict[str, Any] = {}
            for _ in range(args.repeat):
                start = time.perf_counter()
                doc = service.oversight_report(report, period(**when), actor=auditor)
                times.append(time.perf_counter() - start)
            rows = sum(len(t["rows"]) for t in doc["tables"])
            best, median = min(times), statistics.median(times)
            scaled = median * (1e6 / size) if size < 1e6 else median
            worst = max(worst, scaled)
            print(
                f"{report:<16} {doc['period']['label']:<8} {best:8.2f} {median:9.2f} {rows:8,} "
                f"{doc['entries']['count']:9,}  {median / BUDGET:.2f}x"
                + (f" (about {scaled:.1f} s at 1e6, linear)" if size < 1e6 else "")
            )
        print(f"\nslowest report at a million entries: {worst:.2f} s (budget {BUDGET:.0f} s)")
    finally:
        service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
