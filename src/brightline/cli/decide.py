"""`brightline decide [FILE|-] [--format json|text] [--no-flips]`: one case in, its decision out.

Exit 0 when decided, 2 when the case is invalid (one line naming the field or fact and the allowed
values), 1 on any other error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "decide",
        help="decide one case (JSON) and print the decision",
        description="Read a case (a JSON object: jurisdiction, at, kind, facts) from FILE or "
        "standard input and print the decision. Exit 0 decided, 2 invalid case, 1 error.",
    )
    parser.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                        help="the case file (default: standard input)")
    parser.add_argument("--format", choices=("json", "text"), default="json",
                        help="json (default) or text for people")
    parser.add_argument("--no-flips", action="store_true",
                        help="skip computing flips (faster)")
    parser.add_argument("--packs", metavar="DIR", default=None,
                        help="packs folder (default: BRIGHTLINE_PACKS_DIR or the bundled packs)")
    parser.set_defaults(func=run)


def read_case(file: str) -> Any:
    from brightline.errors import InvalidCase

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidCase(f"cannot read case file {file!r}: {exc.strerror}", field="case") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidCase(
            f"case is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            field="case",
        ) from None


def run(args: argparse.Namespace) -> int:
    from brightline.service.law import Decider, decide

    case = read_case(args.file)
    flips = not args.no_flips
    if args.packs:
        decision = Decider(args.packs).decide(case, flips=flips)
    else:
        decision = decide(case, flips=flips)
    if args.format == "json":
        print(json.dumps(decision, indent=2, ensure_ascii=False))
    else:
        from brightline.service.presentation import render_text

        print(render_text(decision, _clauses(args.packs), _facts(decision, args.packs)))
    return 0


def _clauses(packs: str | None) -> dict[str, str]:
    from brightline.service.law import law_keys

    return {key: str(info["text"]) for key, info in law_keys(packs).items()}


def _facts(decision: dict[str, Any], packs: str | None) -> dict[str, dict[str, Any]]:
    """The decided kind's declared facts, in order (for the order of flips)."""
    from brightline.service.law import pack_catalog

    catalog = pack_catalog(str(decision["jurisdiction"]), packs)
    facts = catalog["kinds"].get(decision["kind"], {}).get("facts", [])
    return {str(f["name"]): dict(f) for f in facts}
