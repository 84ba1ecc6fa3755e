"""The `brightline` command: a thin adapter over the service and the engine.

Each command group lives in its own module with a ``register(subparsers)`` function that adds its
parsers and sets ``func`` (taking the parsed namespace, returning the exit code). Handlers import
what they need inside the function so that `brightline decide` starts fast.

Exit codes: 0 done, 2 invalid input (one line naming what is wrong and the allowed values),
1 any other error (never a traceback unless BRIGHTLINE_DEBUG=1).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from brightline import settings
from brightline.errors import BrightlineError, InvalidInput

# Command modules, in the order their commands appear in --help.
_MODULES = (
    "decide",
    "pack",
    "audit",
    "ledger",
    "serve",
    "user",
    "roster",
    "report",
    "witness",
    "oversight",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brightline",
        description="Decide cases under the Protecting Chicago orders, keep the verifiable ledger, "
        "serve the web application.",
    )
    parser.add_argument(
        "--version", action="version", version=_version(), help="print the version and engine"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _MODULES:
        try:
            module = importlib.import_module(f"brightline.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"brightline.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def _version() -> str:
    from brightline import __version__
    from brightline.service.law import ENGINE

    return f"brightline {__version__} (decision engine: {ENGINE}, Python {sys.version.split()[0]})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = settings.current()  # read once, at start: a bad value stops here
        debug = config.debug
        if config.packs_dir is not None:
            from brightline.service.law import use_packs_dir

            use_packs_dir(config.packs_dir)
        code = args.func(args)
    except InvalidInput as exc:
        print(f"brightline: {exc}", file=sys.stderr)
        return 2
    except BrightlineError as exc:
        print(f"brightline: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # fail closed: an internal error is never an outcome
        if debug:
            raise
        print(f"brightline: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
