"""Batch audit speed: rows per second on DuckDB against the in-process engine looping over the
same rows, with PostgreSQL and Spark beside them.

    python benchmarks/bench_audit.py                 # 10 million rows (the figure of record)
    python benchmarks/bench_audit.py --rows 200000   # a quick check
    python benchmarks/bench_audit.py --engines duckdb,loop

The input is a Parquet file of ``--rows`` rows of kind ``--kind``: every row its own moment
(uniform over the coverage, stored as TIMESTAMPTZ) and facts drawn from a pool of ``--distinct``
random cases (each fact uniform over its values and unknown), as audit data repeats its cases.
Timed: the whole audit as the CLI runs it (read, checks, decide every row into a result table,
summary), and the decision query alone. The loop reads the same rows from the same file and calls
``brightline.decide(case, flips=False)`` on each. PostgreSQL (a database of its own, dropped
after; loading not timed) and Spark (local mode) run the same audit on ``--others-rows`` rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import duckdb

from brightline.audit import AuditRequest, load_form, run_audit
from brightline.audit.duckdb_runner import DuckDBRunner
from brightline.rules import decide

PG_ADMIN = os.environ.get("BRIGHTLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value) + "'"


def make_input(path: Path, kind: str, rows: int, distinct: int, seed: float) -> None:
    form = load_form("chicago", kind)
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")

    def pick(values: tuple[object, ...]) -> str:
        items = ", ".join(_literal(v) for v in (*values, None))
        return f"[{items}][1 + CAST(floor(random() * {len(values) + 1}) AS INTEGER)]"

    facts = ", ".join(f'{pick(f.values)} AS "{f.name}"' for f in form.facts)
    con.execute(f"CREATE TABLE pool AS SELECT range AS p, {facts} FROM range({distinct})")
    start = "TIMESTAMPTZ '2021-08-03 00:00:00+00'"
    span = 160_000_000  # seconds: into 2026
    con.execute(
        f"CREATE TABLE picks AS SELECT range AS event_id, "
        f"{start} + to_seconds(CAST(random() * {span} AS BIGINT)) AS \"at\", "
        f"CAST(floor(random() * {distinct}) AS BIGINT) AS p FROM range({rows})"
    )
    con.execute(
        f"COPY (SELECT picks.event_id, picks.\"at\", pool.* EXCLUDE (p) FROM picks "
        f"JOIN pool USING (p) ORDER BY picks.event_id) TO '{path}' (FORMAT parquet)"
    )
    con.close()


def bench_duckdb(path: Path, kind: str, rows: int) -> dict[str, float]:
    runner = DuckDBRunner(str(path))
    start = time.perf_counter()
    summary = run_audit(AuditRequest("chicago", kind, str(path)), runner)
    whole = time.perf_counter() - start
    assert summary["rows"] == rows
    runner.close()
    # the decision query alone, into a table
    runner = DuckDBRunner(str(path))
    from brightline.audit._emit import Emitter, QueryOptions
    from brightline.audit._mapping import MappingSpec, plan

    form = load_form("chicago", kind)
    the_plan = plan(form, MappingSpec(), runner.columns(), runner.source())
    query = Emitter(form, QueryOptions("duckdb", at_type=the_plan.at_type)).query(
        the_plan.select.subquery("_bl_input"), the_plan.keys
    )
    start = time.perf_counter()
    runner.materialise(query)
    alone = time.perf_counter() - start
    runner.close()
    return {"audit_s": whole, "query_s": alone}


def bench_loop(path: Path, kind: str, rows: int) -> float:
    con = duckdb.connect()
    rel = con.execute(f"SELECT * EXCLUDE (event_id) FROM '{path}'")
    names = [d[0] for d in rel.description][1:]
    start = time.perf_counter()
    done = 0
    while True:
        batch = rel.fetchmany(100_000)
        if not batch:
            break
        for row in batch:
            at = row[0].isoformat()
            facts = {n: v for n, v in zip(names, row[1:], strict=True) if v is not None}
            decide({"jurisdiction": "chicago", "at": at, "kind": kind, "facts": facts},
                   flips=False)
        done += len(batch)
    elapsed = time.perf_counter() - start
    assert done == rows
    return elapsed


def bench_postgresql(path: Path, kind: str, rows: int) -> float | str:
    try:
        import psycopg
    except ImportError:
        return "psycopg missing"
    from brightline.audit.postgres_runner import PostgresRunner

    name = f"bl_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"),
                                autocommit=True)
    except psycopg.Error as exc:
        return f"not reachable ({str(exc).splitlines()[0]})"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/" + name
    try:
        form = load_form("chicago", kind)
        columns = ", ".join(
            f'"{f.name}" {"boolean" if f.type == "bool" else "text"}' for f in form.facts
        )
        con = duckdb.connect()
        with psycopg.connect(url) as conn:
            conn.execute(f'CREATE TABLE events (event_id bigint, "at" timestamptz, {columns})')
            with conn.cursor().copy("COPY events FROM STDIN") as copy:
                for row in con.execute(f"SELECT * FROM '{path}'").fetchall():
                    copy.write_row(row)
            conn.execute("ANALYZE events")
        runner = PostgresRunner(url, "events")
        start = time.perf_counter()
        summary = run_audit(AuditRequest("chicago", kind, "events", engine="postgresql"), runner)
        elapsed = time.perf_counter() - start
        runner.close()
        assert summary["rows"] == rows
        return elapsed
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def bench_spark(path: Path, kind: str, rows: int) -> float | str:
    try:
        from brightline.audit.spark_runner import SparkRunner, session
    except ImportError:
        return "pyspark missing"
    spark = session(os.environ.get("SPARK_MASTER", "local[*]"))
    spark.sparkContext.setLogLevel("ERROR")
    try:
        runner = SparkRunner(spark, str(path))
        start = time.perf_counter()
        summary = run_audit(AuditRequest("chicago", kind, str(path), engine="spark"), runner)
        elapsed = time.perf_counter() - start
        runner.close()
        assert summary["rows"] == rows
        return elapsed
    finally:
        spark.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--others-rows", type=int, default=1_000_000,
                        help="rows for PostgreSQL and Spark (default 1,000,000)")
    parser.add_argument("--distinct", type=int, default=20_000, help="distinct cases in the pool")
    parser.add_argument("--kind", default="assistance")
    parser.add_argument("--engines", default="duckdb,loop,postgresql,spark")
    args = parser.parse_args(argv)
    engines = set(args.engines.split(","))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.parquet"
        make_input(path, args.kind, args.rows, args.distinct, 0.42)
        rules = len(load_form("chicago", args.kind).rules)
        print(f"bench_audit: {args.rows:,} rows of {args.kind} ({rules} rules), "
              f"{args.distinct:,} distinct cases, every row its own moment")
        results: dict[str, Any] = {}
        if "duckdb" in engines:
            d = bench_duckdb(path, args.kind, args.rows)
            results["duckdb"] = args.rows / d["audit_s"]
            print(f"  duckdb      whole audit {d['audit_s']:8.2f} s  {args.rows / d['audit_s']:>14,.0f} rows/s")
            print(f"  duckdb      query alone {d['query_s']:8.2f} s  {args.rows / d['query_s']:>14,.0f} rows/s")
        if "loop" in engines:
            t = bench_loop(path, args.kind, args.rows)
            results["loop"] = args.rows / t
            print(f"  engine loop decide()    {t:8.2f} s  {args.rows / t:>14,.0f} rows/s")
        if "duckdb" in results and "loop" in results:
            ratio = results["duckdb"] / results["loop"]
            ok = results["duckdb"] >= 5_000_000 and ratio >= 20
            print(f"  ratio duckdb / loop: {ratio:.1f}x  (target: >= 5,000,000 rows/s and >= 20x: "
                  f"{'met' if ok else 'NOT met'})")
        others = args.others_rows
        if others and engines & {"postgresql", "spark"}:
            small = Path(folder) / "events_small.parquet"
            make_input(small, args.kind, others, args.distinct, 0.42)
            for name, fn in (("postgresql", bench_postgresql), ("spark", bench_spark)):
                if name in engines:
                    got = fn(small, args.kind, others)
                    if isinstance(got, str):
                        print(f"  {name:<11} {got}")
                    else:
                        print(f"  {name:<11} whole audit {got:8.2f} s  {others / got:>14,.0f} rows/s"
                              f"  ({others:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
