"""`brightline roster import|lookup`: load the CPD roster into the store and look officers up."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("roster", help="import the CPD roster and look officers up")
    sub = parser.add_subparsers(dest="roster_command", metavar="ACTION")
    sub.required = True
    load = sub.add_parser(
        "import",
        help="load roster, profiles, unit names and unit history (idempotent)",
        description="Load CPD roster files (or directories of them) into the store. A file's "
        "kind is told by its header. Running it again changes nothing.",
    )
    load.add_argument("paths", nargs="+", metavar="PATH", help="a roster file or a directory")
    load.add_argument("--database", metavar="URL", help="database URL")
    load.add_argument("--json", action="store_true", help="print the full report as JSON")
    load.set_defaults(func=handle_import)
    look = sub.add_parser("lookup", help="find officers by star, name and/or unit")
    look.add_argument("--star", help="star (badge) number")
    look.add_argument("--name", help="name, e.g. 'Mchugh' or 'Smith, John'")
    look.add_argument("--unit", help="unit number")
    look.add_argument("--limit", default="50", help="at most this many results (1-200)")
    look.add_argument("--database", metavar="URL", help="database URL")
    look.add_argument("--json", action="store_true", help="print the result as JSON")
    look.set_defaults(func=handle_lookup)


def handle_import(args: argparse.Namespace) -> int:
    from brightline.service.officers import import_roster_at

    report = import_roster_at(args.database, args.paths)
    print(json.dumps(report, indent=2, default=str) if args.json else import_text(report))
    return 0


def import_text(report: dict[str, Any]) -> str:
    """The import report as lines: per file rows read, imported, unchanged and rejected, and
    each kind of rejection with a count and an example."""
    lines = []
    for item in report["files"]:
        lines.append(
            f"{item['path']} ({item['kind']}): read {item['rows_read']}, imported "
            f"{item['imported']}, unchanged {item['unchanged']}, rejected {item['rejected']}"
        )
        for kind, info in sorted(item["rejections"].items()):
            lines.append(f"  rejected {info['count']} x {kind}, e.g. {info['example']}")
    totals = report["totals"]
    lines.append(
        f"total: read {totals['rows_read']}, imported {totals['imported']}, unchanged "
        f"{totals['unchanged']}, rejected {totals['rejected']}; "
        f"profiles newly linked to roster rows: {report['linked']}"
    )
    return "\n".join(lines)


def handle_lookup(args: argparse.Namespace) -> int:
    from brightline.service import Service

    with Service.open(args.database) as service:
        found = service.find_officers(
            star=args.star, name=args.name, unit=args.unit, limit=args.limit
        )
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    print(
        f"{found['count']} match(es)" + (f" ({found['name_match']})" if found["name_match"] else "")
    )
    for person in found["results"]:
        status = "active" if person["active"] else "not active"
        stars = ", ".join(map(str, person["stars"])) or "none"
        print(
            f"  {person['name']} | stars {stars} | {person['rank']} | unit {person['unit']} "
            f"{person['unit_description']} | {status} | appointed {person['appointed_year']}"
        )
    if found["help"]:
        print(found["help"]["summary"])
        for line in found["help"]["what_it_can_mean"]:
            print(f"  - {line}")
    return 0
