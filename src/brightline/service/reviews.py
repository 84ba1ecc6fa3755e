"""The supervisors' review queue: ``needs_review`` decisions nobody has settled yet, and their
resolution (an outcome and a note), which is itself logged to the ledger (kind ``review``).

A decision leaves the queue when a supervisor resolves it or when it is followed up (the
follow-up, if still ``needs_review``, takes its place in the queue).

A review's ledger record is ``{"id", "decision_id", "decision_index", "outcome", "note",
"actor": {"role", "username"}, "created_at"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from brightline.errors import InvalidRequest
from brightline.service import decisions, entries
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, new_id, utc_now
from brightline.service.validation import REVIEW_OUTCOMES, choice, identifier, text
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reviews as reviews_t

if TYPE_CHECKING:
    from brightline.service.core import Service

MAX_NOTE = 4000


def review_queue(service: Service, *, actor: Actor) -> list[dict[str, Any]]:
    """Open ``needs_review`` decisions, oldest first, each with its open questions."""
    require(actor, "read_review_queue")
    follow_up = decisions_t.alias("follow_up")
    query = (
        select(decisions_t)
        .where(decisions_t.c.outcome == "needs_review")
        .where(~exists().where(reviews_t.c.decision_id == decisions_t.c.id))
        .where(~exists().where(follow_up.c.follow_up_of == decisions_t.c.id))
        .order_by(decisions_t.c.ledger_index)
    )
    with service.reading() as conn:
        rows = conn.execute(query).all()
    items = []
    for row in rows:
        record = entries.load_record(service, row.ledger_index, "decision")
        decision = record["decision"] if record else {}
        items.append(
            {
                **decisions.summary(row),
                "questions": decision.get("questions", []),
                "reasons": decision.get("reasons", []),
            }
        )
    return items


def resolve_review(
    service: Service, decision_id: str, *, outcome: str, note: str, actor: Actor
) -> dict[str, Any]:
    """Settle an open ``needs_review`` decision: log the resolution, take it off the queue."""
    require(actor, "resolve_review")
    identifier("decision_id", decision_id)
    outcome = choice("outcome", outcome, REVIEW_OUTCOMES)
    note = text("note", note, max_len=MAX_NOTE)
    with service.review_lock:
        row = decisions.row_of(service, decision_id)
        state = decisions.review_states(service, [row])[row.id]
        _check_open(decision_id, row.outcome, state)
        record = {
            "id": new_id("v"),
            "decision_id": decision_id,
            "decision_index": row.ledger_index,
            "outcome": outcome,
            "note": note,
            "actor": actor.to_dict(),
            "created_at": iso(utc_now()),
        }
        receipt = entries.append(service, "review", record, reviews_t, index_row(record))
    return {
        "id": record["id"],
        "decision_id": decision_id,
        "outcome": outcome,
        "note": note,
        "actor": record["actor"],
        "created_at": record["created_at"],
        "receipt": receipt,
    }


def _check_open(decision_id: str, outcome: str, state: Mapping[str, Any]) -> None:
    if outcome != "needs_review":
        raise InvalidRequest(
            f"decision {decision_id} is {outcome}; only needs_review decisions are reviewed",
            field="decision_id",
        )
    if state["review_status"] == "resolved":
        raise InvalidRequest(
            f"decision {decision_id} was already resolved as {state['review']['outcome']}",
            field="decision_id",
        )
    if state["review_status"] == "followed_up":
        raise InvalidRequest(
            f"decision {decision_id} was followed up by {', '.join(state['follow_ups'])}; "
            "review the follow-up instead",
            field="decision_id",
        )


def index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``reviews`` index row of a review record (without its ledger index)."""
    return {
        "id": record["id"],
        "decision_id": record["decision_id"],
        "outcome": record["outcome"],
        "note": record["note"],
        "actor_username": record["actor"].get("username"),
        "created_at": record["created_at"],
    }
