"""`brightline witness`: run a tlog witness (c2sp.org/tlog-witness) with your own key.

- ``serve``  cosign the checkpoints of the logs you name (by their checkpoint vkeys), after
             checking each is consistent with the last one you cosigned; refuse rollbacks and
             forks. State and key stay in the files you give.
- ``key``    print the witness's verifier key (for the log's policy file), creating the key
             file on first use.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "witness",
        help="run a transparency-log witness (C2SP tlog-witness) with your own key",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="witness_action", metavar="ACTION")
    actions.required = True
    keyed = argparse.ArgumentParser(add_help=False)
    keyed.add_argument("--key", required=True, type=Path, help="the witness key file (created)")
    keyed.add_argument(
        "--name", default="witness.local/w1", help="key name when creating a key (a URL-like id)"
    )

    serve = actions.add_parser("serve", parents=[keyed], help="serve add-checkpoint")
    serve.add_argument("--state", required=True, type=Path, help="the witness's SQLite file")
    serve.add_argument(
        "--log",
        action="append",
        required=True,
        metavar="VKEY",
        help="checkpoint verifier key of a log to witness (repeat for several)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="port (0: any free port, printed)")
    serve.set_defaults(func=_serve)

    key = actions.add_parser("key", parents=[keyed], help="print the witness's vkey")
    key.set_defaults(func=_key)


def _key(args: argparse.Namespace) -> int:
    from brightline.service.witness_server import load_or_create_key

    print(load_or_create_key(args.key, args.name).vkey)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    from brightline.errors import InvalidRequest
    from brightline.service.witness_server import Witness, load_or_create_key
    from brightline.web.witness_app import witness_app

    if not 0 <= args.port < 65536:
        raise InvalidRequest(f"--port must be 0-65535, got {args.port}", field="port")
    cosigner = load_or_create_key(args.key, args.name)
    witness = Witness(cosigner, args.log, args.state)
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    print(f"witness {cosigner.vkey}", flush=True)
    print(f"listening on http://{args.host}:{port}", flush=True)
    config = uvicorn.Config(witness_app(witness), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
