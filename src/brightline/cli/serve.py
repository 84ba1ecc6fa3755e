"""`brightline serve`: migrate, open the service, optionally seed the demo, run the web app."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the web application (JSON API and pages)",
        description="Serve the JSON API under /api/v1/ and the pages. Migrates the database "
        "first. --demo seeds demo accounts and decisions (documented demo passwords).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--database", metavar="URL", help="database URL (default: see docs)")
    parser.add_argument("--demo", action="store_true", help="seed demo accounts and data")
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    import uvicorn

    from brightline.errors import InvalidRequest
    from brightline.service import Service
    from brightline.web import create_app

    if not 0 < args.port < 65536:
        raise InvalidRequest(f"--port must be 1-65535, got {args.port}", field="port")
    service = Service.open(args.database)
    try:
        if args.demo:
            seeded = service.seed_demo()
            print(f"brightline: demo data: {seeded}", flush=True)
        app = create_app(service)
        print(f"brightline: serving on http://{args.host}:{args.port}/", flush=True)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            loop="uvloop",
            http="httptools",
            access_log=args.access_log,
            log_level="warning",
        )
    finally:
        service.close()
    return 0
