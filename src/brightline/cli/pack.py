"""`brightline pack test|show` (and `check`/`diff` from brightline.cli.pack_analysis when present).

- ``pack test [PACK ...]`` runs every scenario, prints each failing case with what differs, a
  summary line, and the law keys the pack's rules cite that no passing scenario exercises. Exit 1
  on any failure.
- ``pack show PACK [--at DATE] [--kind K]`` lists the rules in force with effect, cites, dates.
"""

from __future__ import annotations

import argparse
import importlib
from datetime import date
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("pack", help="test and inspect rule packs")
    sub = parser.add_subparsers(dest="pack_command", metavar="PACK_COMMAND")
    sub.required = True

    test = sub.add_parser("test", help="run the scenarios of packs",
                          description="Run every scenario of the packs (default: all).")
    test.add_argument("packs", nargs="*", metavar="PACK")
    test.add_argument("--packs-dir", default=None, metavar="DIR", help="packs folder")
    test.set_defaults(func=run_test)

    show = sub.add_parser("show", help="the rules of a pack in force on a day",
                          description="List the rules in force with effect, cites, dates, text.")
    show.add_argument("pack")
    show.add_argument("--at", default=None, metavar="DATE", help="YYYY-MM-DD (default: today)")
    show.add_argument("--kind", default=None)
    show.add_argument("--packs-dir", default=None, metavar="DIR", help="packs folder")
    show.set_defaults(func=run_show)

    try:
        analysis = importlib.import_module("brightline.cli.pack_analysis")
    except ModuleNotFoundError as exc:
        if exc.name != "brightline.cli.pack_analysis":
            raise
    else:
        analysis.add_commands(sub)


def run_test(args: argparse.Namespace) -> int:
    from brightline.service.law import available_packs, load_scenarios, run_all, unexercised

    names = args.packs or available_packs(args.packs_dir)
    failed = total = 0
    for name in names:
        results = run_all(load_scenarios(name, args.packs_dir), args.packs_dir)
        total += len(results)
        for result in results:
            if result.passed:
                continue
            failed += 1
            s = result.scenario
            print(f"FAIL {s.id}  ({s.file}:{s.line})")
            for problem in result.problems:
                print(f"    {problem}")
        missing = unexercised(name, results, args.packs_dir)
        passed = sum(r.passed for r in results)
        print(f"{name}: {passed}/{len(results)} scenarios pass")
        if missing:
            print(f"  law keys cited by {name}'s rules but exercised by no passing scenario: "
                  f"{', '.join(missing)}")
        elif results:
            print(f"  every law key {name}'s rules cite is exercised")
    print(f"{total - failed} passed, {failed} failed, {total} scenarios in {len(names)} packs")
    return 1 if failed else 0


def run_show(args: argparse.Namespace) -> int:
    from brightline.errors import InvalidRequest
    from brightline.service.law import load_pack, rules_in_force

    try:
        day = date.fromisoformat(args.at) if args.at else date.today()
    except ValueError:
        raise InvalidRequest(f"--at {args.at!r} is not a date YYYY-MM-DD") from None
    pack = load_pack(args.pack, args.packs_dir)
    if args.kind is not None and args.kind not in pack.kinds:
        raise InvalidRequest(
            f"kind {args.kind!r} is not a kind of pack {args.pack!r} "
            f"(allowed: {', '.join(sorted(pack.kinds))})"
        )
    rules = rules_in_force(args.pack, day, args.packs_dir, kind=args.kind)
    print(f"{pack.top.title} ({pack.name} {pack.version}), rules in force on {day}: {len(rules)}")
    for rule in rules:
        until = f" until {rule['until']}" if rule["until"] else ""
        extra = " (fallback)" if rule["fallback"] else ""
        print(f"\n{rule['id']}  [{rule['kind']}] {rule['effect']}{extra}  from {rule['from']}{until}")
        print(f"  cites: {', '.join(rule['cites'])}")
        if rule["overrides"]:
            print(f"  overrides: {', '.join(rule['overrides'])}")
        print(f"  {rule['text']}")
    return 0
