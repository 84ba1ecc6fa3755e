"""The emitted SQL agrees exactly with ``brightline.decide``: outcome, deciding rules, cites,
obligations, findings and questions.

- DuckDB, every case of an exhaustive enumeration for property_use and appearance: every value
  of every fact and unknown, at every moment of a pool that crosses each boundary of the law;
- DuckDB, 1,000,000 random cases for assistance and for federal_conduct;
- PostgreSQL (a fresh database) and Spark (local mode): random samples of every kind, through
  the runners and the whole audit (checks, materialise, write, summary).

Rows are generated inside DuckDB; the engine is asked once per distinct case up to values no
rule tells apart (see audit_support), and the SQL answers are grouped the same way, so each
comparison is a few queries and one engine call per distinct class.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlglot import exp

from audit_support import (
    AT_POOL,
    answer_of,
    answer_of_row,
    answer_sql,
    class_key_sql,
    compare_grouped,
    fact_columns_sql,
    sql_literal,
    value_lists,
)
from brightline.audit import AuditRequest, load_form, run_audit
from brightline.audit._emit import Emitter, QueryOptions
from brightline.rules import decide

RANDOM_ROWS = 1_000_000


def _decide_on_duckdb(con: Any, form: Any, table: str, questions: bool = True) -> list[Any]:
    query = Emitter(form, QueryOptions("duckdb", questions=questions)).query(
        exp.to_table(table), ["_row_key"]
    )
    con.execute(f"CREATE TEMP TABLE decided AS {query.sql(dialect='duckdb')}")
    return con.execute(
        f"SELECT _row_key, {answer_sql(questions)} AS answer, count(*) FROM decided "
        "GROUP BY ALL"
    ).fetchall()


def _segment_days(form: Any) -> list[str]:
    """One moment per date segment of the kind: the local day it starts."""
    return [day.isoformat() for day in form.starts]


def _exhaustive_table(con: Any, form: Any) -> int:
    """Every combination of every fact's values and NULL, under the law of every segment (the
    random tests cross each boundary with moments and offsets)."""
    days = _segment_days(form)
    sources = [f"(VALUES {', '.join(f'({sql_literal(a)})' for a in days)}) AS t_at(\"at\")"]
    names = ['"at"']
    for i, (fact, values) in enumerate(zip(form.facts, value_lists(form), strict=True)):
        rows = ", ".join(
            f"(CAST({sql_literal(v)} AS {'BOOLEAN' if fact.type == 'bool' else 'VARCHAR'}))"
            for v in values
        )
        sources.append(f'(VALUES {rows}) AS t{i}("{fact.name}")')
        names.append(f'"{fact.name}"')
    con.execute(
        f"CREATE TEMP TABLE cases AS SELECT {', '.join(names)}, "
        f"{class_key_sql(form)} AS _row_key FROM {' CROSS JOIN '.join(sources)}"
    )
    return int(con.execute("SELECT count(*) FROM cases").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["property_use", "appearance"])
def test_exhaustive_agreement_on_duckdb(kind: str) -> None:
    form = load_form("chicago", kind)
    con = duckdb.connect()
    total = _exhaustive_table(con, form)
    expected = len(_segment_days(form))
    for values in value_lists(form):
        expected *= len(values)
    assert total == expected  # every case of the enumeration is there
    groups = _decide_on_duckdb(con, form, "cases")
    rows, bad = compare_grouped(form, groups, questions=True)
    assert rows == total
    assert not bad, "\n".join(bad)


def _random_table(con: Any, form: Any, rows: int, seed: float) -> None:
    def pick(values: tuple[object, ...]) -> str:
        items = ", ".join(sql_literal(v) for v in values)
        return f"[{items}][1 + CAST(floor(random() * {len(values)}) AS INTEGER)]"

    columns = [f'{pick(AT_POOL)} AS "at"']
    for fact, values in zip(form.facts, value_lists(form), strict=True):
        columns.append(f'{pick(tuple(values))} AS "{fact.name}"')
    con.execute(f"SELECT setseed({seed})")
    con.execute(f"CREATE TEMP TABLE raw AS SELECT {', '.join(columns)} FROM range({rows})")
    con.execute(f"CREATE TEMP TABLE cases AS SELECT *, {class_key_sql(form)} AS _row_key FROM raw")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["assistance", "federal_conduct"])
def test_million_random_cases_agree_on_duckdb(kind: str) -> None:
    form = load_form("chicago", kind)
    con = duckdb.connect()
    _random_table(con, form, RANDOM_ROWS, 0.25 if kind == "assistance" else 0.75)
    groups = _decide_on_duckdb(con, form, "cases")
    rows, bad = compare_grouped(form, groups, questions=True)
    assert rows == RANDOM_ROWS
    assert not bad, "\n".join(bad)
    outcomes = {a.split("\x1f")[0] for _, a, _ in groups}
    assert outcomes == {"prohibited", "permitted", "needs_review", "not_applicable"} or (
        len(outcomes) >= 3
    )


def _random_cases(form: Any, n: int, seed: int) -> list[tuple[Any, ...]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        row = [i, rnd.choice(AT_POOL)]
        row += [rnd.choice(values) for values in value_lists(form)]
        out.append(tuple(row))
    return out


def _expected(form: Any, row: tuple[Any, ...]) -> str:
    facts = {f.name: v for f, v in zip(form.facts, row[2:], strict=True) if v is not None}
    case = {"jurisdiction": "chicago", "at": row[1], "kind": form.kind, "facts": facts}
    return answer_of(decide(case, flips=False), questions=True)


KINDS = ["assistance", "federal_conduct", "property_use", "appearance"]
PG_SAMPLE = 1500
SPARK_SAMPLE = 300


@pytest.mark.pg
@pytest.mark.parametrize("kind", KINDS)
def test_postgresql_sample_agrees(kind: str, pg_url: str) -> None:
    import psycopg

    from brightline.audit.postgres_runner import PostgresRunner, libpq_url

    form = load_form("chicago", kind)
    rows = _random_cases(form, PG_SAMPLE, seed=hash(kind) % 1000)
    columns = fact_columns_sql(form).replace("VARCHAR", "text")
    with psycopg.connect(libpq_url(pg_url)) as conn:
        conn.execute(f'CREATE TABLE events (event_id integer, "at" text, {columns})')
        names = ", ".join(['event_id', '"at"', *(f'"{f.name}"' for f in form.facts)])
        with conn.cursor().copy(f"COPY events ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    runner = PostgresRunner(pg_url, "events")
    try:
        summary = run_audit(
            AuditRequest("chicago", kind, "events", engine="postgresql", output="decided",
                         questions=True),
            runner,
        )
        got = runner.conn.execute(
            f"SELECT event_id, {answer_sql(True, 'postgres')} FROM decided ORDER BY event_id"
        ).fetchall()
    finally:
        runner.close()
    assert summary["rows"] == PG_SAMPLE
    assert [g[0] for g in got] == list(range(PG_SAMPLE))
    bad = [(row, answer) for row, (_, answer) in zip(rows, got, strict=True)
           if _expected(form, row) != answer]
    assert not bad, bad[:3]


@pytest.fixture(scope="module")
def spark() -> Any:
    from brightline.audit.spark_runner import session

    spark = session("local[2]")
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.mark.slow
@pytest.mark.xdist_group("spark")
def test_spark_sample_agrees(spark: Any, tmp_path: Path) -> None:
    from brightline.audit.spark_runner import SparkRunner

    for kind in KINDS:
        form = load_form("chicago", kind)
        rows = _random_cases(form, SPARK_SAMPLE, seed=7 + len(kind))
        path = tmp_path / f"{kind}.parquet"
        con = duckdb.connect()
        con.execute(f'CREATE TABLE events (event_id INTEGER, "at" VARCHAR, {fact_columns_sql(form)})')
        con.executemany(f"INSERT INTO events VALUES ({', '.join('?' * (len(form.facts) + 2))})",
                        rows)
        con.execute(f"COPY events TO '{path}' (FORMAT parquet)")
        runner = SparkRunner(spark, str(path))
        try:
            summary = run_audit(
                AuditRequest("chicago", kind, str(path), engine="spark", questions=True), runner
            )
            got = {r[0]: r for r in runner.result.collect()}
        finally:
            runner.close()
        assert summary["rows"] == SPARK_SAMPLE
        for row in rows:
            out = got[row[0]]
            assert answer_of_row(out.asDict(), True) == _expected(form, row), (kind, row)
