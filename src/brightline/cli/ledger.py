"""`brightline ledger`: the signed checkpoint, inclusion proofs, offline proof checks, the audit.

- ``checkpoint``        prints the latest signed checkpoint (a C2SP signed note)
- ``prove INDEX``       prints the inclusion proof of an entry as JSON, with what an outside
                        verifier needs: leaf data, leaf hash, the signed checkpoint and the vkey
- ``verify-proof FILE`` checks such a file with no database: signature, then inclusion
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


def _open(args: argparse.Namespace) -> Any:
    from brightline.store.ledger import LedgerStore

    return LedgerStore.open(args.database)


def _checkpoint(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        sys.stdout.write(store.latest_checkpoint()["note"])
    finally:
        store.close()
    return 0


def _prove(args: argparse.Namespace) -> int:
    from brightline.ledger.records import leaf_data

    store = _open(args)
    try:
        proof = store.inclusion_proof(args.index, args.size)
        entry = store.entry(args.index)
        vkey = store.vkey
        origin = store.origin
    finally:
        store.close()
    data = leaf_data(entry.kind, bytes.fromhex(entry.commitment))
    out = {
        **proof,
        "kind": entry.kind,
        "commitment": entry.commitment,
        "leaf_data": data.hex(),
        "origin": origin,
        "vkey": vkey,
    }
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
    from brightline.ledger.checkpoint import open_checkpoint

    doc = _read_proof(path)
    vkey = trusted_vkey or _field(doc, "vkey", str)
    checkpoint = open_checkpoint(_field(doc, "checkpoint", str), vkey)
    index, size = _field(doc, "index", int), _field(doc, "size", int)
    if checkpoint.size != size:
        raise ValueError(f"the checkpoint is for tree size {checkpoint.size}, the proof for {size}")
    if "root" in doc and _hex(doc, "root") != checkpoint.root:
        raise ValueError("the root in the file is not the root the checkpoint signs")
    leaf = _checked_leaf(doc)
    _verify_inclusion(leaf, index, size, doc, checkpoint.root)
    who = vkey.split("+", 2)
    return (
        f"entry {index} is in {checkpoint.origin} at tree size {size} "
        f"(root {checkpoint.root.hex()}), checkpoint signed by {who[0]}+{who[1]}"
    )


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


def _field(doc: dict[str, Any], name: str, kind: type) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"proof file field {name!r} must be a {kind.__name__}, got {value!r}")
    return value


def _hex(doc: dict[str, Any], name: str) -> bytes:
    try:
        return bytes.fromhex(_field(doc, name, str))
    except ValueError as exc:
        raise ValueError(f"proof file field {name!r} is not hex") from exc


def _checked_leaf(doc: dict[str, Any]) -> bytes:
    """The leaf hash, checked against the leaf data (and kind + commitment) when present."""
    from brightline.ledger.merkle import leaf_hash
    from brightline.ledger.records import leaf_data

    leaf = _hex(doc, "leaf_hash")
    if "leaf_data" in doc:
        data = _hex(doc, "leaf_data")
        if leaf_hash(data) != leaf:
            raise ValueError("the leaf data does not hash to the leaf hash")
        if "kind" in doc and "commitment" in doc:
            expected = leaf_data(_field(doc, "kind", str), _hex(doc, "commitment"))
            if expected != data:
                raise ValueError("kind and commitment do not make the leaf data")
    return leaf


def _verify_inclusion(leaf: bytes, index: int, size: int, doc: dict[str, Any], root: bytes) -> None:
    from brightline.ledger.merkle import verify_inclusion

    proof = doc.get("proof")
    if not isinstance(proof, list) or not all(isinstance(h, str) for h in proof):
        raise ValueError("proof file field 'proof' must be a list of hex strings")
    try:
        hashes = [bytes.fromhex(h) for h in proof]
    except ValueError as exc:
        raise ValueError("proof file field 'proof' holds a value that is not hex") from exc
    verify_inclusion(leaf, index, size, hashes, root)


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
