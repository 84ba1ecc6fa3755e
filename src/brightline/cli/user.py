"""`brightline user add|token`: accounts for the operator (no login needed on the console)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("user", help="add accounts and issue API tokens")
    sub = parser.add_subparsers(dest="user_command", metavar="ACTION")
    sub.required = True
    add = sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="officer, supervisor, auditor or admin")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--database", metavar="URL", help="database URL")
    add.set_defaults(func=handle_add)
    token = sub.add_parser("token", help="issue an API token for an account (shown once)")
    token.add_argument("username")
    token.add_argument("--label", default="cli", help="what the token is for")
    token.add_argument("--database", metavar="URL", help="database URL")
    token.set_defaults(func=handle_token)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        from brightline.errors import InvalidRequest

        raise InvalidRequest("the two passwords differ", field="password")
    return first


def handle_add(args: argparse.Namespace) -> int:
    from brightline.service import Service

    password = _password(args.password_stdin)
    with Service.open(args.database) as service:
        made = service.add_user(args.username, password, args.role)
    print(f"added {made['username']} ({made['role']})")
    return 0


def handle_token(args: argparse.Namespace) -> int:
    from brightline.service import Service

    with Service.open(args.database) as service:
        actor = service.get_user(args.username)
        print(service.issue_token(actor, args.label))
    return 0
