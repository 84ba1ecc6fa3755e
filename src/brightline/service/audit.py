"""Re-deciding the logged decisions: "what does this ruling change for us?".

:func:`ledger_changes` reads every decision logged for a pack (optionally one kind) from the
ledger, decides each logged case again under another date's law (``as_of``: the case's ``at`` is
replaced by that date) and/or with another packs folder (``against``: another pack version), and
lists the decisions whose outcome would change, with the rules and cites that would decide them.
A logged case the other law cannot decide (a fact it no longer knows, a date it does not cover) is
listed as undecidable with the reason, never skipped in silence. Redacted entries are counted.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from brightline.errors import InvalidCase, InvalidRequest
from brightline.service import entries
from brightline.store.tables_app import decisions as decisions_t

if TYPE_CHECKING:
    from brightline.service.core import Service


def ledger_changes(
    service: Service,
    *,
    pack: str,
    kind: str | None = None,
    as_of: str | None = None,
    against: str | None = None,
    packs_dir: str | None = None,
) -> dict[str, Any]:
    """The logged decisions of ``pack`` whose outcome changes under the other law."""
    from brightline.rules import Decider

    if as_of is not None:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            raise InvalidRequest(
                f"--as-of {as_of!r} is not a date YYYY-MM-DD", field="as_of", got=as_of
            ) from None
    decider = Decider(against or packs_dir)
    query = select(
        decisions_t.c.id, decisions_t.c.ledger_index, decisions_t.c.kind, decisions_t.c.outcome
    ).where(decisions_t.c.jurisdiction == pack)
    if kind is not None:
        query = query.where(decisions_t.c.kind == kind)
    with service.reading() as conn:
        rows = conn.execute(query.order_by(decisions_t.c.ledger_index)).all()
    changes: list[dict[str, Any]] = []
    undecidable: list[dict[str, Any]] = []
    redacted = 0
    for row in rows:
        record = entries.load_record(service, int(row.ledger_index), "decision")
        if record is None:
            redacted += 1
            continue
        case = dict(record["case"])
        was = record["decision"]["outcome"]
        if as_of is not None:
            case["at"] = as_of
        try:
            now = decider.decide(case, flips=False)
        except InvalidCase as exc:
            undecidable.append({"index": int(row.ledger_index), "id": row.id, "error": str(exc)})
            continue
        if now["outcome"] != was:
            changes.append({
                "index": int(row.ledger_index),
                "id": row.id,
                "kind": row.kind,
                "at": case["at"],
                "logged_at": record["case"].get("at"),
                "was": was,
                "now": now["outcome"],
                "rules": [r["rule"] for r in now["reasons"]],
                "cites": [c for r in now["reasons"] for c in r["cites"]],
                "was_rules": [r["rule"] for r in record["decision"].get("reasons", [])],
            })
    under = []
    if as_of:
        under.append(f"the law in force on {as_of}")
    if against:
        under.append(f"the packs of {against}")
    return {
        "pack": pack,
        "kind": kind,
        "under": " and ".join(under),
        "decided": len(rows) - redacted - len(undecidable),
        "redacted": redacted,
        "changes": changes,
        "undecidable": undecidable,
    }
