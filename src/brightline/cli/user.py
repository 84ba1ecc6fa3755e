"""`brightline user ...`: accounts and API tokens for the operator at the console (no sign-in
needed; every change is logged in the ledger as made by the operator).

    brightline user add NAME --role ROLE [--password-stdin]
    brightline user list
    brightline user disable NAME | enable NAME     (disabling ends its sessions and tokens)
    brightline user role NAME ROLE
    brightline user password NAME [--password-stdin] (ends its sessions and tokens)
    brightline user token NAME [--label L] [--days N]   (the token is shown once)
    brightline user tokens NAME
    brightline user revoke TOKEN_ID
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "user",
        help="manage accounts and API tokens",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="user_command", metavar="ACTION")
    sub.required = True
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL", help="database URL")

    add = sub.add_parser("add", parents=[database], help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="officer, supervisor, auditor or admin")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=handle_add)

    listing = sub.add_parser("list", parents=[database], help="list the accounts")
    listing.set_defaults(func=handle_list)

    for name, active in (("disable", False), ("enable", True)):
        action = sub.add_parser(name, parents=[database], help=f"{name} an account")
        action.add_argument("username")
        action.set_defaults(func=handle_active, active=active)

    role = sub.add_parser("role", parents=[database], help="give an account another role")
    role.add_argument("username")
    role.add_argument("role", help="officer, supervisor, auditor or admin")
    role.set_defaults(func=handle_role)

    password = sub.add_parser("password", parents=[database], help="set a new password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(func=handle_password)

    token = sub.add_parser(
        "token", parents=[database], help="issue an API token for an account (shown once)"
    )
    token.add_argument("username")
    token.add_argument("--label", default="cli", help="what the token is for")
    token.add_argument("--days", type=int, help="expires after this many days (default: longest)")
    token.set_defaults(func=handle_token)

    tokens = sub.add_parser("tokens", parents=[database], help="list an account's API tokens")
    tokens.add_argument("username")
    tokens.set_defaults(func=handle_tokens)

    revoke = sub.add_parser("revoke", parents=[database], help="revoke an API token by its id")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(func=handle_revoke)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        from brightline.errors import InvalidRequest

        raise InvalidRequest("the two passwords differ", field="password")
    return first


def _service(args: argparse.Namespace) -> Any:
    from brightline.service import Service

    return Service.open(args.database)


def handle_add(args: argparse.Namespace) -> int:
    password = _password(args.password_stdin)
    with _service(args) as service:
        made = service.add_user(args.username, password, args.role)
    print(f"added {made['username']} ({made['role']})")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    with _service(args) as service:
        for user in service.list_users(actor=None):
            state = "active" if user["active"] else "disabled"
            print(
                f"{user['username']}\t{user['role']}\t{state}\tsessions {user['sessions']}\t"
                f"tokens {user['tokens']}\tcreated {user['created_at']}"
            )
    return 0


def handle_active(args: argparse.Namespace) -> int:
    with _service(args) as service:
        done = service.set_active(args.username, args.active, actor=None)
    word = "enabled" if args.active else "disabled (sessions ended, tokens revoked)"
    print(f"{args.username} {word}" if done["changed"] else f"{args.username} unchanged")
    return 0


def handle_role(args: argparse.Namespace) -> int:
    with _service(args) as service:
        done = service.set_role(args.username, args.role, actor=None)
    print(f"{args.username} is {done['role']}" + ("" if done["changed"] else " (unchanged)"))
    return 0


def handle_password(args: argparse.Namespace) -> int:
    password = _password(args.password_stdin)
    with _service(args) as service:
        done = service.change_password(args.username, password, actor=None)
    print(
        f"password of {args.username} changed; {done['sessions_ended']} sessions ended, "
        f"{done['tokens_revoked']} tokens revoked"
    )
    return 0


def handle_token(args: argparse.Namespace) -> int:
    with _service(args) as service:
        actor = service.get_user(args.username)
        lifetime = args.days * 86400 if args.days is not None else None
        print(service.issue_token(actor, args.label, lifetime=lifetime))
    return 0


def handle_tokens(args: argparse.Namespace) -> int:
    with _service(args) as service:
        for t in service.list_tokens(actor=None, username=args.username):
            print(
                f"{t['id']}\t{t['label']}\t{t['state']}\tcreated {t['created_at']}\t"
                f"expires {t['expires_at'] or 'never'}"
            )
    return 0


def handle_revoke(args: argparse.Namespace) -> int:
    with _service(args) as service:
        done = service.revoke_token(args.token_id, actor=None)
    print(f"token {done['id']} of {done['username']} revoked")
    return 0
