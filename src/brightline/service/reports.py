"""Public reports of a concern (no login): a masked or unidentified CPD officer, CPD help to an
immigration operation, City property used for immigration enforcement, a federal agent's
conduct.

Each report is decided by the pack where its category fits one of the pack's kinds, on the facts
the reporter gave only (so what they did not say stays unknown and gives ``needs_review``), then
logged to the ledger (kind ``report``) and answered with a receipt the reporter can check later.
The reporter's words, place and time stay in the ledger record (redactable) and are shown to
auditors only; public views carry the category, the pack's decision, the month and the time of
the report to the minute. The reporter's contact details never enter the ledger: they are kept
apart in ``report_contacts``, encrypted (Fernet, ``BRIGHTLINE_CONTACT_KEY``), shown to auditors
only and deleted on request (:func:`delete_contact`, logged in the ledger as kind ``privacy``).

The client address only counts reports for the rate limit (``BRIGHTLINE_REPORT_RATE``), as a
keyed hash kept for the limit's window (:mod:`brightline.service.limits`).

A report's ledger record is ``{"id", "category", "kind", "jurisdiction", "description", "place",
"occurred_at", "facts", "case", "decision", "created_at"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from sqlalchemy import func, select
from sqlalchemy.engine import Row

from brightline.errors import InvalidCase, InvalidRequest, NotFound
from brightline.service import entries, limits
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, month_of, new_id
from brightline.service.validation import (
    choice,
    identifier,
    known_fields,
    mapping,
    moment,
    optional_text,
    page,
    text,
)
from brightline.store.tables_app import report_contacts
from brightline.store.tables_app import reports as reports_t

if TYPE_CHECKING:
    from brightline.service.core import Service

# category -> (the pack kind that decides it, a label for forms)
CATEGORIES: dict[str, tuple[str, str]] = {
    "officer_appearance": ("appearance", "A masked or unidentified CPD officer"),
    "immigration_assistance": ("assistance", "CPD helping an immigration operation"),
    "property_use": ("property_use", "City property used for immigration enforcement"),
    "federal_conduct": ("federal_conduct", "A federal agent's conduct"),
    # Who they were is not known: decided as conduct of agents, never as a CPD member's
    # appearance (the CPD uniform rules would assume what the reporter did not say).
    "unidentified": ("federal_conduct", "Masked or unidentified people acting as police"),
    "other_police": ("federal_conduct", "Another police force's conduct"),
}
FIELDS = ("category", "description", "place", "occurred_at", "facts", "contact", "jurisdiction")
MAX_DESCRIPTION = 4000
MAX_SHORT = 200
MAX_FACTS = 40
DEFAULT_JURISDICTION = "chicago"
PRIVATE_FIELDS = ("description", "place", "occurred_at", "contact", "facts")


def categories() -> list[dict[str, str]]:
    return [{"category": c, "kind": k, "label": label} for c, (k, label) in CATEGORIES.items()]


def submit_report(
    service: Service,
    report: Any,
    *,
    client_id: str | None,
    report_id: str | None = None,
) -> dict[str, Any]:
    """Check, decide, log; return ``{"id", "receipt", "decision" (or None), "created_at"}``.
    ``client_id`` (the client's address) only counts reports for the rate limit; None skips
    the limit (seeding, the console)."""
    now = service.now()
    packs = service.decider.packs_dir
    fields = _validated(report, now=now, packs=packs)
    contact = fields.pop("contact")
    at = fields["occurred_at"] or now.isoformat(timespec="seconds")
    case, decision = _decided(service, fields, at)
    if client_id is not None:
        limits.take(
            service,
            "report",
            text("client_id", client_id, max_len=500),
            service.config.report_rate,
            message="too many reports from this client",
        )
    record = {
        "id": report_id or new_id("r"),
        **fields,
        "case": case,
        "decision": decision,
        "created_at": iso(now),
    }
    rows: list[tuple[Any, dict[str, Any]]] = [
        (reports_t, {**index_row(record), "ledger_index": entries.index_marker()})
    ]
    if contact:
        sealed = service.fernet.encrypt(contact.encode("utf-8")).decode("ascii")
        rows.append(
            (
                report_contacts,
                {"report_id": record["id"], "ciphertext": sealed, "created_at": record["created_at"]},
            )
        )
    receipt = dict(service.ledger.append("report", record, rows=rows).to_dict())
    return {
        "id": record["id"],
        "receipt": receipt,
        "decision": decision,
        "created_at": minute(record["created_at"]),
    }


def minute(stamp: str) -> str:
    """A UTC time as the public sees it: to the minute (``2026-11-26T08:04Z``)."""
    return stamp[:16] + "Z" if len(stamp) >= 16 else stamp


def _validated(report: Any, *, now: datetime, packs: Path | None = None) -> dict[str, Any]:
    from brightline import rules

    report = mapping("report", report)
    known_fields("report", report, FIELDS)
    category = choice("category", report.get("category"), CATEGORIES)
    raw_facts = report.get("facts")
    facts = mapping("facts", {} if raw_facts is None else raw_facts)
    if len(facts) > MAX_FACTS:
        raise InvalidRequest(f"facts has {len(facts)} entries, at most {MAX_FACTS}", field="facts")
    for name, value in facts.items():
        if not isinstance(value, str | bool | int) or len(str(value)) > MAX_SHORT:
            raise InvalidRequest(
                f"facts.{str(name)[:60]} must be a value of the fact (text, true or false)",
                field=f"facts.{str(name)[:60]}",
            )
    occurred = report.get("occurred_at")
    return {
        "category": category,
        "kind": CATEGORIES[category][0],
        "jurisdiction": choice(
            "jurisdiction",
            DEFAULT_JURISDICTION if report.get("jurisdiction") is None else report["jurisdiction"],
            rules.available_packs(packs),
        ),
        "description": text("description", report.get("description"), max_len=MAX_DESCRIPTION),
        "place": optional_text("place", report.get("place"), max_len=MAX_SHORT),
        "occurred_at": None if occurred in (None, "") else moment("occurred_at", occurred, now=now),
        "contact": optional_text("contact", report.get("contact"), max_len=MAX_SHORT),
        "facts": dict(facts),
    }


def _decided(
    service: Service, fields: Mapping[str, Any], at: str
) -> tuple[dict[str, Any] | None, Any]:
    """The case built from the report and the pack's decision; (None, None) when the pack has
    no kind for the category. Invalid facts raise ``InvalidCase`` naming the fact."""
    from brightline import rules

    kind = fields["kind"]
    if kind not in rules.pack_catalog(fields["jurisdiction"], service.decider.packs_dir)["kinds"]:
        return None, None
    facts = dict(fields["facts"])
    if kind == "appearance":
        # The category itself says the officer is (taken to be) a CPD member.
        facts.setdefault("officer_type", "local")
    case = {"jurisdiction": fields["jurisdiction"], "at": at, "kind": kind, "facts": facts}
    try:
        return case, service.decider.decide(case)
    except InvalidCase as exc:
        if exc.field != "at":
            raise
        raise InvalidRequest(
            f"occurred_at: {exc.message}", field="occurred_at", got=fields["occurred_at"]
        ) from None


def index_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``reports`` index row of a report record (without its ledger index)."""
    decision = record.get("decision")
    return {
        "id": record["id"],
        "jurisdiction": record["jurisdiction"],
        "category": record["category"],
        "kind": record["kind"],
        "outcome": decision["outcome"] if decision else None,
        "month": month_of(record.get("occurred_at") or record["created_at"]),
        "created_at": record["created_at"],
    }


def _row(service: Service, report_id: str) -> Row[Any]:
    identifier("id", report_id)
    with service.reading() as conn:
        row = conn.execute(select(reports_t).where(reports_t.c.id == report_id)).first()
    if row is None:
        raise NotFound(f"no report {report_id}", id=report_id)
    return row


def summary(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "ledger_index": row.ledger_index,
        "jurisdiction": row.jurisdiction,
        "category": row.category,
        "kind": row.kind,
        "outcome": row.outcome,
        "month": row.month,
        "created_at": row.created_at,
    }


def get_report(service: Service, report_id: str, *, actor: Actor) -> dict[str, Any]:
    """Anyone with the id sees the public view (category, outcome, month, the pack's decision
    without its exact time, the time of the report to the minute, a fresh receipt); auditors
    also see the private fields, the contact details decrypted and the exact time."""
    row = _row(service, report_id)
    record = entries.load_record(service, row.ledger_index, "report")
    out = summary(row)
    decision = (record or {}).get("decision")
    out["decision"] = {k: v for k, v in decision.items() if k != "at"} if decision else None
    out["redacted"] = record is None
    out["receipt"] = entries.receipt_now(service, row.ledger_index)
    if actor.can("read_reports"):
        private = {k: record.get(k) for k in PRIVATE_FIELDS} if record else None
        contact = _contact(service, report_id)
        if private is not None or contact is not None:
            private = {**(private or {}), "contact": contact or (private or {}).get("contact")}
        out["private"] = private
    else:
        out["created_at"] = minute(str(out["created_at"]))
    return out


def _contact(service: Service, report_id: str) -> str | None:
    with service.reading() as conn:
        sealed = conn.execute(
            select(report_contacts.c.ciphertext).where(report_contacts.c.report_id == report_id)
        ).scalar()
    if sealed is None:
        return None
    try:
        return str(service.fernet.decrypt(sealed.encode("ascii")).decode("utf-8"))
    except InvalidToken:
        return "(cannot be decrypted with the contact key in use)"


def delete_contact(
    service: Service, report_id: str, *, reason: str, actor: Actor | None
) -> dict[str, Any]:
    """Delete a reporter's contact details on request (auditors, or the operator at the
    console when ``actor`` is None); logged in the ledger (kind ``privacy``) with the reason.
    Returns ``{"id", "deleted", "receipt"}``."""
    if actor is not None:
        require(actor, "redact_reports")
    _row(service, report_id)
    reason = text("reason", reason, max_len=2000)
    with service.writing() as conn:
        gone = conn.execute(
            report_contacts.delete().where(report_contacts.c.report_id == report_id)
        ).rowcount
    record = {
        "action": "contact_deleted",
        "report_id": report_id,
        "deleted": bool(gone),
        "reason": reason,
        "by": actor.to_dict() if actor else {"username": None, "role": "operator"},
        "at": iso(service.now()),
    }
    receipt = service.ledger.append("privacy", record)
    return {"id": report_id, "deleted": bool(gone), "receipt": receipt.to_dict()}


def list_reports(
    service: Service, *, actor: Actor, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Auditors: report summaries, newest first, ``{"items", "total", "limit", "offset"}``."""
    require(actor, "read_reports")
    limit, offset = page(limit, offset)
    with service.reading() as conn:
        total = conn.execute(select(func.count()).select_from(reports_t)).scalar()
        rows = conn.execute(
            select(reports_t).order_by(reports_t.c.ledger_index.desc()).limit(limit).offset(offset)
        ).all()
    return {
        "items": [summary(r) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
    }


def redact_report(
    service: Service, report_id: str, *, reason: str, actor: Actor | None
) -> dict[str, Any]:
    """Auditors (or the operator, ``actor`` None): drop the report's record (the reporter's
    words, place, time, facts) from the ledger and delete the contact details; the leaf stays,
    so every receipt and proof still verifies. The redaction is itself logged. Returns
    ``{"id", "redacted_index", "receipt"}``."""
    if actor is not None:
        require(actor, "redact_reports")
    row = _row(service, report_id)
    reason = text("reason", reason, max_len=2000)
    with service.writing() as conn:
        conn.execute(report_contacts.delete().where(report_contacts.c.report_id == report_id))
    who = str(actor.username) if actor is not None else "operator"
    receipt = service.ledger.redact(row.ledger_index, reason=reason, actor=who)
    return {"id": report_id, "redacted_index": row.ledger_index, "receipt": receipt.to_dict()}
