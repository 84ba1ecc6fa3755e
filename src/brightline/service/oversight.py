"""The reports the law requires, produced from the ledger and checkable by anyone.

- ``wco``: the Welcoming City Ordinance quarterly report (WCO.RPT): (1) every request for
  assistance with civil immigration enforcement, (2) every immigration detainer or
  administrative warrant received (date, whether transferred, to which agency).
- ``trust``: the Illinois TRUST Act annual report (TRUST.25(a), (b)): (1) every request for
  participation or assistance and how it was handled, (2) every detainer or civil immigration
  warrant (date received, date and time bail was posted, released or transferred, date and time
  of the release or transfer, receiving agency). An empty category is a row that **certifies
  none**. No names and no other personally identifying information.
- ``federal-conduct``: EO 2026-01 (EO2026-1.C7) aggregated public data on documented violations
  by federal immigration officers, by month, agency, kind of violation and finding; counts from 1
  to N-1 are suppressed and shown as "fewer than N" (``BRIGHTLINE_SUPPRESS_BELOW``).
- ``decisions``: the decisions audit trail (each decision, its outcome, follow-up and review).

Which requests for assistance are reported is the pack's word, not ours: a decision is a
request for help with civil immigration enforcement when its obligations carry the reporting
duty (WCO.RPT for the quarterly report, TRUST.25(a) for the annual one).

**Built only from data the ledger proves.** A report reads index rows to find its entries,
then each entry's record from the ledger; it checks the record against its salted commitment
and the index row against the record (as ``brightline ledger verify`` does) and refuses to build
from anything that disagrees (``LedgerCorrupt`` naming the entry). Every figure and row then
comes from the records. Only entries below the report's ledger size are read, so the same report
can be recomputed later from the ledger at that size.

**A report is itself a ledger entry** (kind ``oversight_report``): its period, the ledger size and
signed checkpoint it was computed at, the pack digest, the SHA-256 of its content and a
commitment to the exact set of entries it counted (SHA-256 over each counted entry's index, as 8
bytes big-endian, and leaf hash, in index order). :func:`verify` recomputes a report document
from the ledger at its size and names every changed figure, dropped row and extra row.

The content hash is SHA-256 of the document without ``content_hash`` and ``logged``, written as
JSON with sorted keys and no spaces (UTF-8); the documents hold only text, whole numbers,
booleans and null, so that form is canonical.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, LargeBinary, Table, cast, func, select

from brightline.errors import InvalidRequest, LedgerCorrupt, NotFound
from brightline.ledger.records import commitment
from brightline.service import custody, entries
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, new_id, utc_now
from brightline.service.validation import choice
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reports as reports_t
from brightline.store.tables_app import reviews as reviews_t
from brightline.store.tables_ledger import ledger_entries
from brightline.store.tables_oversight import custody_events as events_t
from brightline.store.tables_oversight import custody_requests as requests_t
from brightline.store.tables_oversight import oversight_reports as oversight_t

if TYPE_CHECKING:
    from brightline.service.core import Service

FORMAT = "brightline-oversight-report/1"
KIND = "oversight_report"
REPORTS: dict[str, dict[str, Any]] = {
    "wco": {
        "title": "Welcoming City Ordinance quarterly report",
        "cites": ["WCO.RPT"],
        "to": "the Mayor and the Inspector General",
    },
    "trust": {
        "title": "Illinois TRUST Act annual report",
        "cites": ["TRUST.25(a)", "TRUST.25(b)"],
        "to": "the Attorney General of Illinois",
    },
    "federal-conduct": {
        "title": "Documented violations by federal immigration officers (EO 2026-01)",
        "cites": ["EO2026-1.C7"],
        "to": "the public",
    },
    "decisions": {
        "title": "Decisions audit trail",
        "cites": [],
        "to": "oversight bodies",
    },
}
PUBLIC_REPORTS = ("federal-conduct",)
IMMIGRATION_AGENCIES = frozenset({"ice", "hsi", "cbp", "dhs_other"})
OPAQUE = frozenset({"balaclava", "neck_gaiter", "ski_mask", "other_opaque"})
FINDINGS = {
    "mask": "face covering that hides identity",
    "no_id": "no visible identification",
    "camera_off": "body camera not recording",
    "plates": "vehicle without an Illinois plate",
    "crowd_control_weapons": "crowd-control weapons used",
    "injuries": "people injured",
}
JURISDICTION = "chicago"
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
CHUNK = 500


# ---- periods ------------------------------------------------------------------------------------


def period(
    *,
    quarter: str | None = None,
    year: int | str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, str]:
    """``{"from", "to", "label"}`` of exactly one of: a quarter (``2026Q1``), a year, or a
    range of dates (``start`` and ``end``, both included)."""
    given = [name for name, v in (("quarter", quarter), ("year", year), ("from", start)) if v]
    if end and not start:
        given.append("to")
    if len(given) != 1:
        raise InvalidRequest(
            "give exactly one period: a quarter (2026Q1), a year (2025) or a range (from and to)"
            + (f"; got {', '.join(given)}" if given else ""),
            field="period",
            allowed=["quarter", "year", "from/to"],
        )
    if quarter:
        match = _QUARTER.match(str(quarter).strip())
        if not match:
            raise InvalidRequest(
                f"quarter must look like 2026Q1 (Q1 to Q4), got {str(quarter)[:20]!r}",
                field="quarter",
            )
        y, q = int(match[1]), int(match[2])
        last = calendar.monthrange(y, q * 3)[1]
        return {
            "from": f"{y}-{q * 3 - 2:02d}-01",
            "to": f"{y}-{q * 3:02d}-{last}",
            "label": f"{y}Q{q}",
        }
    if year:
        text = str(year).strip()
        if not text.isdigit() or not 2000 <= int(text) <= 2999:
            raise InvalidRequest(
                f"year must be a year such as 2025, got {text[:20]!r}", field="year"
            )
        return {"from": f"{text}-01-01", "to": f"{text}-12-31", "label": text}
    first, last_day = _date("from", start), _date("to", end)
    if last_day < first:
        raise InvalidRequest(f"to ({last_day}) is before from ({first})", field="to")
    return {"from": first, "to": last_day, "label": f"{first} to {last_day}"}


def _date(field_name: str, value: Any) -> str:
    if not value:
        raise InvalidRequest(f"{field_name} is needed with a range of dates", field=field_name)
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InvalidRequest(
            f"{field_name} must be a date YYYY-MM-DD, got {str(value)[:20]!r}", field=field_name
        ) from None


# ---- reading the ledger ------------------------------------------------------------------------


@dataclass
class Source:
    """One ledger entry a report reads: its index, leaf hash and (checked) record."""

    index: int
    leaf: bytes
    record: dict[str, Any]
    row: Any


@dataclass
class Reader:
    """Reads the entries of a report below ``size``, each checked against its commitment and
    its index row against the record; remembers which entries were counted."""

    conn: Connection
    size: int
    counted: dict[int, bytes] = field(default_factory=dict)
    redacted: int = 0
    # The index columns a report selects entries by, per table: each is compared with what the
    # entry's record says (a row whose month or kind was changed would drop or add entries).
    # The other columns are never read: figures come from the records. ``ledger verify``
    # compares every column of every index row.
    selects: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "decisions": ("kind", "month", "outcome", "follow_up_of"),
            "reviews": ("decision_id", "outcome"),
            "reports": ("kind", "month", "outcome"),
            "custody_requests": ("request_id", "received_on", "supersedes", "document_type"),
            "custody_events": ("request_id", "supersedes", "event", "outcome"),
        }
    )

    def load(self, table: Table, kind: str, *where: Any) -> list[Source]:
        from brightline.service.index_audit import registered

        index = next(i for i in registered() if i.kind == kind)
        e = ledger_entries
        query = (
            select(
                table,
                e.c.kind.label("x_entry_kind"),
                _record_bytes(self.conn).label("x_record"),
                e.c.salt.label("x_salt"),
                e.c.commitment.label("x_commitment"),
                e.c.leaf_hash.label("x_leaf"),
            )
            .select_from(table.join(e, e.c.idx == table.c.ledger_index))
            .where(table.c.ledger_index < self.size, *where)
            .order_by(table.c.ledger_index)
        )
        out = []
        for row in self.conn.execute(query).all():
            source = self._checked(row, kind, index.row, index.skip, table.name)
            if source is not None:
                out.append(source)
        return out

    def _checked(
        self,
        row: Any,
        kind: str,
        build: Callable[[Mapping[str, Any]], Mapping[str, Any]],
        skip: Sequence[str],
        table: str,
    ) -> Source | None:
        at = int(row.ledger_index)
        if row.x_entry_kind != kind:
            raise LedgerCorrupt(
                f"{table} row for ledger entry {at} points at a {row.x_entry_kind!r} entry",
                index=at,
                table=table,
            )
        if row.x_record is None:
            self.redacted += 1
            return None
        raw = row.x_record
        text = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if commitment(text, bytes(row.x_salt)) != bytes(row.x_commitment):
            raise LedgerCorrupt(
                f"ledger entry {at}: record and salt do not match the commitment", index=at
            )
        record = orjson.loads(text)
        built = build(record)
        for column in self.selects.get(table, ()):
            have, want = getattr(row, column), built.get(column)
            if have != want and _plain(have) != _plain(want):
                raise LedgerCorrupt(
                    f"{table} row of ledger entry {at}: {column} is {_plain(have)!r}, but the "
                    f"ledger record says {_plain(want)!r}; run `brightline ledger verify`",
                    index=at,
                    table=table,
                    column=column,
                )
        return Source(at, bytes(row.x_leaf), record, row)

    def index_rows(self, table: Table, kind: str, *where: Any) -> list[Source]:
        """Index rows alone (no record read) for reports whose every column is in the index:
        ``ledger verify`` compares each of these rows with its ledger record. Each row must
        point at an entry of ``kind``; ``record`` of the Source is empty."""
        e = ledger_entries
        query = (
            select(table, e.c.kind.label("x_entry_kind"), e.c.leaf_hash.label("x_leaf"))
            .select_from(table.join(e, e.c.idx == table.c.ledger_index))
            .where(table.c.ledger_index < self.size, *where)
            .order_by(table.c.ledger_index)
        )
        out = []
        for row in self.conn.execute(query).all():
            if row.x_entry_kind != kind:
                raise LedgerCorrupt(
                    f"{table.name} row for ledger entry {row.ledger_index} points at a "
                    f"{row.x_entry_kind!r} entry",
                    index=int(row.ledger_index),
                    table=table.name,
                )
            out.append(Source(int(row.ledger_index), bytes(row.x_leaf), {}, row))
        return out

    def count(self, sources: Iterable[Source]) -> None:
        for s in sources:
            self.counted[s.index] = s.leaf

    def commitment(self) -> dict[str, Any]:
        digest = hashlib.sha256()
        for index in sorted(self.counted):
            digest.update(index.to_bytes(8, "big") + self.counted[index])
        return {"count": len(self.counted), "sha256": digest.hexdigest()}


def _record_bytes(conn: Connection) -> Any:
    """The record column as UTF-8 bytes (no text decoding: orjson and SHA-256 take bytes)."""
    if conn.dialect.name == "sqlite":
        return cast(ledger_entries.c.record, LargeBinary)
    if conn.dialect.name == "postgresql":
        return func.convert_to(ledger_entries.c.record, "UTF8")
    return ledger_entries.c.record


def mentions(text: str) -> Any:
    """A cheap filter on the record's text (the exact test follows on the parsed record)."""
    return ledger_entries.c.record.like(f'%"{text}"%')


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _in_period(day: str, p: Mapping[str, str]) -> bool:
    return p["from"] <= day[:10] <= p["to"]


def _months(p: Mapping[str, str]) -> tuple[str, str]:
    return p["from"][:7], p["to"][:7]


# ---- requests for assistance -------------------------------------------------------------------


def _cites(items: Iterable[Mapping[str, Any]]) -> set[str]:
    return {c for item in items for c in item.get("cites", [])}


def _assistance_requests(reader: Reader, p: Mapping[str, str], duty: str) -> list[dict[str, Any]]:
    """Assistance decisions in the period whose obligations carry ``duty`` (not follow-ups:
    those are how the first decision was handled), with how each was handled."""
    first, last = _months(p)
    found = reader.load(
        decisions_t,
        "decision",
        decisions_t.c.kind == "assistance",
        decisions_t.c.month >= first,
        decisions_t.c.month <= last,
        decisions_t.c.follow_up_of.is_(None),
        mentions(duty),
    )
    chosen = [
        s
        for s in found
        if _in_period(_decision_at(s.record), p)
        and duty in _cites(s.record["decision"].get("obligations", []))
    ]
    first_ids = select(decisions_t.c.id).where(
        decisions_t.c.kind == "assistance",
        decisions_t.c.month >= first,
        decisions_t.c.month <= last,
        decisions_t.c.follow_up_of.is_(None),
        decisions_t.c.ledger_index < reader.size,
    )
    follow_ups, reviews = _handling(reader, [s.record["id"] for s in chosen], first_ids)
    rows = []
    for s in chosen:
        chain = [s]
        while chain[-1].record["id"] in follow_ups:
            chain.append(follow_ups[chain[-1].record["id"]])
        review = next((reviews[c.record["id"]] for c in chain if c.record["id"] in reviews), None)
        reader.count([*chain, *([review] if review else [])])
        facts = s.record["case"].get("facts", {})
        final = chain[-1].record["decision"]["outcome"]
        handled_by = "decision"
        if review is not None:
            final, handled_by = review.record["outcome"], "supervisor_review"
        elif len(chain) > 1:
            handled_by = "follow_up"
        rows.append(
            {
                "ledger_index": s.index,
                "decision_id": s.record["id"],
                "date": _decision_at(s.record)[:10],
                "agency": facts.get("agency") or "unknown",
                "activity": facts.get("activity") or "unknown",
                "purpose": facts.get("purpose") or "unknown",
                "first_outcome": s.record["decision"]["outcome"],
                "final_outcome": final,
                "handled_by": handled_by,
                "still_open": final == "needs_review",
                "handling_indexes": [c.index for c in chain[1:]]
                + ([review.index] if review else []),
            }
        )
    return rows


def _decision_at(record: Mapping[str, Any]) -> str:
    return str(record["decision"].get("at") or record["case"].get("at") or record["created_at"])


def _handling(
    reader: Reader, ids: list[str], first: Any
) -> tuple[dict[str, Source], dict[str, Source]]:
    """Follow-ups (by the id they follow up, the first one logged) and reviews (by decision id)
    of the decisions ``ids`` and of their follow-ups. ``first`` selects the ids' decisions (one
    query for the first round; later rounds, follow-ups of follow-ups, are rare and go by id)."""
    follow_ups: dict[str, Source] = {}
    reviews: dict[str, Source] = {}
    wanted = set(ids)
    found = reader.load(decisions_t, "decision", decisions_t.c.follow_up_of.in_(first))
    seen = reader.load(reviews_t, "review", reviews_t.c.decision_id.in_(first))
    while True:
        for r in seen:
            if r.record["decision_id"] in wanted:
                reviews.setdefault(r.record["decision_id"], r)
        wave = []
        for f in found:
            if f.record["follow_up_of"] in wanted and f.record["follow_up_of"] not in follow_ups:
                follow_ups[f.record["follow_up_of"]] = f
                wave.append(f.record["id"])
        if not wave:
            return follow_ups, reviews
        wanted.update(wave)
        found, seen = [], []
        for part in _parts(wave):
            found += reader.load(decisions_t, "decision", decisions_t.c.follow_up_of.in_(part))
            seen += reader.load(reviews_t, "review", reviews_t.c.decision_id.in_(part))


def _parts(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


# ---- the custody log ---------------------------------------------------------------------------


def _custody(reader: Reader, p: Mapping[str, str]) -> list[dict[str, Any]]:
    """Requests in force at the report's size whose document is an immigration detainer or
    administrative warrant received in the period, each with its events in force."""
    touched = select(requests_t.c.request_id).where(
        requests_t.c.received_on >= p["from"],
        requests_t.c.received_on <= p["to"],
        requests_t.c.ledger_index < reader.size,
    )
    requests = reader.load(requests_t, "custody_request", requests_t.c.request_id.in_(touched))
    current = [
        r
        for r in custody.heads([s.record for s in requests], corrects="corrects")
        if r["document_type"] in custody.IMMIGRATION_DOCUMENTS and _in_period(r["received_at"], p)
    ]
    ids = [r["request_id"] for r in current]
    events: list[Source] = []
    for part in _parts(ids):
        events += reader.load(events_t, "custody_event", events_t.c.request_id.in_(part))
    by_request: dict[str, list[Source]] = {}
    replaced = {e.record.get("corrects") for e in events} - {None}
    for e in events:
        if e.record["id"] not in replaced and e.record["event"] != custody.VOID:
            by_request.setdefault(e.record["request_id"], []).append(e)
    sources = {s.record["id"]: s for s in requests}
    own: dict[str, list[Source]] = {}
    for s in requests:
        own.setdefault(s.record["request_id"], []).append(s)
    logged: dict[str, list[Source]] = {}
    for e in events:
        logged.setdefault(e.record["request_id"], []).append(e)
    out = []
    for r in sorted(current, key=lambda r: (r["received_at"], r["request_id"])):
        reader.count(own[r["request_id"]])
        reader.count(logged.get(r["request_id"], []))
        out.append(
            {
                "request": r,
                "source": sources[r["id"]],
                "events": by_request.get(r["request_id"], []),
            }
        )
    return out


def _custody_facts(item: Mapping[str, Any]) -> dict[str, Any]:
    request, events = item["request"], [e.record for e in item["events"]]
    final = next((e for e in events if e["event"] in custody.FINAL_EVENTS), None)
    held = next((e for e in events if e["event"] == "held"), None)
    bail = next((e for e in events if e["event"] == "bail_posted"), None)
    shown = final or held
    return {
        "ledger_index": item["source"].index,
        "request_id": request["request_id"],
        "received_on": request["received_at"][:10],
        "requesting_agency": request["agency"],
        "document_type": request["document_type"],
        "bail_posted_at": bail["at"] if bail else None,
        "disposition": final["event"] if final else ("held" if held else "none_recorded"),
        "disposition_at": shown["at"] if shown else None,
        "receiving_agency": final.get("to_agency") if final else None,
        "disposition_outcome": ((shown or {}).get("decision") or {}).get("outcome"),
        "event_indexes": [e.index for e in item["events"]],
    }


# ---- the reports --------------------------------------------------------------------------------

Col = tuple[str, str, str]  # name, type, description

REQUEST_COLUMNS: list[Col] = [
    ("ledger_index", "integer", "ledger index of the decision entry the row comes from"),
    ("decision_id", "text", "the decision's public id"),
    ("date", "date", "local date of the request (the case's moment)"),
    ("agency", "text", "the agency that asked (packs' agency values, or unknown)"),
    ("activity", "text", "what was asked for (packs' activity values)"),
    ("purpose", "text", "civil_immigration, criminal, public_safety or unknown"),
    ("first_outcome", "text", "the pack's first decision: prohibited, permitted, needs_review"),
    ("final_outcome", "text", "the outcome after follow-up questions or a supervisor's review"),
    ("handled_by", "text", "decision, follow_up or supervisor_review"),
    ("still_open", "boolean", "true when the request still needs review"),
    ("handling_indexes", "integer list", "ledger indexes of the follow-ups and the review"),
]
CERTIFY_COLUMNS: list[Col] = [
    ("certifies_none", "boolean", "true on the one row that certifies there were none"),
    ("statement", "text", "the certification, on that row only"),
]


def _table(
    name: str, title: str, cites: list[str], columns: list[Col], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "cites": cites,
        "columns": [{"name": n, "type": t, "description": d} for n, t, d in columns],
        "rows": rows,
    }


def _certified(
    rows: list[dict[str, Any]], columns: list[Col], what: str, p: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The rows, each with ``certifies_none`` false, or the one row certifying none."""
    if rows:
        return [{**r, "certifies_none": False, "statement": None} for r in rows]
    empty: dict[str, Any] = {name: None for name, _, _ in columns}
    empty.update(
        {
            "certifies_none": True,
            "statement": f"The agency certifies that it received no {what} from {p['from']} "
            f"to {p['to']}.",
        }
    )
    return [empty]


def _wco(reader: Reader, p: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    requests = _assistance_requests(reader, p, "WCO.RPT")
    documents = []
    for item in _custody(reader, p):
        facts = _custody_facts(item)
        documents.append(
            {
                "ledger_index": facts["ledger_index"],
                "request_id": facts["request_id"],
                "received_on": facts["received_on"],
                "requesting_agency": facts["requesting_agency"],
                "document_type": facts["document_type"],
                "transferred": facts["disposition"] == "transferred",
                "receiving_agency": facts["receiving_agency"],
                "transfer_outcome": facts["disposition_outcome"]
                if facts["disposition"] == "transferred"
                else None,
                "event_indexes": facts["event_indexes"],
            }
        )
    doc_columns: list[Col] = [
        ("ledger_index", "integer", "ledger index of the custody request entry in force"),
        ("request_id", "text", "the custody request's id (no name, no case number)"),
        ("received_on", "date", "date the document was received"),
        ("requesting_agency", "text", "the agency that sent it"),
        ("document_type", "text", "immigration_detainer or administrative_warrant"),
        ("transferred", "boolean", "whether the person was transferred to another agency"),
        ("receiving_agency", "text", "the agency the person was transferred to"),
        ("transfer_outcome", "text", "the pack's decision of the transfer"),
        ("event_indexes", "integer list", "ledger indexes of the events in force"),
    ]
    tables = [
        _table(
            "assistance_requests",
            "(1) Requests for assistance with civil immigration enforcement",
            ["WCO.RPT"],
            REQUEST_COLUMNS + CERTIFY_COLUMNS,
            _certified(requests, REQUEST_COLUMNS, "request for assistance", p),
        ),
        _table(
            "detainers_and_warrants",
            "(2) Immigration detainers and administrative warrants received",
            ["WCO.RPT"],
            doc_columns + CERTIFY_COLUMNS,
            _certified(documents, doc_columns, "immigration detainer or administrative warrant", p),
        ),
    ]
    figures = {
        "assistance_requests": len(requests),
        "assistance_requests_prohibited": sum(r["final_outcome"] == "prohibited" for r in requests),
        "detainers_and_warrants": len(documents),
        "transferred": sum(d["transferred"] for d in documents),
    }
    return {"figures": figures, "tables": tables}


def _trust(reader: Reader, p: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    requests = _assistance_requests(reader, p, "TRUST.25(a)")
    documents = []
    for item in _custody(reader, p):
        facts = _custody_facts(item)
        facts.pop("request_id")
        documents.append({"request_id": item["request"]["request_id"], **facts})
    doc_columns: list[Col] = [
        ("ledger_index", "integer", "ledger index of the custody request entry in force"),
        ("request_id", "text", "the custody request's id (no name, no case number)"),
        ("received_on", "date", "(A) date the detainer or warrant was received"),
        ("requesting_agency", "text", "the agency that sent it"),
        ("document_type", "text", "immigration_detainer or administrative_warrant"),
        ("bail_posted_at", "date-time", "(B) date and time criminal bail was posted"),
        ("disposition", "text", "(C) released, transferred, held or none_recorded"),
        ("disposition_at", "date-time", "(D) date and time of the release or transfer"),
        ("receiving_agency", "text", "(E) the agency that received the person"),
        ("disposition_outcome", "text", "the pack's decision of the hold or transfer"),
        ("event_indexes", "integer list", "ledger indexes of the events in force"),
    ]
    tables = [
        _table(
            "assistance_requests",
            "(1) Requests for participation, support or assistance in civil immigration "
            "enforcement, and how each was handled",
            ["TRUST.25(a)"],
            REQUEST_COLUMNS + CERTIFY_COLUMNS,
            _certified(requests, REQUEST_COLUMNS, "request for assistance", p),
        ),
        _table(
            "detainers_and_warrants",
            "(2) Immigration detainers and civil immigration warrants received",
            ["TRUST.25(a)"],
            doc_columns + CERTIFY_COLUMNS,
            _certified(
                documents, doc_columns, "immigration detainer or civil immigration warrant", p
            ),
        ),
    ]
    figures = {
        "assistance_requests": len(requests),
        "detainers_and_warrants": len(documents),
        "released": sum(d["disposition"] == "released" for d in documents),
        "transferred": sum(d["disposition"] == "transferred" for d in documents),
    }
    return {"figures": figures, "tables": tables}


def findings_of(facts: Mapping[str, Any]) -> list[str]:
    """The findings EO 2026-01's public data counts, from a federal_conduct case's facts."""
    out = []
    covering = facts.get("face_covering")
    if covering in OPAQUE or (
        covering not in (None, "none") and facts.get("covering_reason") == "conceal_identity"
    ):
        out.append("mask")
    if facts.get("id_visible") is False:
        out.append("no_id")
    if facts.get("bwc_recording") is False:
        out.append("camera_off")
    if facts.get("plate") in ("none", "out_of_state"):
        out.append("plates")
    if facts.get("crowd_control_equipment") is True:
        out.append("crowd_control_weapons")
    if facts.get("injuries") is True:
        out.append("injuries")
    return out


def _conduct_records(reader: Reader, p: Mapping[str, str]) -> list[dict[str, Any]]:
    first, last = _months(p)
    officers = reader.load(
        decisions_t,
        "decision",
        decisions_t.c.kind == "federal_conduct",
        decisions_t.c.month >= first,
        decisions_t.c.month <= last,
    )
    residents = reader.load(
        reports_t,
        "report",
        reports_t.c.kind == "federal_conduct",
        reports_t.c.month >= first,
        reports_t.c.month <= last,
    )
    out = []
    for source, s in [(s, "officer") for s in officers] + [(s, "resident") for s in residents]:
        record = source.record
        if s == "officer":
            day, facts = _decision_at(record), record["case"].get("facts", {})
        else:
            day = str(record.get("occurred_at") or record["created_at"])
            facts = (record.get("case") or {}).get("facts") or record.get("facts") or {}
        agency = facts.get("agency")
        federal_immigration = agency in IMMIGRATION_AGENCIES or (
            facts.get("civil_immigration_enforcement") is True
        )
        if not _in_period(day, p) or not federal_immigration:
            continue
        decision = record.get("decision") or {}
        out.append(
            {
                "source": source,
                "origin": s,
                "month": day[:7],
                "agency": agency or "unknown",
                "violation": facts.get("alleged_violation") or "unknown",
                "outcome": decision.get("outcome") or "undecided",
                "findings": findings_of(facts),
            }
        )
    return out


def _cells(
    items: Iterable[tuple[tuple[str, ...], int]], keys: Sequence[str], threshold: int
) -> list[dict[str, Any]]:
    groups: dict[tuple[str, ...], list[int]] = {}
    for key, index in items:
        groups.setdefault(key, []).append(index)
    rows = []
    for key in sorted(groups):
        indexes = sorted(groups[key])
        rows.append(
            {**dict(zip(keys, key, strict=True)), **_count(len(indexes), threshold, indexes)}
        )
    return _complementary(rows, keys)


def _complementary(rows: list[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """A lone suppressed cell of a month could be worked out from the month's other cells and
    the figures; then the smallest shown cell of that month is withheld too (complementary
    suppression), shown as "withheld"."""
    by_month: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_month.setdefault(str(row.get("month")), []).append(row)
    for cells in by_month.values():
        hidden = [c for c in cells if c["suppressed"]]
        shown = [c for c in cells if not c["suppressed"]]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda c: (c["count"], [str(c[k]) for k in keys]))
            smallest.update(count=None, suppressed=True, shown_as="withheld", ledger_indexes=None)
    return rows


def _count(n: int, threshold: int, indexes: list[int] | None = None) -> dict[str, Any]:
    """A count as published: suppressed (no number, no indexes) from 1 to threshold-1."""
    if 0 < n < threshold:
        return {
            "count": None,
            "suppressed": True,
            "shown_as": f"fewer than {threshold}",
            "ledger_indexes": None,
        }
    out: dict[str, Any] = {"count": n, "suppressed": False, "shown_as": str(n)}
    if indexes is not None:
        out["ledger_indexes"] = indexes
    return out


COUNT_COLUMNS: list[Col] = [
    ("count", "integer", "the number of records (null when suppressed)"),
    (
        "suppressed",
        "boolean",
        "true when the count is from 1 to the threshold - 1, or withheld so that such a count "
        "cannot be worked out from the others",
    ),
    ("shown_as", "text", "the count as published: a number, 'fewer than 5' or 'withheld'"),
    (
        "ledger_indexes",
        "integer list",
        "ledger indexes of the counted entries (not when suppressed)",
    ),
]


def _federal_conduct(
    reader: Reader, p: Mapping[str, str], params: Mapping[str, Any]
) -> dict[str, Any]:
    threshold = int(params["suppress_below"])
    records = _conduct_records(reader, p)
    reader.count(r["source"] for r in records)
    violations = [r for r in records if r["outcome"] == "prohibited"]
    by_violation = _cells(
        (
            ((r["month"], r["agency"], r["violation"], r["origin"]), r["source"].index)
            for r in violations
        ),
        ("month", "agency", "violation", "source"),
        threshold,
    )
    by_finding = _cells(
        (
            ((r["month"], r["agency"], f), r["source"].index)
            for r in violations
            for f in r["findings"]
        ),
        ("month", "agency", "finding"),
        threshold,
    )
    by_outcome = _cells(
        (((r["month"], r["origin"], r["outcome"]), r["source"].index) for r in records),
        ("month", "source", "outcome"),
        threshold,
    )
    tables = [
        _table(
            "violations",
            "Documented violations by month, agency, kind of violation and source",
            ["EO2026-1.C7"],
            [
                ("month", "month", "month of the conduct (YYYY-MM)"),
                ("agency", "text", "the federal agency"),
                ("violation", "text", "local_ordinance, state_misdemeanor, state_felony"),
                ("source", "text", "officer (documented by CPD) or resident (a resident's report)"),
                *COUNT_COLUMNS,
            ],
            by_violation,
        ),
        _table(
            "findings",
            "Findings in documented violations by month and agency",
            ["EO2026-1.C7"],
            [
                ("month", "month", "month of the conduct (YYYY-MM)"),
                ("agency", "text", "the federal agency"),
                ("finding", "text", ", ".join(f"{k} ({v})" for k, v in FINDINGS.items())),
                *COUNT_COLUMNS,
            ],
            by_finding,
        ),
        _table(
            "all_records",
            "Every federal-conduct record by month, source and the pack's outcome",
            ["EO2026-1.C7"],
            [
                ("month", "month", "month of the conduct (YYYY-MM)"),
                ("source", "text", "officer or resident"),
                ("outcome", "text", "prohibited (a violation is alleged), needs_review, ..."),
                *COUNT_COLUMNS,
            ],
            by_outcome,
        ),
    ]
    figures = {
        "violations": _count(len(violations), threshold),
        "records": _count(len(records), threshold),
    }
    for name in FINDINGS:
        figures[f"finding_{name}"] = _count(
            sum(name in r["findings"] for r in violations), threshold
        )
    for value in figures.values():
        value.pop("ledger_indexes", None)
    return {"figures": figures, "tables": tables}


def _decisions(reader: Reader, p: Mapping[str, str], params: Mapping[str, Any]) -> dict[str, Any]:
    first, last = _months(p)
    # Every column of the trail is in the index rows, which `ledger verify` checks against the
    # records; reading a quarter's records would cost a hundred times more.
    found = reader.index_rows(
        decisions_t, "decision", decisions_t.c.month >= first, decisions_t.c.month <= last
    )
    chosen = [s for s in found if _in_period(str(s.row.at), p)]
    in_range = select(decisions_t.c.id).where(
        decisions_t.c.month >= first, decisions_t.c.month <= last
    )
    reviews = {
        r.row.decision_id: r
        for r in reader.index_rows(reviews_t, "review", reviews_t.c.decision_id.in_(in_range))
    }
    rows = []
    tally: Counter[tuple[str, str]] = Counter()
    for s in chosen:
        row = s.row
        review = reviews.get(row.id)
        reader.count([s, *([review] if review else [])])
        tally[(row.kind, row.outcome)] += 1
        rows.append(
            {
                "ledger_index": s.index,
                "decision_id": row.id,
                "date": str(row.at)[:10],
                "jurisdiction": row.jurisdiction,
                "kind": row.kind,
                "outcome": row.outcome,
                "follow_up_of": row.follow_up_of,
                "review_outcome": review.row.outcome if review else None,
                "review_index": review.index if review else None,
                "actor_role": row.actor_role,
            }
        )
    summary = [{"kind": k, "outcome": o, "count": n} for (k, o), n in sorted(tally.items())]
    tables = [
        _table(
            "summary",
            "Decisions by kind and outcome",
            [],
            [
                ("kind", "text", "the kind of question"),
                ("outcome", "text", "the pack's outcome"),
                ("count", "integer", "number of decisions"),
            ],
            summary,
        ),
        _table(
            "decisions",
            "Every decision of the period",
            [],
            [
                ("ledger_index", "integer", "ledger index of the decision entry"),
                ("decision_id", "text", "the decision's public id"),
                ("date", "date", "local date of the case's moment"),
                ("jurisdiction", "text", "the pack that decided"),
                ("kind", "text", "assistance, appearance, federal_conduct, property_use"),
                ("outcome", "text", "the pack's outcome"),
                ("follow_up_of", "text", "the needs_review decision this one answers"),
                ("review_outcome", "text", "a supervisor's resolution, if any"),
                ("review_index", "integer", "ledger index of that review"),
                ("actor_role", "text", "the role that asked (no usernames)"),
            ],
            rows,
        ),
    ]
    figures = {
        "decisions": len(rows),
        "prohibited": sum(r["outcome"] == "prohibited" for r in rows),
        "needs_review": sum(r["outcome"] == "needs_review" for r in rows),
        "reviewed": sum(r["review_index"] is not None for r in rows),
    }
    return {"figures": figures, "tables": tables}


BUILDERS: dict[str, Callable[[Reader, Mapping[str, str], Mapping[str, Any]], dict[str, Any]]] = {
    "wco": _wco,
    "trust": _trust,
    "federal-conduct": _federal_conduct,
    "decisions": _decisions,
}


# ---- documents ----------------------------------------------------------------------------------


def content_hash(document: Mapping[str, Any]) -> str:
    content = {k: v for k, v in document.items() if k not in ("content_hash", "logged")}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def parameters_for(report: str, suppress_below: int | None) -> dict[str, Any]:
    if report != "federal-conduct":
        return {}
    if suppress_below is None:
        from brightline import settings

        suppress_below = settings.current().suppress_below
    if (
        isinstance(suppress_below, bool)
        or not isinstance(suppress_below, int)
        or not 1 <= suppress_below <= 1000
    ):
        raise InvalidRequest(
            f"suppress_below must be a whole number from 1 to 1000, got {suppress_below!r}",
            field="suppress_below",
        )
    return {"suppress_below": suppress_below}


def _pack_basis() -> dict[str, str]:
    from brightline import rules

    pack = rules.load_pack(JURISDICTION)
    return {"name": pack.name, "version": pack.version, "digest": str(pack.top.digest)}


def compute(
    service: Service,
    report: str,
    p: Mapping[str, str],
    *,
    size: int | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report document of ``report`` for period ``p``, from the ledger at ``size`` (default:
    its latest signed checkpoint). Raises ``LedgerCorrupt`` if an entry it reads disagrees with
    its commitment or its index row."""
    choice("report", report, REPORTS)
    params = dict(parameters or {})
    if size is None:
        checkpoint = service.ledger.latest_checkpoint()
        size, note, root = int(checkpoint["size"]), str(checkpoint["note"]), str(checkpoint["root"])
    else:
        note, root = _checkpoint_at(service, size)
    with service.reading() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            reader = Reader(conn, size)
            body = BUILDERS[report](reader, p, params)
    meta = REPORTS[report]
    document: dict[str, Any] = {
        "format": FORMAT,
        "report": report,
        "title": meta["title"],
        "law": meta["cites"],
        "to": meta["to"],
        "jurisdiction": JURISDICTION,
        "period": dict(p),
        "parameters": params,
        "basis": {
            "ledger_size": size,
            "root": root,
            "checkpoint": note,
            "pack": _pack_basis(),
            "redacted_entries_skipped": reader.redacted,
        },
        "figures": body["figures"],
        "tables": body["tables"],
        "entries": reader.commitment(),
    }
    document["content_hash"] = content_hash(document)
    return document


def _checkpoint_at(service: Service, size: int) -> tuple[str, str]:
    head = service.ledger.size()
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= head:
        raise InvalidRequest(
            f"ledger_size must be a size the ledger has reached (1..{head}), got {size!r}",
            field="ledger_size",
        )
    proof = service.ledger.inclusion_proof(0, size)  # carries the signed checkpoint of ``size``
    return str(proof["checkpoint"]), str(proof["root"])


def produce(
    service: Service,
    report: str,
    p: Mapping[str, str],
    *,
    actor: Actor,
    suppress_below: int | None = None,
) -> dict[str, Any]:
    """Compute the report and log it as a ledger entry; the document gains ``logged``
    (``{"id", "ledger_index", "receipt"}``)."""
    require(actor, "produce_oversight_reports")
    document = compute(service, report, p, parameters=parameters_for(report, suppress_below))
    record = {
        "id": new_id("o"),
        "report": report,
        "jurisdiction": document["jurisdiction"],
        "period": document["period"],
        "parameters": document["parameters"],
        "ledger_size": document["basis"]["ledger_size"],
        "root": document["basis"]["root"],
        "checkpoint": document["basis"]["checkpoint"],
        "pack": document["basis"]["pack"],
        "figures": _public_figures(document["figures"]),
        "entries": document["entries"],
        "content_hash": document["content_hash"],
        "actor": {"role": actor.role},
        "created_at": iso(utc_now()),
    }
    receipt = entries.append(service, KIND, record, oversight_t, index_row(record))
    document["logged"] = {"id": record["id"], "ledger_index": receipt["index"], "receipt": receipt}
    return document


def _public_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Figures as the ledger record keeps them (suppressed ones without a number)."""
    return {k: (v.get("count") if isinstance(v, Mapping) else v) for k, v in figures.items()}


def index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``oversight_reports`` row of a report record (without ledger index)."""
    return {
        "id": record["id"],
        "report": record["report"],
        "period_from": record["period"]["from"],
        "period_to": record["period"]["to"],
        "ledger_size": record["ledger_size"],
        "content_hash": record["content_hash"],
        "actor_username": None,
        "created_at": record["created_at"],
    }


def list_produced(service: Service, *, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Reports produced so far, newest first."""
    require(actor, "read_oversight_reports")
    with service.reading() as conn:
        rows = conn.execute(
            select(oversight_t).order_by(oversight_t.c.ledger_index.desc()).limit(limit)
        ).all()
    return [dict(r._mapping) for r in rows]


def reproduce(service: Service, report_id: str, *, actor: Actor) -> dict[str, Any]:
    """A produced report, recomputed from the ledger at the size it was produced at; its
    content hash must equal the one logged (else ``LedgerCorrupt``). Public reports may be read
    by anyone; the others need ``read_oversight_reports``."""
    with service.reading() as conn:
        row = conn.execute(select(oversight_t).where(oversight_t.c.id == report_id)).first()
    if row is None:
        raise NotFound(f"no oversight report {report_id}", id=report_id)
    if row.report not in PUBLIC_REPORTS:
        require(actor, "read_oversight_reports")
    record = entries.load_record(service, row.ledger_index, KIND)
    if record is None:
        raise NotFound(f"oversight report {report_id} was redacted", id=report_id)
    document = compute(
        service,
        record["report"],
        record["period"],
        size=int(record["ledger_size"]),
        parameters=record.get("parameters") or {},
    )
    document["basis"]["checkpoint"] = record["checkpoint"]
    document["content_hash"] = content_hash(document)
    if document["content_hash"] != record["content_hash"]:
        raise LedgerCorrupt(
            f"oversight report {report_id} no longer recomputes to the content it was logged "
            f"with (entry {row.ledger_index}); run `brightline oversight verify` on its JSON",
            index=row.ledger_index,
        )
    receipt = entries.receipt_now(service, row.ledger_index)
    document["logged"] = {"id": record["id"], "ledger_index": row.ledger_index, "receipt": receipt}
    return document
