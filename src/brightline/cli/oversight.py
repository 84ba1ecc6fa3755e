"""`brightline oversight`: the reports the law requires, from the ledger, and their check.

- ``wco``              Welcoming City Ordinance quarterly report (WCO.RPT)
- ``trust``            Illinois TRUST Act annual report (TRUST.25(a), (b)); "none" certified
- ``federal-conduct``  EO 2026-01 aggregated public data, small counts suppressed
- ``decisions``        the decisions audit trail
- ``verify FILE``      recompute a report's JSON from the ledger at its size; name every changed
                       figure, dropped row and extra row (exit 1 when anything differs)

Each report takes one period: ``--quarter 2026Q1``, ``--year 2025`` or ``--from D --to D``, and
``--format json|csv|html`` (csv: one table, ``--table NAME``); ``--out DIR`` writes every format
(report.json, one CSV per table, data_dictionary.csv, report.html). A produced report is logged
in the ledger (kind ``oversight_report``) unless ``--no-log``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPORTS = ("wco", "trust", "federal-conduct", "decisions")
# The command line is run by the operator of the database; it acts as an auditor would.
OPERATOR = ("cli", "auditor")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "oversight",
        help="oversight reports (WCO, TRUST Act, EO 2026-01, decisions) and their check",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="oversight_action", metavar="REPORT")
    actions.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", help="database URL")
    for name in REPORTS:
        one = actions.add_parser(name, parents=[common], help=f"the {name} report")
        when = one.add_mutually_exclusive_group(required=True)
        when.add_argument("--quarter", help="a quarter, e.g. 2026Q1")
        when.add_argument("--year", help="a calendar year, e.g. 2025")
        when.add_argument("--from", dest="start", metavar="DATE", help="first day (with --to)")
        one.add_argument("--to", dest="end", metavar="DATE", help="last day (with --from)")
        one.add_argument("--format", choices=("json", "csv", "html"), default="json")
        one.add_argument("--table", help="with --format csv: which table (default: the first)")
        one.add_argument("--out", metavar="DIR", help="write every format into DIR")
        one.add_argument("--no-log", action="store_true", help="do not log the report")
        one.add_argument(
            "--suppress-below",
            type=int,
            metavar="N",
            help="federal-conduct: show counts 1..N-1 as 'fewer than N' "
            "(default BRIGHTLINE_SUPPRESS_BELOW)",
        )
        one.set_defaults(func=_report, report=name)
    verify = actions.add_parser("verify", parents=[common], help="check a report's JSON")
    verify.add_argument("file", help="a report JSON file (- = stdin)")
    verify.set_defaults(func=_verify)


def _report(args: argparse.Namespace) -> int:
    from brightline.service import Actor, Service
    from brightline.service import oversight_formats as formats
    from brightline.service.oversight import period

    when = period(quarter=args.quarter, year=args.year, start=args.start, end=args.end)
    with Service.open(args.database) as service:
        document = service.oversight_report(
            args.report,
            when,
            actor=Actor(*OPERATOR),
            log=not args.no_log,
            suppress_below=args.suppress_below,
        )
    if args.out:
        for path in formats.write_files(document, Path(args.out)):
            print(path)
        return 0
    if args.format == "json":
        sys.stdout.write(formats.to_json(document))
    elif args.format == "csv":
        sys.stdout.write(formats.table_csv(document, args.table))
    else:
        sys.stdout.write(formats.to_html(document))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from brightline.errors import InvalidRequest
    from brightline.service import Actor, Service

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        document = json.loads(text)
    except OSError as exc:
        raise InvalidRequest(f"cannot read {args.file}: {exc.strerror}", field="file") from None
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"{args.file} is not JSON: {exc}", field="file") from None
    with Service.open(args.database) as service:
        result = service.verify_oversight_report(document, actor=Actor(*OPERATOR))
    where = f"{result['report']} {result['period']['from']}..{result['period']['to']}"
    if result["ok"]:
        checked = result["checked"]
        print(
            f"report OK: {where} recomputed from the ledger at size {result['ledger_size']}: "
            f"{checked['figures']} figures and {checked['rows']} rows match"
        )
        return 0
    print(f"report NOT verified: {where} at ledger size {result['ledger_size']}:")
    for problem in result["problems"]:
        print(f"  - {problem}")
    return 1
