"""The oversight inbox: residents' reports of a concern as auditors work through them.

Auditors list the reports (filtered, sorted, exported), each with the pack's decision; they
resolve a report with a resolution and a note, which is logged to the ledger like a review
(kind ``report_resolution``). A resident with the number on their receipt sees the report's
status (open, or resolved and how, and the day) and nothing private.

A resolution's ledger record is ``{"id", "report_id", "report_index", "resolution", "note",
"actor": {"role", "username"}, "created_at"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from brightline.errors import InvalidRequest, NotFound
from brightline.service import entries
from brightline.service.actors import Actor, require
from brightline.service.reports import CATEGORIES
from brightline.service.stamps import iso, new_id, utc_now
from brightline.service.validation import (
    OUTCOMES,
    choice,
    identifier,
    known_fields,
    page,
    text,
)
from brightline.store.tables_app import reports as reports_t
from brightline.store.tables_oversight import report_resolutions as resolutions_t

if TYPE_CHECKING:
    from brightline.service.core import Service

RESOLUTIONS: dict[str, str] = {
    "substantiated": "Looked into: the concern was substantiated",
    "not_substantiated": "Looked into: the concern could not be substantiated",
    "referred": "Referred to the body that handles it (COPA, the Inspector General, a prosecutor)",
    "no_action": "Closed without action (outside the rules, a duplicate, or not enough to act on)",
}
STATUSES = ("open", "resolved")
SORTS = ("ledger_index", "month", "category", "outcome", "status")
FILTERS = ("category", "outcome", "status", "month_from", "month_to")
MAX_NOTE = 4000


def resolve_report(
    service: Service, report_id: str, *, resolution: str, note: str, actor: Actor
) -> dict[str, Any]:
    """Log the resolution of an open report; refused when it was already resolved."""
    require(actor, "resolve_reports")
    identifier("report_id", report_id)
    resolution = choice("resolution", resolution, RESOLUTIONS)
    note = text("note", note, max_len=MAX_NOTE)
    with service.review_lock:
        with service.reading() as conn:
            row = conn.execute(select(reports_t).where(reports_t.c.id == report_id)).first()
            done = conn.execute(
                select(resolutions_t).where(resolutions_t.c.report_id == report_id)
            ).first()
        if row is None:
            raise NotFound(f"no report {report_id}", id=report_id)
        if done is not None:
            raise InvalidRequest(
                f"report {report_id} was already resolved as {done.resolution} "
                f"(entry {done.ledger_index})",
                field="report_id",
            )
        record = {
            "id": new_id("rr"),
            "report_id": report_id,
            "report_index": row.ledger_index,
            "resolution": resolution,
            "note": note,
            "actor": actor.to_dict(),
            "created_at": iso(utc_now()),
        }
        receipt = entries.append(
            service, "report_resolution", record, resolutions_t, index_row(record)
        )
    return {**record, "receipt": receipt}


def index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``report_resolutions`` row of a resolution record (without ledger index)."""
    return {
        "id": record["id"],
        "report_id": record["report_id"],
        "resolution": record["resolution"],
        "note": record["note"],
        "actor_username": (record.get("actor") or {}).get("username"),
        "created_at": record["created_at"],
    }


def public_status(service: Service, report_id: str) -> dict[str, Any]:
    """What anyone with the receipt number sees: category, month, the pack's outcome, and
    whether (and how, and on which day) it was resolved. Nothing the reporter wrote."""
    identifier("number", report_id)
    with service.reading() as conn:
        row = conn.execute(select(reports_t).where(reports_t.c.id == report_id)).first()
        done = conn.execute(
            select(resolutions_t).where(resolutions_t.c.report_id == report_id)
        ).first()
    if row is None:
        raise NotFound(
            f"no report with the number {report_id}: check the number on your receipt",
            id=report_id,
        )
    return {
        "id": row.id,
        "ledger_index": row.ledger_index,
        "category": row.category,
        "category_label": CATEGORIES[row.category][1] if row.category in CATEGORIES else "",
        "month": row.month,
        "outcome": row.outcome or "undecided",
        **_status(done),
    }


def _status(done: Row[Any] | None) -> dict[str, Any]:
    if done is None:
        return {"status": "open", "resolution": None, "resolution_label": None, "resolved_on": None}
    return {
        "status": "resolved",
        "resolution": done.resolution,
        "resolution_label": RESOLUTIONS.get(done.resolution, done.resolution),
        "resolved_on": str(done.created_at)[:10],
        "resolution_index": done.ledger_index,
    }


def inbox(
    service: Service,
    *,
    actor: Actor,
    filters: Mapping[str, Any] | None = None,
    sort: str = "ledger_index",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
    everything: bool = False,
) -> dict[str, Any]:
    """Auditors: residents' reports with the pack's decision and their status. Filters
    :data:`FILTERS`; ``everything`` ignores ``limit``/``offset`` (for exports)."""
    require(actor, "read_reports")
    filters = {k: v for k, v in dict(filters or {}).items() if v not in (None, "")}
    known_fields("filters", filters, FILTERS)
    choice("sort", sort, SORTS)
    choice("order", order, ("asc", "desc"))
    limit, offset = page(limit, offset)
    where = []
    if "category" in filters:
        where.append(reports_t.c.category == choice("category", filters["category"], CATEGORIES))
    if "outcome" in filters:
        wanted = choice("outcome", filters["outcome"], [*OUTCOMES, "undecided"])
        where.append(
            reports_t.c.outcome.is_(None)
            if wanted == "undecided"
            else reports_t.c.outcome == wanted
        )
    for name, op in (("month_from", "__ge__"), ("month_to", "__le__")):
        if name in filters:
            where.append(getattr(reports_t.c.month, op)(_month(name, filters[name])))
    with service.reading() as conn:
        rows = conn.execute(select(reports_t).where(*where)).all()
        done = {
            r.report_id: r
            for r in conn.execute(
                select(resolutions_t).where(resolutions_t.c.report_id.in_([r.id for r in rows]))
            )
        }
    items = [_item(r, done.get(r.id)) for r in rows]
    if "status" in filters:
        wanted_status = choice("status", filters["status"], STATUSES)
        items = [i for i in items if i["status"] == wanted_status]
    items.sort(key=lambda i: (str(i[sort] or ""), i["ledger_index"]), reverse=order == "desc")
    chosen = items if everything else items[offset : offset + limit]
    for item in chosen:
        record = entries.load_record(service, item["ledger_index"], "report")
        decision = (record or {}).get("decision")
        item["decision"] = _decision_view(decision)
    return {
        "items": chosen,
        "total": len(items),
        "limit": len(items) if everything else limit,
        "offset": 0 if everything else offset,
        "sort": sort,
        "order": order,
    }


def _month(field: str, value: Any) -> str:
    raw = text(field, value, max_len=7)
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4] + raw[5:]).isdigit():
        raise InvalidRequest(f"{field} must be a month YYYY-MM (got {raw!r})", field=field)
    return raw


def _item(row: Row[Any], done: Row[Any] | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "ledger_index": row.ledger_index,
        "category": row.category,
        "kind": row.kind,
        "outcome": row.outcome or "undecided",
        "month": row.month,
        "created_on": str(row.created_at)[:10],
        **_status(done),
    }


def _decision_view(decision: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not decision:
        return None
    return {
        "outcome": decision.get("outcome"),
        "pack_version": decision.get("pack_version"),
        "reasons": [
            {"rule": r.get("rule"), "cites": r.get("cites", [])}
            for r in decision.get("reasons", [])
        ],
        "obligations": [
            {"rule": o.get("rule"), "cites": o.get("cites", [])}
            for o in decision.get("obligations", [])
        ],
        "findings": [
            {"rule": f.get("rule"), "cites": f.get("cites", [])}
            for f in decision.get("findings", [])
        ],
    }


CSV_COLUMNS = (
    "id",
    "ledger_index",
    "category",
    "kind",
    "outcome",
    "month",
    "created_on",
    "status",
    "resolution",
    "resolved_on",
    "reasons",
    "obligations",
    "findings",
)


def csv_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows for a CSV export: cited clauses joined with spaces."""
    out = []
    for item in items:
        decision = item.get("decision") or {}
        row = {k: item.get(k) for k in CSV_COLUMNS[:10]}
        for part in ("reasons", "obligations", "findings"):
            row[part] = " ".join(c for x in decision.get(part, []) for c in x.get("cites", []))
        out.append(row)
    return out
