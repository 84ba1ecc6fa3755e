"""A small ledger with everything the oversight reports count (no tests here).

``fill(service)`` logs: a detainer with bail and release, an administrative warrant with a
prohibited transfer, a judicial warrant (not reported), requests for assistance (one reviewed,
one still open), federal-conduct decisions (six alike, so their cell is shown) and a resident's
report (one alike, so suppressed); all in 2025Q4 or 2026Q1. Nothing in 2024.
"""

from __future__ import annotations

from typing import Any

from brightline.service import Service
from test_service_support import OFFICER, SUPERVISOR

NAMES_AND_WORDS = (
    "alice",  # the officer's username
    "sam",  # the supervisor's username
    "RD-JH123456",  # case references
    "RD-JH123999",
    "CB-20001234",
    "Agents in masks dragged a man",  # a reporter's words
    "555-0199",  # a reporter's contact
    "Pulaski",  # a reporter's place
    "no threat at the scene",  # a supervisor's note
)


def fill(service: Service) -> dict[str, Any]:
    made: dict[str, Any] = {}
    d1 = service.log_custody_request(
        {
            "received_at": "2025-10-04T09:15",
            "agency": "ice",
            "document_type": "immigration_detainer",
            "case_ref": "RD-JH123456",
        },
        actor=OFFICER,
    )
    rid = d1["request_id"]
    service.log_custody_event(
        rid, {"event": "bail_posted", "at": "2025-10-05T11:00"}, actor=OFFICER
    )
    service.log_custody_event(rid, {"event": "released", "at": "2025-10-05T13:20"}, actor=OFFICER)
    d2 = service.log_custody_request(
        {
            "received_at": "2025-11-04T09:15",
            "agency": "cbp",
            "document_type": "administrative_warrant",
            "case_ref": "RD-JH123999",
        },
        actor=OFFICER,
    )
    service.log_custody_event(
        d2["request_id"],
        {"event": "transferred", "at": "2025-11-05T13:20", "to_agency": "ice"},
        actor=OFFICER,
    )
    service.log_custody_request(
        {
            "received_at": "2025-12-01T08:00",
            "agency": "usms",
            "document_type": "judicial_warrant",
            "case_ref": "CB-20001234",
        },
        actor=OFFICER,
    )
    crowd = service.decide(
        {
            "jurisdiction": "chicago",
            "at": "2025-10-04T10:30:00-05:00",
            "kind": "assistance",
            "facts": {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration"},
        },
        actor=OFFICER,
    )
    service.resolve_review(
        crowd["id"], outcome="prohibited", note="no threat at the scene", actor=SUPERVISOR
    )
    service.decide(
        {
            "jurisdiction": "chicago",
            "at": "2025-11-14T19:40:00-06:00",
            "kind": "assistance",
            "facts": {
                "agency": "hsi",
                "activity": "traffic_control",
                "purpose": "civil_immigration",
            },
        },
        actor=OFFICER,
    )
    for _ in range(6):
        service.decide(
            {
                "jurisdiction": "chicago",
                "at": "2026-02-10T10:00:00-06:00",
                "kind": "federal_conduct",
                "facts": {
                    "agency": "ice",
                    "face_covering": "ski_mask",
                    "id_visible": False,
                    "alleged_violation": "state_misdemeanor",
                    "civil_immigration_enforcement": True,
                },
            },
            actor=OFFICER,
        )
    service.submit_report(
        {
            "category": "federal_conduct",
            "description": "Agents in masks dragged a man into a van.",
            "place": "26th and Pulaski",
            "contact": "555-0199",
            "occurred_at": "2026-02-11",
            "facts": {"agency": "ice", "alleged_violation": "local_ordinance"},
        },
        client_id=None,
    )
    made["detainer"] = d1
    made["warrant"] = d2
    made["crowd"] = crowd
    return made
