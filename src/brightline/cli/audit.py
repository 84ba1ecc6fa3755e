"""`brightline audit PACK --kind KIND --input FILE|TABLE [--map MAPPING.yaml] [--engine duckdb|
postgresql|spark] [--output FILE|TABLE] [--questions]`: decide every row of a table at once.

The pack is compiled to one SQL query per kind and run where the data is: embedded DuckDB for
CSV/Parquet files (the default), a PostgreSQL table, or a Spark table or file (local mode, or a
cluster with ``--spark-master``). ``--ledger`` re-decides the decisions already logged under
another date's law (``--as-of``) or another pack folder (``--against``) and lists those whose
outcome would change.

Exit 0 done, 2 bad input (the column, the bad values with counts, the allowed ones; nothing is
written), 1 any other error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="decide every row of a table (DuckDB, PostgreSQL or Spark) or re-decide the ledger",
        description="Compile PACK's rules for KIND to SQL and decide every row of the input: "
        "CSV/Parquet on embedded DuckDB (default), a PostgreSQL table, or a Spark table/file. "
        "The input has a column at and one column per fact (NULL: unknown), or a mapping "
        "file says which columns and codes mean what. Prints a summary (counts by outcome, "
        "rule and unknown fact); --output writes the keys plus the decision columns.",
    )
    parser.add_argument("pack", metavar="PACK", help="the pack (jurisdiction), e.g. chicago")
    parser.add_argument("--kind", help="the kind decided (required unless --ledger)")
    parser.add_argument("--input", metavar="FILE|TABLE",
                        help="CSV/Parquet file (duckdb, spark) or table (postgresql, spark)")
    parser.add_argument("--map", metavar="MAPPING.yaml", dest="mapping",
                        help="mapping of the input's columns and codes to facts")
    parser.add_argument("--engine", choices=("duckdb", "postgresql", "spark"), default="duckdb",
                        help="where the query runs (default: duckdb, embedded)")
    parser.add_argument("--output", metavar="FILE|TABLE",
                        help="write keys + decisions: .parquet/.csv file, or a new table")
    parser.add_argument("--questions", action="store_true",
                        help="add the unknown facts that would settle needs_review rows")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--summary", metavar="FILE", help="also write the summary as JSON")
    parser.add_argument("--sql", choices=("duckdb", "postgres", "spark"), default=None,
                        help="print the emitted query in this dialect and exit")
    parser.add_argument("--packs", metavar="DIR", default=None,
                        help="packs folder (default: BRIGHTLINE_PACKS_DIR or the bundled packs)")
    parser.add_argument("--database", metavar="URL",
                        help="PostgreSQL URL for --engine postgresql; the brightline database "
                        "for --ledger (default: BRIGHTLINE_DATABASE_URL)")
    parser.add_argument("--spark-master", metavar="URL", default=None,
                        help="Spark master URL, e.g. spark://host:7077 or yarn (default: "
                        "spark-defaults.conf, else local[*])")
    parser.add_argument("--spark-conf", metavar="KEY=VALUE", action="append", default=[],
                        help="a Spark setting (repeatable)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="stage lines and the engine's progress bar (default: on a terminal)")
    parser.add_argument("--ledger", action="store_true",
                        help="re-decide the logged decisions and list those whose outcome changes")
    parser.add_argument("--as-of", metavar="DATE",
                        help="with --ledger: decide under the law in force on this date")
    parser.add_argument("--against", metavar="DIR",
                        help="with --ledger: decide with the packs of this folder (another version)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from brightline.errors import InvalidRequest

    if args.ledger:
        return _ledger(args)
    if not args.kind:
        raise InvalidRequest("--kind is required (which kind of case the rows are)", field="kind")
    from brightline.audit import emit_sql, load_form

    form = load_form(args.pack, args.kind, args.packs)
    if args.sql:
        print(emit_sql(form, dialect=args.sql, questions=args.questions))
        return 0
    if not args.input:
        raise InvalidRequest("--input is required (a file or a table)", field="input")
    summary = _audit(args, form)
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    if args.json:
        print(text)
    else:
        from brightline.audit import render_summary

        print(render_summary(summary))
    return 0


def _audit(args: argparse.Namespace, form: Any) -> dict[str, Any]:
    from brightline.audit import AuditRequest, MappingSpec, Progress, load_mapping, run_audit

    mapping = load_mapping(args.mapping) if args.mapping else MappingSpec()
    show = sys.stderr.isatty() if args.progress is None else args.progress
    request = AuditRequest(
        pack=args.pack, kind=args.kind, input=args.input, engine=args.engine, mapping=mapping,
        output=args.output, questions=args.questions, packs_dir=args.packs,
    )
    runner = _runner(args, mapping.at or "at", show)
    try:
        return run_audit(request, runner, form=form, progress=Progress(enabled=show))
    finally:
        runner.close()


def _runner(args: argparse.Namespace, at_column: str, progress: bool) -> Any:
    if args.engine == "duckdb":
        from brightline.audit.duckdb_runner import DuckDBRunner

        return DuckDBRunner(args.input, at_column=at_column, progress=progress)
    if args.engine == "postgresql":
        from brightline.audit.postgres_runner import PostgresRunner
        from brightline.service.storage import database_url

        return PostgresRunner(database_url(args.database), args.input)
    from brightline.audit.spark_runner import SparkRunner, session
    from brightline.errors import InvalidRequest

    conf = {}
    for item in args.spark_conf:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidRequest(f"--spark-conf {item!r}: use KEY=VALUE", field="spark-conf")
        conf[key] = value
    # no --spark-master: Spark's own configuration decides (spark-defaults.conf), else local[*]
    return SparkRunner(session(args.spark_master, conf), args.input, at_column=at_column)


def _ledger(args: argparse.Namespace) -> int:
    from brightline.errors import InvalidRequest
    from brightline.service import Service
    from brightline.service.audit import ledger_changes

    if not args.as_of and not args.against:
        raise InvalidRequest(
            "--ledger needs --as-of DATE (another date's law) or --against DIR (another pack "
            "version), or both", field="ledger",
        )
    from brightline.service.storage import database_url

    with Service.open(database_url(args.database)) as service:
        report = ledger_changes(
            service, pack=args.pack, kind=args.kind, as_of=args.as_of, against=args.against,
            packs_dir=args.packs,
        )
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as out:
            out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"{report['decided']} logged decisions re-decided ({report['under']}); "
          f"{len(report['changes'])} would change")
    for change in report["changes"]:
        print(f"  #{change['index']} {change['id']} {change['kind']} at {change['at']}: "
              f"{change['was']} -> {change['now']} ({', '.join(change['cites']) or 'no cites'})")
    for failed in report["undecidable"]:
        print(f"  #{failed['index']} {failed['id']}: cannot re-decide: {failed['error']}")
    return 0
