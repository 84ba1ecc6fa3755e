"""`brightline ledger`: the signed checkpoint, inclusion proofs, offline proof checks, the audit.

- ``checkpoint``        prints the latest signed checkpoint (a C2SP signed note)
- ``prove INDEX``       prints the inclusion proof of an entry as JSON, with what an outside
                        verifier needs: leaf data, leaf hash, the signed checkpoint and the vkey
- ``verify-proof FILE`` checks such a file with no database: signature, then inclusion
- ``export-tiles DIR``  writes the log as static c2sp.org/tlog-tiles files for any web server
- ``follow URL``        mirrors a log over tlog-tiles; exits 1 on truncation, fork or bad tile
- ``witness``           submits the newest checkpoint to the witnesses of the policy file now
- ``verify``            re-derives the whole log from its rows and checks every stored node and
                        checkpoint (and their chain), every redaction against its logged
                        redaction entry, and every index row (decisions, reports, reviews,
                        inspections, ...) against its ledger record; names the first bad one

``--database URL`` overrides BRIGHTLINE_DATABASE_URL for the commands that read the database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from brightline.errors import BrightlineError, LedgerCorrupt


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ledger",
        help="the verifiable ledger: checkpoints, inclusion proofs, audit",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="ledger_action", metavar="ACTION")
    actions.required = True
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database", metavar="URL", help="database URL (default: BRIGHTLINE_DATABASE_URL)"
    )

    checkpoint = actions.add_parser(
        "checkpoint", parents=[database], help="print the latest signed checkpoint"
    )
    checkpoint.set_defaults(func=_checkpoint)

    prove = actions.add_parser(
        "prove", parents=[database], help="print the inclusion proof of an entry as JSON"
    )
    prove.add_argument("index", type=int, help="the entry's index (from 0)")
    prove.add_argument("--size", type=int, help="tree size to prove against (default: latest)")
    prove.set_defaults(func=_prove)

    verify_proof = actions.add_parser(
        "verify-proof", help="check a proof file offline: signature, then inclusion"
    )
    verify_proof.add_argument(
        "file", help="a file written by `brightline ledger prove` (- = stdin)"
    )
    verify_proof.add_argument(
        "--vkey", help="the verifier key to trust (default: the one in the file)"
    )
    verify_proof.set_defaults(func=_verify_proof)

    verify = actions.add_parser(
        "verify", parents=[database], help="re-derive the log and check every stored row"
    )
    verify.set_defaults(func=_verify)

    export = actions.add_parser(
        "export-tiles",
        parents=[database],
        help="write the log as static tlog-tiles files (checkpoint, tiles, entry bundles)",
    )
    export.add_argument("dir", type=Path, help="target folder (full tiles already there are kept)")
    export.set_defaults(func=_export_tiles)

    follow = actions.add_parser(
        "follow",
        help="mirror a log over tlog-tiles, checking every checkpoint, tile and bundle",
    )
    follow.add_argument("url", help="the log's tlog-tiles prefix, e.g. https://host/ledger")
    follow.add_argument("--vkey", required=True, help="the log's checkpoint verifier key")
    follow.add_argument(
        "--mirror", required=True, type=Path, help="the mirror folder (also the held state)"
    )
    follow.add_argument("--once", action="store_true", help="one round, then exit")
    follow.add_argument(
        "--interval", type=float, default=30.0, help="seconds between rounds (default 30)"
    )
    follow.set_defaults(func=_follow)

    witness = actions.add_parser(
        "witness",
        parents=[database],
        help="submit the newest checkpoint to the policy's witnesses now (see `witness serve`)",
    )
    witness.set_defaults(func=_witness)


def _open(args: argparse.Namespace) -> Any:
    from brightline.service.proofs import open_ledger

    return open_ledger(args.database)


def _checkpoint(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        sys.stdout.write(store.latest_checkpoint()["note"])
    finally:
        store.close()
    return 0


def _prove(args: argparse.Namespace) -> int:
    from brightline.service.proofs import proof_bundle

    store = _open(args)
    try:
        out = proof_bundle(store, args.index, args.size)
    finally:
        store.close()
    print(json.dumps(out, indent=2))
    return 0


def _verify_proof(args: argparse.Namespace) -> int:
    try:
        message = check_proof_file(args.file, args.vkey)
    except (BrightlineError, ValueError, KeyError, TypeError) as exc:
        print(f"NOT verified: {exc}")
        return 1
    print(f"verified: {message}")
    return 0


def check_proof_file(path: str, trusted_vkey: str | None = None) -> str:
    """Check a proof file written by ``prove``; return what it proves or raise saying why not."""
    from brightline.service.proofs import check_proof_document

    return check_proof_document(_read_proof(path), trusted_vkey)


def _read_proof(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return doc


def _verify(args: argparse.Namespace) -> int:
    from brightline.service.index_audit import check_index_tables

    try:
        store = _open(args)  # loads the right edge: a missing node is corrupt already
    except LedgerCorrupt as exc:
        print(f"ledger CORRUPT at entry {exc.details.get('index', '?')}: {exc}")
        return 1
    try:
        report = store.verify()
        index = check_index_tables(store.engine)
    except LedgerCorrupt as exc:
        print(f"ledger CORRUPT at entry {exc.details.get('index', '?')}: {exc}")
        return 1
    finally:
        store.close()
    tables = ", ".join(f"{name} {count}" for name, count in index["tables"].items())
    print(
        f"ledger OK: {report['size']} entries re-derived, root {report['root']}, "
        f"{report['checkpoints']} checkpoints checked (signature, root, consistency, chain), "
        f"{report['redacted']} redacted, each with its logged redaction; index rows equal to "
        f"their records: {tables} ({index['redacted']} of redacted entries not comparable)"
    )
    return 0


def _export_tiles(args: argparse.Namespace) -> int:
    from brightline.service.mirror import export_tiles

    store = _open(args)
    try:
        note = store.latest_checkpoint()["note"]
        done = export_tiles(store, args.dir, note)
    finally:
        store.close()
    print(
        f"exported {done['size']} entries to {args.dir}: {done['written']} tiles and bundles "
        f"written, {done['kept']} full ones already there"
    )
    return 0


def _follow(args: argparse.Namespace) -> int:
    import time

    from brightline.errors import InvalidRequest, VerificationError
    from brightline.service.mirror import follow_once

    if args.interval <= 0:
        raise InvalidRequest(f"--interval must be above 0, got {args.interval}", field="interval")
    while True:
        try:
            got = follow_once(args.url, args.vkey, args.mirror)
        except VerificationError as exc:
            print(f"log NOT followed: {exc}")
            return 1
        grown = got["size"] - got["held"]
        print(
            f"followed {args.url}: {got['size']} entries (+{grown}), root {got['root']}, "
            f"{got['tiles']} tiles and bundles mirrored into {args.mirror}",
            flush=True,
        )
        if args.once:
            return 0
        time.sleep(args.interval)


def _witness(args: argparse.Namespace) -> int:
    from brightline.service import Service

    service = Service.open(args.database)
    try:
        result = service.witness_now()
    finally:
        service.close()
    names = ", ".join(result["cosigned_by"]) or "none"
    print(
        f"size {result['size']}: cosigned by {names}; quorum "
        f"{'met' if result['quorum'] else 'NOT met'}"
    )
    for name, why in result["refused"].items():
        print(f"  {name}: {why}")
    return 0 if result["quorum"] else 1
