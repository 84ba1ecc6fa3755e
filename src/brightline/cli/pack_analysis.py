"""`brightline pack check` and `brightline pack diff`: the complete analysis of a pack.

``add_commands(pack_subparsers)`` is called by ``cli/pack.py`` to add both commands to the
``pack`` group. The analysis itself is :func:`brightline.rules.check_pack` / ``diff_pack``; this module loads the
pack, times the run and prints the report (text, or ``--json``).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from brightline.errors import InvalidInput


def add_commands(pack_subparsers: Any) -> None:
    check = pack_subparsers.add_parser(
        "check",
        help="cover every case of a pack: conflicts, dead rules, undecided cases",
        description="Cover every case of every kind on every stretch of dates (unknown counted as "
        "a value) and report conflicts between a prohibit and a permit of one pack, rules that "
        "never apply, and cases that fall through to the default outcome. Exits 1 on conflicts "
        "or dead rules.",
    )
    _common(check)
    check.set_defaults(func=run_check)

    diff = pack_subparsers.add_parser(
        "diff",
        help="exactly the cases whose outcome changes between two dates",
        description="Count, per kind and outcome pair, every case whose outcome differs between "
        "two dates, with example cases.",
    )
    _common(diff)
    diff.add_argument("--from", dest="day1", required=True, metavar="DATE", help="YYYY-MM-DD")
    diff.add_argument("--to", dest="day2", required=True, metavar="DATE", help="YYYY-MM-DD")
    diff.set_defaults(func=run_diff)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pack", nargs="?", default="chicago", help="pack name (default: chicago)")
    parser.add_argument("--kind", action="append", help="only this kind (repeatable)")
    parser.add_argument("--packs-dir", type=Path, help="packs folder (default: the installed one)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _load(args: argparse.Namespace) -> Any:
    from brightline.service.law import load_pack

    return load_pack(args.pack, args.packs_dir)


def run_check(args: argparse.Namespace) -> int:
    from brightline.service.law import check_pack

    pack = _load(args)
    started = time.perf_counter()
    report = check_pack(pack, args.kind)
    report["seconds"] = round(time.perf_counter() - started, 3)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("\n".join(check_text(report)))
    return 0 if report["ok"] else 1


def run_diff(args: argparse.Namespace) -> int:
    from brightline.service.law import diff_pack

    pack = _load(args)
    day1, day2 = _day("--from", args.day1), _day("--to", args.day2)
    started = time.perf_counter()
    report = diff_pack(pack, day1, day2, args.kind)
    report["seconds"] = round(time.perf_counter() - started, 3)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("\n".join(diff_text(report)))
    return 0


def _day(label: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{label}: {text!r} is not a date (expected YYYY-MM-DD)") from None


def _example(case: dict[str, Any]) -> str:
    return f"{case['at']} {json.dumps(case['facts'], sort_keys=False)}"


def check_text(report: dict[str, Any]) -> list[str]:
    lines = [
        f"pack check: {report['pack']} {report['version']} "
        f"(default outcome: {report['default_outcome']})"
    ]
    for kind, k in report["kinds"].items():
        lines.append("")
        lines.append(f"{kind}: {k['rules']} rules, {k['cases']:,} cases")
        lines.append(f"  date segments: {', '.join(k['segments']) or 'none'}")
        lines.append(f"  conflicts: {len(k['conflicts']) or 'none'}")
        for c in k["conflicts"]:
            lines.append(f"    {c['prohibit']} vs {c['permit']}: {c['count']:,} cases, e.g.")
            lines.extend(f"      {_example(e)}" for e in c["examples"])
        lines.append(f"  dead rules: {len(k['dead_rules']) or 'none'}")
        lines.extend(f"    {d['rule']}: {d['why']}" for d in k["dead_rules"])
        und = k["default_reasons"]
        share = und["count"] / k["cases"] if k["cases"] else 0.0
        lines.append(
            f"  default reason: {und['count']:,} cases ({share:.0%}) reach the default outcome "
            "(no rule decides; the reason names the nearest rules)"
            + (", e.g." if und["examples"] else "")
        )
        lines.extend(f"    {_example(e)}" for e in und["examples"])
        empty = k["empty_reasons"]
        lines.append(f"  decisions without a reason: {empty['count']:,}" if empty["count"]
                     else "  decisions without a reason: none")
        lines.extend(f"    {_example(e)}" for e in empty["examples"])
    verdict = (
        "OK"
        if report["ok"]
        else (
            f"FAILED: {report['conflicts']} conflicts, {report['dead_rules']} dead rules, "
            f"{report['empty_reasons']:,} cases without a reason"
        )
    )
    lines.append("")
    lines.append(f"covered {report['cases']:,} cases in {report['seconds']:.2f} s: {verdict}")
    return lines


def diff_text(report: dict[str, Any]) -> list[str]:
    lines = [f"pack diff: {report['pack']} {report['version']}: {report['from']} → {report['to']}"]
    for kind, k in report["kinds"].items():
        lines.append("")
        lines.append(
            f"{kind}: {k['changed']:,} of {k['cases']:,} cases change outcome; "
            f"{k['duties_changed']:,} change obligations or findings"
        )
        for c in k["changes"]:
            lines.append(f"  {kind}: {c['from']} → {c['to']}: {c['count']:,}, e.g.")
            lines.extend(f"    {_example(e)}" for e in c["examples"])
        for title, key in (("obligation", "obligations"), ("finding", "findings")):
            for d in k[key]:
                lines.append(
                    f"  {title} {d['rule']} ({', '.join(d['cites'])}): {d['from']} → {d['to']}: "
                    f"{d['count']:,}, e.g."
                )
                lines.extend(f"    {_example(e)}" for e in d["examples"])
    lines.append("")
    lines.append(f"done in {report['seconds']:.2f} s")
    return lines
