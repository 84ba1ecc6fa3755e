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
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); each opens its own service on the same database",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    import os

    from brightline.errors import InvalidRequest
    from brightline.service import Service

    if not 0 < args.port < 65536:
        raise InvalidRequest(f"--port must be 1-65535, got {args.port}", field="port")
    if not 1 <= args.workers <= 64:
        raise InvalidRequest(f"--workers must be 1-64, got {args.workers}", field="workers")
    service = Service.open(args.database)
    url = service.engine.url.render_as_string(hide_password=False)
    try:
        if args.demo:
            seeded = service.seed_demo()
            print(f"brightline: demo data: {seeded}", flush=True)
        print(f"brightline: serving on http://{args.host}:{args.port}/", flush=True)
        if args.workers == 1:
            _run(service, args)
            return 0
    finally:
        service.close()
    os.environ["BRIGHTLINE_DATABASE_URL"] = url  # each worker reads its settings at start
    _run("brightline.web.app:app_from_env", args)
    return 0


def _run(target: object, args: argparse.Namespace) -> None:
    """uvicorn with its fastest settings (uvloop, httptools). uvicorn never rewrites the client
    address from X-Forwarded-For (``proxy_headers=False``): brightline itself believes that
    header only from BRIGHTLINE_TRUSTED_PROXIES, so a client cannot pick its own address."""
    import uvicorn

    if not isinstance(target, str):
        from brightline.web import create_app

        target = create_app(target)  # type: ignore[arg-type]
    uvicorn.run(
        target,  # type: ignore[arg-type]
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=args.access_log,
        proxy_headers=False,
        forwarded_allow_ips="",
        log_level="warning",
        workers=args.workers if isinstance(target, str) else None,
        factory=isinstance(target, str),
    )
