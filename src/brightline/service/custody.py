"""The custody request log (the role of CPD form CPD-31.110): every immigration detainer,
administrative (civil immigration) warrant or judicial warrant received for a person in City
custody, and what became of the person — bail posted, held, released, transferred.

Each entry is a ledger entry with its index row. A **request** (kind ``custody_request``) says
when the document was received, from which agency, what it is, and the internal case reference
(never a name). An **event** (kind ``custody_event``) is ``bail_posted``, ``held``, ``released``
or ``transferred`` (with the receiving agency). ``held`` and ``transferred`` are dispositions the
law governs, so each is decided by the pack as an ``assistance`` case (a transfer on a detainer
alone is prohibited) and the decision is logged with it; bail and release help no agency and
carry no decision.

Nothing is ever edited: a **correction** is a new entry whose ``corrects`` names the entry it
replaces (which must be the newest of its chain); an event entered by mistake is withdrawn by a
correction with ``event: "void"``. The entries in force are the newest of each chain.

Records::

    custody_request {"id", "request_id", "corrects", "jurisdiction", "received_at", "agency",
                     "document_type", "case_ref", "actor", "created_at"}
    custody_event   {"id", "request_id", "corrects", "event", "at", "to_agency", "case",
                     "decision", "actor", "created_at"}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Row

from brightline.errors import InvalidCase, InvalidRequest, NotFound
from brightline.service import entries
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, new_id, utc_now
from brightline.service.validation import choice, identifier, known_fields, mapping, page, text
from brightline.store.tables_oversight import custody_events as events_t
from brightline.store.tables_oversight import custody_requests as requests_t

if TYPE_CHECKING:
    from brightline.service.core import Service

DOCUMENT_TYPES: dict[str, dict[str, str]] = {
    "immigration_detainer": {
        "label": "Immigration detainer (request to hold, e.g. DHS Form I-247)",
        "basis": "immigration_detainer",
        "purpose": "civil_immigration",
    },
    "administrative_warrant": {
        "label": "Administrative or civil immigration warrant (I-200, I-205, removal order, "
        "NCIC immigration hit: not signed by a judge)",
        "basis": "administrative_warrant",
        "purpose": "civil_immigration",
    },
    "judicial_warrant": {
        "label": "Judicial criminal warrant (signed by a judge)",
        "basis": "judicial_criminal_warrant",
        "purpose": "criminal",
    },
}
IMMIGRATION_DOCUMENTS = ("immigration_detainer", "administrative_warrant")
EVENTS: dict[str, str] = {
    "bail_posted": "Criminal bail posted",
    "held": "Held for the requesting agency",
    "released": "Released from City custody",
    "transferred": "Transferred to another agency",
}
FINAL_EVENTS = ("released", "transferred")
DECIDED_EVENTS = ("held", "transferred")
VOID = "void"
REQUEST_FIELDS = ("received_at", "agency", "document_type", "case_ref", "jurisdiction", "corrects")
EVENT_FIELDS = ("event", "at", "to_agency", "corrects")
DEFAULT_JURISDICTION = "chicago"
# An internal case reference: letters, digits and dashes with at least four digits (an RD or CB
# number), so that a name can never be entered in its place.
_CASE_REF = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")
SORTS = ("received_on", "ledger_index", "agency", "document_type", "status")


# ---- validation ---------------------------------------------------------------------------------


def case_ref(value: Any) -> str:
    raw = text("case_ref", value, max_len=40)
    ref = re.sub(r"[\s/]+", "-", raw.upper())
    if not _CASE_REF.match(ref) or sum(c.isdigit() for c in ref) < 4:
        raise InvalidRequest(
            "case_ref must be an internal case reference such as RD-JH123456 or CB-12345678: "
            "letters, digits and dashes with at least four digits, never a name "
            f"(got {raw[:40]!r})",
            field="case_ref",
        )
    return ref


def local_moment(field: str, value: Any, *, tz: str, now: datetime) -> str:
    """An ISO 8601 date-time (a time without offset is local to ``tz``), not in the future,
    kept to the minute: ``2026-01-05T14:30-06:00``."""
    raw = text(field, value, max_len=40)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(
            f"{field} must be a date and time such as 2026-01-05T14:30 or "
            f"2026-01-05T14:30:00-06:00 (got {raw!r})",
            field=field,
            got=raw,
        ) from None
    if len(raw) <= 10:
        raise InvalidRequest(
            f"{field} needs a time of day as well as the date (got {raw!r})", field=field, got=raw
        )
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(tz))
    if aware.astimezone(UTC) > now:
        raise InvalidRequest(f"{field} is in the future ({raw})", field=field, got=raw)
    return aware.isoformat(timespec="minutes")


def _agencies(jurisdiction: str) -> list[str]:
    from brightline import rules

    facts = rules.pack_catalog(jurisdiction)["kinds"]["assistance"]["facts"]
    return next(list(f["values"]) for f in facts if f["name"] == "agency")


def _timezone(jurisdiction: str) -> str:
    from brightline import rules

    return str(rules.load_pack(jurisdiction).timezone)


# ---- requests -----------------------------------------------------------------------------------


def log_request(service: Service, body: Any, *, actor: Actor) -> dict[str, Any]:
    """Log a document received (or, with ``corrects``, a corrected version of one). Returns
    ``{"id", "request_id", "receipt", "request"}``."""
    from brightline import rules

    require(actor, "log_custody")
    body = mapping("request", body)
    known_fields("request", body, REQUEST_FIELDS)
    jurisdiction = choice(
        "jurisdiction", body.get("jurisdiction") or DEFAULT_JURISDICTION, rules.available_packs()
    )
    now = utc_now()
    fields = {
        "jurisdiction": jurisdiction,
        "received_at": local_moment(
            "received_at", body.get("received_at"), tz=_timezone(jurisdiction), now=now
        ),
        "agency": choice("agency", body.get("agency"), _agencies(jurisdiction)),
        "document_type": choice("document_type", body.get("document_type"), DOCUMENT_TYPES),
        "case_ref": case_ref(body.get("case_ref")),
    }
    with service.custody_lock:
        corrects = body.get("corrects")
        request_id = new_id("cr")
        if corrects is not None:
            head = _request_head(service, identifier("corrects", corrects), corrects)
            request_id = head.request_id
            _check_events_follow(service, request_id, fields["received_at"])
        record = {
            "id": new_id("cq"),
            "request_id": request_id,
            "corrects": corrects,
            **fields,
            "actor": actor.to_dict(),
            "created_at": iso(now),
        }
        receipt = entries.append(
            service, "custody_request", record, requests_t, request_index_row(record)
        )
    return {"id": record["id"], "request_id": request_id, "receipt": receipt, "request": record}


def _request_head(service: Service, entry_id: str, raw: Any) -> Row[Any]:
    with service.reading() as conn:
        row = conn.execute(select(requests_t).where(requests_t.c.id == entry_id)).first()
        newer = conn.execute(
            select(requests_t.c.id).where(requests_t.c.supersedes == entry_id)
        ).scalar()
    if row is None:
        raise NotFound(f"no custody request entry {entry_id} to correct", id=entry_id)
    if newer is not None:
        raise InvalidRequest(
            f"entry {entry_id} was already corrected by {newer}: correct the newest entry",
            field="corrects",
            got=str(raw)[:40],
            newest=newer,
        )
    return row


def _check_events_follow(service: Service, request_id: str, received_at: str) -> None:
    for event in _effective(_event_rows(service, [request_id])).get(request_id, []):
        if event.on_date < received_at[:10]:
            raise InvalidRequest(
                f"received_at {received_at} is after the {event.event} event of {event.on_date}; "
                "correct that event first",
                field="received_at",
            )


def request_index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``custody_requests`` row of a ``custody_request`` record (without ledger index)."""
    return {
        "id": record["id"],
        "request_id": record["request_id"],
        "supersedes": record.get("corrects"),
        "jurisdiction": record["jurisdiction"],
        "received_on": str(record["received_at"])[:10],
        "agency": record["agency"],
        "document_type": record["document_type"],
        "case_ref": record["case_ref"],
        "actor_username": (record.get("actor") or {}).get("username"),
        "created_at": record["created_at"],
    }


# ---- events -------------------------------------------------------------------------------------


def log_event(service: Service, request_id: str, body: Any, *, actor: Actor) -> dict[str, Any]:
    """Log what happened to the person (or correct an event). ``held`` and ``transferred`` are
    decided by the pack. Returns ``{"id", "request_id", "receipt", "event"}``."""
    require(actor, "log_custody")
    identifier("request_id", request_id)
    body = mapping("event", body)
    known_fields("event", body, EVENT_FIELDS)
    corrects = body.get("corrects")
    allowed = [*EVENTS, VOID] if corrects is not None else list(EVENTS)
    event = choice("event", body.get("event"), allowed)
    now = utc_now()
    with service.custody_lock:
        request = current_request(service, request_id)
        if corrects is not None:
            _check_event_head(service, request_id, identifier("corrects", corrects))
        fields = _event_fields(service, request, event, body, now=now, corrects=corrects)
        record = {
            "id": new_id("ce"),
            "request_id": request_id,
            "corrects": corrects,
            **fields,
            "actor": actor.to_dict(),
            "created_at": iso(now),
        }
        receipt = entries.append(
            service, "custody_event", record, events_t, event_index_row(record)
        )
    return {"id": record["id"], "request_id": request_id, "receipt": receipt, "event": record}


def _event_fields(
    service: Service,
    request: Row[Any],
    event: str,
    body: Mapping[str, Any],
    *,
    now: datetime,
    corrects: str | None,
) -> dict[str, Any]:
    if event == VOID:
        return {"event": VOID, "at": None, "to_agency": None, "case": None, "decision": None}
    tz = _timezone(request.jurisdiction)
    at = local_moment("at", body.get("at"), tz=tz, now=now)
    received = _received_at(service, request)
    if _instant(at) < _instant(received):
        raise InvalidRequest(
            f"at ({at}) is before the document was received ({received})", field="at", got=at
        )
    to_agency = body.get("to_agency")
    if event == "transferred":
        to_agency = choice("to_agency", to_agency, _agencies(request.jurisdiction))
    elif to_agency not in (None, ""):
        raise InvalidRequest(
            f"to_agency is only for a transfer (event is {event})", field="to_agency"
        )
    else:
        to_agency = None
    _check_sequence(service, request.request_id, event, corrects)
    case, decision = decided(request, event, at, to_agency)
    return {"event": event, "at": at, "to_agency": to_agency, "case": case, "decision": decision}


def _instant(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def _received_at(service: Service, request: Row[Any]) -> str:
    record = entries.load_record(service, request.ledger_index, "custody_request")
    return str(record["received_at"]) if record else f"{request.received_on}T00:00+00:00"


def _check_sequence(service: Service, request_id: str, event: str, corrects: str | None) -> None:
    """One final disposition (released or transferred) and one bail per request; nothing
    after the final disposition (correct it instead)."""
    current = _effective(_event_rows(service, [request_id])).get(request_id, [])
    current = [e for e in current if e.id != corrects]
    final = [e for e in current if e.event in FINAL_EVENTS]
    if final:
        raise InvalidRequest(
            f"custody request {request_id} already ended ({final[0].event} on "
            f"{final[0].on_date}, entry {final[0].id}): correct that entry instead",
            field="event",
            got=event,
        )
    if event == "bail_posted" and any(e.event == "bail_posted" for e in current):
        raise InvalidRequest(
            f"bail was already logged for custody request {request_id}: correct that entry",
            field="event",
            got=event,
        )


def decided(
    request: Any, event: str, at: str, to_agency: str | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The assistance case a disposition amounts to and the pack's decision of it; (None,
    None) for bail and release, which help no agency."""
    from brightline import rules

    if event not in DECIDED_EVENTS:
        return None, None
    doc = DOCUMENT_TYPES[request.document_type]
    if event == "held":
        activity = (
            "detainer_hold" if request.document_type == "immigration_detainer" else "detention"
        )
        agency = request.agency
    else:
        activity, agency = "custody_transfer", to_agency
    case = {
        "jurisdiction": request.jurisdiction,
        "at": at,
        "kind": "assistance",
        "facts": {
            "agency": agency,
            "activity": activity,
            "basis": doc["basis"],
            "purpose": doc["purpose"],
        },
    }
    try:
        return case, rules.decide(case)
    except InvalidCase as exc:
        raise InvalidRequest(f"at: {exc.message}", field="at", got=at) from None


def _check_event_head(service: Service, request_id: str, entry_id: str) -> None:
    with service.reading() as conn:
        row = conn.execute(select(events_t).where(events_t.c.id == entry_id)).first()
        newer = conn.execute(
            select(events_t.c.id).where(events_t.c.supersedes == entry_id)
        ).scalar()
    if row is None or row.request_id != request_id:
        raise NotFound(
            f"no event {entry_id} of custody request {request_id} to correct", id=entry_id
        )
    if newer is not None:
        raise InvalidRequest(
            f"event {entry_id} was already corrected by {newer}: correct the newest entry",
            field="corrects",
            newest=newer,
        )


def event_index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``custody_events`` row of a ``custody_event`` record (without ledger index)."""
    decision = record.get("decision")
    at = record.get("at")
    return {
        "id": record["id"],
        "request_id": record["request_id"],
        "supersedes": record.get("corrects"),
        "event": record["event"],
        "on_date": str(at)[:10] if at else "",
        "to_agency": record.get("to_agency"),
        "outcome": decision["outcome"] if decision else None,
        "actor_username": (record.get("actor") or {}).get("username"),
        "created_at": record["created_at"],
    }


# ---- chains -------------------------------------------------------------------------------------


def heads(items: Iterable[Any], *, key: str = "id", corrects: str = "supersedes") -> list[Any]:
    """The items no other item corrects (the newest of each chain), in the given order. Works
    on index rows (``supersedes``) and on records (``corrects=...``)."""
    rows = list(items)
    replaced = {_get(r, corrects) for r in rows} - {None}
    return [r for r in rows if _get(r, key) not in replaced]


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name)


def _effective(rows: Sequence[Row[Any]]) -> dict[str, list[Row[Any]]]:
    out: dict[str, list[Row[Any]]] = {}
    for row in heads(rows):
        if row.event != VOID:
            out.setdefault(row.request_id, []).append(row)
    return out


def _event_rows(service: Service, request_ids: Sequence[str]) -> list[Row[Any]]:
    with service.reading() as conn:
        rows = conn.execute(
            select(events_t)
            .where(events_t.c.request_id.in_(list(request_ids)))
            .order_by(events_t.c.ledger_index)
        ).all()
    out: dict[str, list[Row[Any]]] = {r: [] for r in request_ids}
    for row in rows:
        out[row.request_id].append(row)
    return [row for r in request_ids for row in out[r]]


def current_request(service: Service, request_id: str) -> Row[Any]:
    """The entry in force of custody request ``request_id``; NotFound if there is none."""
    with service.reading() as conn:
        rows = conn.execute(
            select(requests_t)
            .where(requests_t.c.request_id == request_id)
            .order_by(requests_t.c.ledger_index)
        ).all()
    if not rows:
        raise NotFound(f"no custody request {request_id}", id=request_id)
    return heads(rows)[-1]


def status_of(events: Sequence[Any]) -> str:
    """``released`` or ``transferred`` once the person left; ``held`` if held; else ``open``."""
    names = [_get(e, "event") for e in events]
    for final in FINAL_EVENTS:
        if final in names:
            return final
    return "held" if "held" in names else "open"


# ---- reading ------------------------------------------------------------------------------------


def get_request(service: Service, request_id: str, *, actor: Actor) -> dict[str, Any]:
    """The request in force, its events in force (each with its decision), and the full
    history of entries (corrections included), oldest first."""
    require(actor, "read_custody")
    identifier("request_id", request_id)
    with service.reading() as conn:
        request_rows = conn.execute(
            select(requests_t)
            .where(requests_t.c.request_id == request_id)
            .order_by(requests_t.c.ledger_index)
        ).all()
    if not request_rows:
        raise NotFound(f"no custody request {request_id}", id=request_id)
    event_rows = _event_rows(service, [request_id])
    current = heads(request_rows)[-1]
    record = entries.load_record(service, current.ledger_index, "custody_request") or {}
    effective = _effective(event_rows).get(request_id, [])
    events = []
    for row in effective:
        ev = entries.load_record(service, row.ledger_index, "custody_event") or {}
        events.append({**_event_summary(row), "at": ev.get("at"), "decision": ev.get("decision")})
    history = sorted(
        [{"entry": "request", **_request_summary(r)} for r in request_rows]
        + [{"entry": "event", **_event_summary(r)} for r in event_rows],
        key=lambda h: h["ledger_index"],
    )
    superseded = {h["supersedes"] for h in history} - {None}
    for h in history:
        h["in_force"] = h["id"] not in superseded and h.get("event") != VOID
    return {
        **_request_summary(current),
        "received_at": record.get("received_at"),
        "status": status_of(effective),
        "events": events,
        "history": history,
    }


def _request_summary(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "request_id": row.request_id,
        "ledger_index": row.ledger_index,
        "supersedes": row.supersedes,
        "jurisdiction": row.jurisdiction,
        "received_on": row.received_on,
        "agency": row.agency,
        "document_type": row.document_type,
        "case_ref": row.case_ref,
        "logged_by": row.actor_username,
        "created_at": row.created_at,
    }


def _event_summary(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "request_id": row.request_id,
        "ledger_index": row.ledger_index,
        "supersedes": row.supersedes,
        "event": row.event,
        "on_date": row.on_date,
        "to_agency": row.to_agency,
        "outcome": row.outcome,
        "logged_by": row.actor_username,
        "created_at": row.created_at,
    }


def list_requests(
    service: Service,
    *,
    actor: Actor,
    filters: Mapping[str, Any] | None = None,
    sort: str = "received_on",
    order: str = "desc",
    limit: int = 50,
    offset: int = 0,
    everything: bool = False,
) -> dict[str, Any]:
    """Requests in force with their status (``everything``: all of them, for exports): filters ``document_type``, ``agency``, ``status``
    (open, held, released, transferred), ``received_from``/``received_to`` (dates),
    ``case_ref``; sorted by one of :data:`SORTS`. ``{"items", "total", "limit", "offset"}``."""
    require(actor, "read_custody")
    filters = dict(filters or {})
    known_fields(
        "filters",
        filters,
        ("document_type", "agency", "status", "received_from", "received_to", "case_ref"),
    )
    choice("sort", sort, SORTS)
    choice("order", order, ("asc", "desc"))
    limit, offset = page(limit, offset)
    where = _request_filters(filters)
    replaced = select(requests_t.c.supersedes).where(requests_t.c.supersedes.is_not(None))
    query = select(requests_t).where(requests_t.c.id.not_in(replaced), *where)
    with service.reading() as conn:
        rows = conn.execute(query.order_by(requests_t.c.ledger_index)).all()
    effective = _effective(_event_rows(service, [r.request_id for r in rows]))
    items = []
    for row in rows:
        events = effective.get(row.request_id, [])
        item = {**_request_summary(row), "status": status_of(events)}
        item["events"] = [_event_summary(e) for e in events]
        final = [e for e in events if e.event in FINAL_EVENTS]
        item["disposition_on"] = final[0].on_date if final else None
        item["to_agency"] = final[0].to_agency if final else None
        items.append(item)
    if filters.get("status"):
        wanted = choice("status", filters["status"], ("open", "held", "released", "transferred"))
        items = [i for i in items if i["status"] == wanted]
    items.sort(key=lambda i: (str(i[sort]), i["ledger_index"]), reverse=order == "desc")
    return {
        "items": items if everything else items[offset : offset + limit],
        "total": len(items),
        "limit": len(items) if everything else limit,
        "offset": 0 if everything else offset,
        "sort": sort,
        "order": order,
    }


def _request_filters(filters: Mapping[str, Any]) -> list[Any]:
    from brightline.service.validation import day

    where: list[Any] = []
    if filters.get("document_type"):
        where.append(
            requests_t.c.document_type
            == choice("document_type", filters["document_type"], DOCUMENT_TYPES)
        )
    if filters.get("agency"):
        where.append(requests_t.c.agency == text("agency", filters["agency"], max_len=40))
    if filters.get("received_from"):
        where.append(requests_t.c.received_on >= day("received_from", filters["received_from"]))
    if filters.get("received_to"):
        where.append(requests_t.c.received_on <= day("received_to", filters["received_to"]))
    if filters.get("case_ref"):
        where.append(requests_t.c.case_ref == case_ref(filters["case_ref"]))
    return [and_(*where)] if where else []


def count_requests(service: Service) -> int:
    with service.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(requests_t)).scalar() or 0)
