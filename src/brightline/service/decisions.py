"""Decisions: screen a case with the engine, log it to the ledger with its index row, read it
back under the access rules, and follow a ``needs_review`` decision up with the answers.

A decision's ledger record is ``{"id", "case", "decision", "actor": {"role", "username"},
"follow_up_of", "created_at"}`` (kind ``decision``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Row

from brightline.errors import Forbidden, InvalidCase, InvalidRequest, NotFound
from brightline.service import entries
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, month_of, new_id, utc_now
from brightline.service.validation import OUTCOMES, choice, identifier, page, text
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reviews as reviews_t

if TYPE_CHECKING:
    from brightline.service.core import Service


def decide(
    service: Service,
    case: Any,
    *,
    actor: Actor,
    follow_up_of: str | None = None,
    decision_id: str | None = None,
) -> dict[str, Any]:
    """Decide ``case``, log it (one ledger entry with its index row) and return
    ``{"id", "decision", "receipt", "created_at", "actor", "follow_up_of"}``."""
    record = _decided_record(service, case, actor, follow_up_of, decision_id)
    receipt = entries.append(service, "decision", record, decisions_t, index_row(record))
    return _result(record, receipt)


async def decide_async(service: Service, case: Any, *, actor: Actor) -> dict[str, Any]:
    """:func:`decide` for asyncio callers (no follow-up): the engine runs inline (it takes
    microseconds) and the ledger append is awaited, so no thread waits on the commit."""
    record = _decided_record(service, case, actor, None, None)
    row = index_row(record)
    receipt = await entries.append_async(service, "decision", record, decisions_t, row)
    return _result(record, receipt)


def _decided_record(
    service: Service,
    case: Any,
    actor: Actor,
    follow_up_of: str | None,
    decision_id: str | None,
) -> dict[str, Any]:
    """Check the actor and the case, decide it, and build the ledger record."""
    require(actor, "decide")
    if not isinstance(case, Mapping):
        raise InvalidCase(f"a case must be a JSON object (got {type(case).__name__})", field="case")
    if follow_up_of is not None:
        _check_follow_up(service, case, identifier("follow_up_of", follow_up_of), actor)
    decision = service.decider.decide(dict(case))
    return {
        "id": decision_id or new_id("d"),
        "case": dict(case),
        "decision": decision,
        "actor": actor.to_dict(),
        "follow_up_of": follow_up_of,
        "created_at": iso(utc_now()),
    }


def _result(record: dict[str, Any], receipt: dict[str, Any]) -> dict[str, Any]:
    follow_up_of = record["follow_up_of"]
    decision = record["decision"]
    return {
        "id": record["id"],
        "decision": decision,
        "receipt": receipt,
        "created_at": record["created_at"],
        "actor": record["actor"],
        "follow_up_of": follow_up_of,
    }


def index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``decisions`` index row of a decision record (without its ledger index)."""
    decision = record["decision"]
    at = str(decision.get("at") or record["case"].get("at") or record["created_at"])
    return {
        "id": record["id"],
        "jurisdiction": str(decision.get("jurisdiction") or record["case"].get("jurisdiction")),
        "kind": str(decision.get("kind") or record["case"].get("kind")),
        "outcome": str(decision["outcome"]),
        "at": at,
        "month": month_of(at),
        "actor_username": record["actor"].get("username"),
        "actor_role": record["actor"].get("role") or "public",
        "follow_up_of": record.get("follow_up_of"),
        "created_at": record["created_at"],
    }


def _check_follow_up(service: Service, case: Mapping[str, Any], first_id: str, actor: Actor) -> None:
    first = readable_row(service, first_id, actor)
    if first.outcome != "needs_review":
        raise InvalidRequest(
            f"decision {first_id} is {first.outcome}, not needs_review: only a needs_review "
            "decision can be followed up",
            field="follow_up_of",
        )
    for field in ("jurisdiction", "kind"):
        if case.get(field) != getattr(first, field):
            raise InvalidRequest(
                f"a follow-up must keep the {field} of decision {first_id} "
                f"({getattr(first, field)!r}, got {case.get(field)!r})",
                field=field,
                allowed=[getattr(first, field)],
            )


def row_of(service: Service, decision_id: str) -> Row[Any]:
    identifier("id", decision_id)
    with service.reading() as conn:
        row = conn.execute(select(decisions_t).where(decisions_t.c.id == decision_id)).first()
    if row is None:
        raise NotFound(f"no decision {decision_id}", id=decision_id)
    return row


def readable_row(service: Service, decision_id: str, actor: Actor) -> Row[Any]:
    """The index row of a decision ``actor`` may read: supervisors and auditors read all,
    officers their own."""
    if not actor.can("read_all_decisions"):
        require(actor, "read_own_decisions")
    row = row_of(service, decision_id)
    if not actor.can("read_all_decisions") and row.actor_username != actor.username:
        raise Forbidden(
            f"decision {decision_id} belongs to another account; an {actor.role} reads only "
            "their own decisions",
            id=decision_id,
        )
    return row


def summary(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "ledger_index": row.ledger_index,
        "jurisdiction": row.jurisdiction,
        "kind": row.kind,
        "outcome": row.outcome,
        "at": row.at,
        "month": row.month,
        "created_at": row.created_at,
        "actor": {"username": row.actor_username, "role": row.actor_role},
        "follow_up_of": row.follow_up_of,
    }


def _month(field: str, value: Any) -> str:
    raw = text(field, value, max_len=7)
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4] + raw[5:]).isdigit():
        raise InvalidRequest(f"{field} must be a month YYYY-MM (got {raw!r})", field=field)
    return raw


def get_decision(service: Service, decision_id: str, *, actor: Actor) -> dict[str, Any]:
    """The decision with its case, a fresh receipt (inclusion proof against the latest
    checkpoint), its follow-ups and its review."""
    row = readable_row(service, decision_id, actor)
    record = entries.load_record(service, row.ledger_index, "decision")
    out = summary(row)
    out["case"] = record["case"] if record else None
    out["decision"] = record["decision"] if record else None
    out["redacted"] = record is None
    out["receipt"] = entries.receipt_now(service, row.ledger_index)
    status = review_states(service, [row])[row.id]
    out.update(status)
    return out


def review_states(service: Service, rows: Sequence[Row[Any]]) -> dict[str, dict[str, Any]]:
    """For each row: ``follow_ups`` (ids), ``review`` (the resolution or None) and
    ``review_status`` (``open``, ``resolved``, ``followed_up``; None unless needs_review)."""
    ids = [r.id for r in rows]
    with service.reading() as conn:
        ups = conn.execute(
            select(decisions_t.c.id, decisions_t.c.follow_up_of)
            .where(decisions_t.c.follow_up_of.in_(ids))
            .order_by(decisions_t.c.ledger_index)
        ).all()
        done = conn.execute(select(reviews_t).where(reviews_t.c.decision_id.in_(ids))).all()
    follow_ups: dict[str, list[str]] = {i: [] for i in ids}
    for up in ups:
        follow_ups[up.follow_up_of].append(up.id)
    resolved = {r.decision_id: r for r in done}
    states: dict[str, dict[str, Any]] = {}
    for r in rows:
        review = resolved.get(r.id)
        status = None
        if r.outcome == "needs_review":
            status = "resolved" if review else "followed_up" if follow_ups[r.id] else "open"
        states[r.id] = {
            "follow_ups": follow_ups[r.id],
            "review": _review_view(review) if review else None,
            "review_status": status,
        }
    return states


def _review_view(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "outcome": row.outcome,
        "note": row.note,
        "by": row.actor_username,
        "ledger_index": row.ledger_index,
        "created_at": row.created_at,
    }


LIST_SORTS = ("ledger_index", "at", "kind", "outcome")


def list_decisions(
    service: Service,
    *,
    actor: Actor,
    outcome: str | None = None,
    limit: int = 50,
    offset: int = 0,
    kind: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    sort: str = "ledger_index",
    order: str = "desc",
) -> dict[str, Any]:
    """Newest first unless ``sort``/``order`` say otherwise (sorts: :data:`LIST_SORTS`):
    ``{"items": [summary...], "total", "limit", "offset"}``; filters ``outcome``, ``kind`` and
    the months of the conduct (``YYYY-MM``). Officers see only their own decisions; supervisors
    and auditors see all."""
    if not actor.can("read_all_decisions"):
        require(actor, "read_own_decisions")
    if outcome is not None:
        choice("outcome", outcome, OUTCOMES)
    choice("sort", sort, LIST_SORTS)
    choice("order", order, ("asc", "desc"))
    limit, offset = page(limit, offset)
    where = []
    if outcome is not None:
        where.append(decisions_t.c.outcome == outcome)
    if kind is not None:
        where.append(decisions_t.c.kind == text("kind", kind, max_len=40))
    if month_from is not None:
        where.append(decisions_t.c.month >= _month("month_from", month_from))
    if month_to is not None:
        where.append(decisions_t.c.month <= _month("month_to", month_to))
    if not actor.can("read_all_decisions"):
        where.append(decisions_t.c.actor_username == actor.username)
    column = decisions_t.c[sort]
    ordering = [column.desc() if order == "desc" else column.asc()]
    if sort != "ledger_index":
        ordering.append(decisions_t.c.ledger_index.desc())
    with service.reading() as conn:
        total = conn.execute(select(func.count()).select_from(decisions_t).where(*where)).scalar()
        rows = conn.execute(
            select(decisions_t).where(*where).order_by(*ordering).limit(limit).offset(offset)
        ).all()
    states = review_states(service, rows)
    items = [{**summary(r), **states[r.id]} for r in rows]
    return {"items": items, "total": int(total or 0), "limit": limit, "offset": offset}


