"""Public pages: weight and time. Each public page (home, officer check and its results, an
officer's page, report form, receipt, statistics, ledger, an error) is fetched in process
through the whole app (middleware, templates, gzip) over a service with the demo data and,
unless --no-roster, the full CPD roster. Prints per page: bytes as sent (gzip) and unpacked,
and wall-clock p50/p95/max in ms, against the bars (100 KB, 300 ms).

    .venv/bin/python benchmarks/bench_pages.py [--requests 20] [--no-roster] [--lang es]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BRIGHTLINE_SHARED_DIR", ROOT.parent / "shared"))
MAX_BYTES = 100 * 1024
MAX_MS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="fetches per page")
    parser.add_argument("--no-roster", action="store_true", help="skip importing the roster")
    parser.add_argument("--lang", default="en", help="language of the pages (en es pl zh ar)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BRIGHTLINE_DATA_DIR"] = tmp
        os.environ.pop("BRIGHTLINE_SIGNING_KEY", None)
        from fastapi.testclient import TestClient

        from brightline.service import Service
        from brightline.service.officers import import_roster, roster_index
        from brightline.web import create_app

        service = Service.open(f"sqlite:///{tmp}/pages.db")
        service.seed_demo()
        if not args.no_roster:
            start = time.perf_counter()
            import_roster(service.engine, [SHARED / "data" / "cpd-roster"])
            print(f"roster import: {time.perf_counter() - start:.1f} s")
        index = roster_index(service)
        person = next((p for p in index.people.values() if p.active and p.stars), None)
        client = TestClient(create_app(service, secret="bench"))
        headers = {"Accept-Encoding": "gzip", "Accept-Language": args.lang}
        report = client.get("/api/v1/stats")  # warm up
        listed = client.get("/report?who=unknown", headers=headers).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', listed)
        made = client.post(
            "/report",
            data={
                "csrf_token": token.group(1) if token else "",
                "who": "unknown",
                "category": "unidentified",
                "description": "Masked agents, Indiana plate.",
                "fact.plate": "out_of_state",
            },
            headers=headers,
            follow_redirects=False,
        )
        pages = [
            "/",
            "/officers",
            "/officers?name=Gonzales",
            "/officers?name=Smiht",
            "/officers?unit=16",
            "/report",
            "/report?who=unknown",
            made.headers.get("location", "/report"),
            "/stats",
            "/ledger",
            "/ledger?index=0",
            "/no-such-page",
        ]
        if person is not None:
            pages += [f"/officers?star={person.star_numbers()[0]}", f"/officers/{person.id}"]
        worst_ms, worst_kb = 0.0, 0.0
        print(f"lang={args.lang} requests/page={args.requests}")
        for path in pages:
            times = []
            reply = report
            for _ in range(args.requests):
                start = time.perf_counter()
                reply = client.get(path, headers=headers)
                times.append((time.perf_counter() - start) * 1000)
            raw = len(reply.content)
            wire = int(reply.headers.get("content-length") or raw)
            if reply.headers.get("content-encoding") != "gzip":
                wire = raw
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            worst_ms, worst_kb = max(worst_ms, p95), max(worst_kb, wire / 1024)
            print(
                f"{path[:40]:<40} {reply.status_code} sent {wire / 1024:6.1f} KB "
                f"(unpacked {raw / 1024:6.1f} KB)  ms p50={statistics.median(times):6.1f} "
                f"p95={p95:6.1f} max={ordered[-1]:6.1f}"
            )
        print(
            f"worst: {worst_kb:.1f} KB sent (bar {MAX_BYTES // 1024} KB, "
            f"ratio {worst_kb * 1024 / MAX_BYTES:.2f}), p95 {worst_ms:.1f} ms "
            f"(bar {MAX_MS:.0f} ms, ratio {worst_ms / MAX_MS:.2f})"
        )
        service.close()
    print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
