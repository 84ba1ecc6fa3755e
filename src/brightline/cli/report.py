"""`brightline report ...`: a reporter's request about their data, for the operator at the
console (every action is logged in the ledger with its reason).

    brightline report delete-contact REPORT_ID --reason TEXT   (the contact details only)
    brightline report redact REPORT_ID --reason TEXT           (the whole record and contact)
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="delete a reporter's contact details or redact a report, on request",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="report_command", metavar="ACTION")
    sub.required = True
    for name, helptext, func in (
        ("delete-contact", "delete the reporter's contact details", handle_delete_contact),
        ("redact", "redact the report's record and delete its contact", handle_redact),
    ):
        action = sub.add_parser(name, help=helptext)
        action.add_argument("report_id")
        action.add_argument("--reason", required=True, help="why (logged in the ledger)")
        action.add_argument("--database", metavar="URL", help="database URL")
        action.set_defaults(func=func)


def handle_delete_contact(args: argparse.Namespace) -> int:
    from brightline.service import Service

    with Service.open(args.database) as service:
        done = service.delete_contact(args.report_id, reason=args.reason, actor=None)
    what = "deleted" if done["deleted"] else "none were kept"
    print(f"contact details of {args.report_id}: {what}; logged at index {done['receipt']['index']}")
    return 0


def handle_redact(args: argparse.Namespace) -> int:
    from brightline.service import Service

    with Service.open(args.database) as service:
        done = service.redact_report(args.report_id, reason=args.reason, actor=None)
    print(
        f"report {args.report_id} redacted (entry {done['redacted_index']}); "
        f"logged at index {done['receipt']['index']}"
    )
    return 0
