"""The ledger as the public sees it: checkpoint, proofs, and entries without personal data.

An entry's public view carries what anyone needs to check it (index, kind, leaf hash and, while
the record is kept, the commitment, which hashes to the leaf) and a summary free of personal
data: for a decision its id, jurisdiction, kind, outcome and month; for a report its id,
category, kind, outcome and month; for a review the decision it settles and the outcome; for a
redaction the index it redacts. Actor
names, reporters' words, places, contacts and salts never appear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brightline.errors import InvalidRequest, NotFound
from brightline.service import entries
from brightline.service.validation import integer

if TYPE_CHECKING:
    from brightline.ledger.tiles import Tile
    from brightline.service.core import Service


def _index(service: Service, field: str, value: Any, *, upper: int) -> int:
    index = integer(field, value, minimum=0)
    if index >= upper:
        raise NotFound(
            f"{field} {index} is beyond the ledger (size {service.ledger.size()})",
            field=field,
            size=service.ledger.size(),
        )
    return index


def inclusion_proof(service: Service, index: Any, size: Any = None) -> dict[str, Any]:
    current = service.ledger.size()
    index = _index(service, "index", index, upper=current)
    if size is not None:
        size = _index(service, "size", size, upper=current + 1)
        if index >= size:
            raise InvalidRequest(
                f"entry {index} is not in the tree of size {size}: use a size of at least "
                f"{index + 1} (up to {current})",
                field="size",
                minimum=index + 1,
                maximum=current,
            )
    return service.ledger.inclusion_proof(index, size)


def consistency_proof(service: Service, size1: Any, size2: Any) -> dict[str, Any]:
    """The proof between the trees of ``size1`` and ``size2`` entries; errors name them as the
    API's parameters do (``from`` and ``to``)."""
    current = service.ledger.size()
    size1 = _index(service, "from", size1, upper=current + 1)
    size2 = _index(service, "to", size2, upper=current + 1)
    if size1 > size2:
        raise InvalidRequest(
            f"from ({size1}) must not exceed to ({size2}): a consistency proof goes from an "
            "older, smaller tree to a newer one",
            field="from",
            maximum=size2,
            got=size1,
        )
    return service.ledger.consistency_proof(size1, size2)


def tile(service: Service, path: str) -> tuple[Tile, bytes]:
    """The tile (or entry bundle) at ``path`` (``tile/...`` below the log's prefix) and its
    bytes; InvalidRequest for a path the spec does not allow, NotFound beyond the log."""
    from brightline.ledger.tiles import parse_tile_path

    try:
        address = parse_tile_path(path)
    except InvalidRequest as exc:  # a static tile server has no such file either
        raise NotFound(str(exc), path=path) from exc
    return address, service.ledger.tile(address)


def published_checkpoint(service: Service) -> str:
    """The checkpoint the log publishes at ``<prefix>/checkpoint``: with a witness policy, the
    newest checkpoint whose cosignatures meet its quorum (the log's note with the witnesses'
    lines); without one, the newest signed by the log."""
    from brightline.service import witnessing

    cosigned = witnessing.latest_witnessed(service)
    if cosigned is not None:
        return str(cosigned["note"])
    if witnessing.policy_in_force() is not None:
        raise NotFound(
            "no checkpoint has been cosigned by a quorum of witnesses yet",
            quorum=str(witnessing.policy_in_force()),
        )
    return str(service.ledger.latest_checkpoint()["note"])


def public_entry(service: Service, index: Any) -> dict[str, Any]:
    index = _index(service, "index", index, upper=service.ledger.size())
    entry = service.ledger.entry(index)
    if entry is None:
        raise NotFound(f"no ledger entry {index}", index=index)
    record = entries.record_of(entry)
    return {
        "index": index,
        "kind": entry.kind,
        "leaf_hash": _hex(entry.leaf_hash),
        "commitment": getattr(entry, "commitment", None)
        or _commitment(entry.kind, record, entry.salt, entry.leaf_hash),
        "redacted": bool(entry.redacted),
        "created_at": _minute(_text(entry.created_at)),
        "summary": summary(entry.kind, record),
    }


def summary(kind: str, record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    if kind == "decision":
        decision = record.get("decision") or {}
        at = str(decision.get("at") or "")
        return {
            "id": record.get("id"),
            "jurisdiction": decision.get("jurisdiction"),
            "kind": decision.get("kind"),
            "outcome": decision.get("outcome"),
            "month": at[:7] or None,
            "follow_up_of": record.get("follow_up_of"),
        }
    if kind == "report":
        decision = record.get("decision") or {}
        when = record.get("occurred_at") or record.get("created_at") or ""
        return {
            "id": record.get("id"),
            "category": record.get("category"),
            "kind": record.get("kind"),
            "outcome": decision.get("outcome"),
            "month": str(when)[:7] or None,
        }
    if kind == "review":
        return {"decision_id": record.get("decision_id"), "outcome": record.get("outcome")}
    if kind == "redaction":
        return {"redacts": record.get("redacts")}
    if kind == "oversight_report":
        # What anyone needs to tie a published report to the log (no figures of staff reports).
        return {
            "id": record.get("id"),
            "report": record.get("report"),
            "period": record.get("period"),
            "ledger_size": record.get("ledger_size"),
            "content_hash": record.get("content_hash"),
            "entries": record.get("entries"),
        }
    return None


def _commitment(kind: str, record: dict[str, Any] | None, salt: Any, leaf: Any) -> str | None:
    """The record's commitment, given only when it re-derives the entry's leaf hash."""
    if record is None or salt is None:
        return None
    from brightline.ledger.merkle import leaf_hash
    from brightline.ledger.records import canonical_json, commitment, leaf_data

    raw_salt = bytes.fromhex(salt) if isinstance(salt, str) else bytes(salt)
    value = commitment(canonical_json(record), raw_salt)
    if leaf_hash(leaf_data(kind, value)).hex() != _hex(leaf):
        return None
    return value.hex()


def _minute(stamp: str | None) -> str | None:
    """Public times are shown to the minute (``2026-11-26T08:04Z``): the second and below
    would help link an entry to one person's request."""
    if stamp is None or len(stamp) < 16:
        return stamp
    return stamp[:16] + "Z"


def _hex(value: Any) -> str:
    return value.hex() if isinstance(value, bytes | bytearray) else str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
