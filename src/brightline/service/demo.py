"""Demo data for ``brightline serve --demo``: accounts, decisions, reviews and reports.

Demo accounts (for demonstrations only; never seed them on a real deployment)::

    username     role         password
    officer      officer      officer-demo
    officer2     officer      officer2-demo
    supervisor   supervisor   supervisor-demo
    auditor      auditor      auditor-demo
    admin        admin        admin-demo

About fifty realistic entries drawn from the Chicago pack: screened cases of every kind with
conduct dates from August 2025 to November 2026 (some before the orders took effect, to show the
dates at work), two follow-ups that answer a decision's open questions, two supervisor
resolutions, several ``needs_review`` decisions left in the queue, and public reports of each
category. Everything has a fixed id (``demo-d01``, ``demo-r01`` ...), so seeding again adds
nothing. When the shared CPD roster folder exists and ``brightline.service.officers`` offers
``import_roster_if_empty``, the roster is imported too.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from brightline.errors import InvalidInput, NotFound
from brightline.service import decisions, reports, reviews
from brightline.service.actors import Actor
from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reports as reports_t
from brightline.store.tables_app import users

if TYPE_CHECKING:
    from brightline.service.core import Service

log = logging.getLogger(__name__)

DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("officer", "officer"),
    ("officer2", "officer"),
    ("supervisor", "supervisor"),
    ("auditor", "auditor"),
    ("admin", "admin"),
)


def demo_password(username: str) -> str:
    return f"{username}-demo"


# (id, actor, at, kind, facts[, follow_up_of])
_DECISIONS: tuple[tuple[Any, ...], ...] = (
    ("d01", "officer", "2025-08-12T14:10:00-05:00", "assistance",
     {"agency": "national_guard", "activity": "patrol", "purpose": "public_safety"}),
    ("d02", "officer", "2025-09-03T09:20:00-05:00", "assistance",
     {"agency": "national_guard", "activity": "patrol", "purpose": "public_safety"}),
    ("d03", "officer2", "2025-09-18T22:45:00-05:00", "assistance",
     {"agency": "ice", "activity": "detainer_hold", "purpose": "civil_immigration",
      "basis": "immigration_detainer"}),
    ("d04", "officer", "2025-10-04T10:30:00-05:00", "assistance",
     {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration",
      "imminent_threat": False}),
    ("d05", "officer2", "2025-10-04T11:05:00-05:00", "assistance",
     {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration",
      "imminent_threat": True}),
    ("d06", "officer", "2025-10-21T16:00:00-05:00", "assistance",
     {"agency": "fbi", "activity": "criminal_investigation", "purpose": "criminal"}),
    ("d07", "supervisor", "2025-11-02T08:15:00-06:00", "assistance",
     {"agency": "ice", "activity": "clarify_civil_or_criminal"}),
    ("d08", "officer2", "2025-11-14T19:40:00-06:00", "assistance",
     {"agency": "hsi", "activity": "traffic_stop"}),
    ("d09", "officer", "2025-12-01T13:00:00-06:00", "assistance",
     {"agency": "ice", "activity": "information_sharing", "information": "release_date",
      "purpose": "civil_immigration", "basis": "none"}),
    ("d10", "officer", "2025-12-09T07:30:00-06:00", "assistance",
     {"agency": "ice", "activity": "emergency_response", "purpose": "civil_immigration",
      "imminent_threat": True}),
    ("d11", "officer2", "2026-01-08T12:00:00-06:00", "assistance",
     {"agency": "dea", "activity": "arrest_operation", "purpose": "criminal",
      "existing_agreement": False}),
    ("d12", "officer", "2026-02-11T10:10:00-06:00", "assistance",
     {"agency": "ice", "activity": "status_inquiry", "inquiry_reason": "firearm_eligibility"}),
    ("d13", "officer2", "2026-03-19T15:25:00-05:00", "assistance",
     {"agency": "ice", "activity": "custody_transfer", "purpose": "civil_immigration",
      "basis": "administrative_warrant"}),
    ("d14", "supervisor", "2026-05-06T18:45:00-05:00", "assistance",
     {"agency": "state_police", "activity": "traffic_control", "purpose": "public_safety"}),
    ("d15", "officer", "2026-08-22T02:10:00-05:00", "assistance",
     {"agency": "usms", "activity": "arrest_operation", "purpose": "criminal",
      "existing_agreement": True}),
    ("d16", "officer", "2025-08-20T07:00:00-05:00", "appearance",
     {"officer_type": "local", "assignment": "uniform", "face_covering": "neck_gaiter",
      "covering_reason": "weather", "star_visible": True, "name_visible": True,
      "uniform_worn": True, "enforcement_activity": True, "bwc_recording": True}),
    ("d17", "officer", "2025-09-10T07:00:00-05:00", "appearance",
     {"officer_type": "local", "assignment": "uniform", "face_covering": "balaclava",
      "covering_reason": "weather", "star_visible": True, "name_visible": True,
      "uniform_worn": True, "enforcement_activity": True, "bwc_recording": True}),
    ("d18", "officer2", "2025-10-15T21:30:00-05:00", "appearance",
     {"officer_type": "local", "assignment": "uniform", "face_covering": "none",
      "star_visible": True, "name_visible": True, "uniform_worn": True,
      "enforcement_activity": True, "bwc_recording": True}),
    ("d19", "officer", "2025-12-17T06:45:00-06:00", "appearance",
     {"officer_type": "local", "assignment": "tactical", "face_covering": "respirator",
      "covering_reason": "safety_hazard", "star_visible": True, "name_visible": True,
      "enforcement_activity": True, "bwc_recording": True}),
    ("d20", "officer2", "2026-01-27T09:00:00-06:00", "appearance",
     {"officer_type": "local", "assignment": "uniform", "face_covering": "medical_mask",
      "star_visible": True, "name_visible": True, "uniform_worn": True,
      "enforcement_activity": False}),
    ("d21", "officer", "2026-04-03T23:15:00-05:00", "appearance",
     {"officer_type": "local", "assignment": "plainclothes", "face_covering": "none",
      "enforcement_activity": True, "bwc_recording": False}),
    ("d22", "officer2", "2026-06-30T17:20:00-05:00", "appearance",
     {"officer_type": "local", "assignment": "casual_dress", "face_covering": "none",
      "star_visible": False, "name_visible": True, "enforcement_activity": True,
      "bwc_recording": True}),
    ("d23", "supervisor", "2025-10-25T11:40:00-05:00", "federal_conduct",
     {"agency": "ice", "civil_immigration_enforcement": True, "face_covering": "ski_mask",
      "covering_reason": "conceal_identity", "id_visible": False, "bwc_recording": False,
      "bwc_required": False, "plate": "out_of_state", "alleged_violation": "none",
      "injuries": False}),
    ("d24", "officer", "2026-02-14T14:05:00-06:00", "federal_conduct",
     {"agency": "cbp", "civil_immigration_enforcement": True, "alleged_violation":
      "state_misdemeanor", "injuries": True, "crowd_control_equipment": True,
      "id_visible": False}),
    ("d25", "officer2", "2026-07-09T08:50:00-05:00", "federal_conduct",
     {"agency": "ice", "civil_immigration_enforcement": True, "injuries": False,
      "id_visible": True}),
    ("d26", "officer", "2026-09-12T16:30:00-05:00", "federal_conduct",
     {"agency": "dhs_other", "civil_immigration_enforcement": True,
      "alleged_violation": "state_felony", "injuries": True, "court_order_violation": True}),
    ("d27", "supervisor", "2025-09-28T10:00:00-05:00", "property_use",
     {"owner": "city", "property_type": "parking_lot", "use": "staging_area", "agency": "ice",
      "purpose": "civil_immigration"}),
    ("d28", "supervisor", "2025-10-09T10:00:00-05:00", "property_use",
     {"owner": "city", "property_type": "parking_lot", "use": "staging_area", "agency": "ice",
      "purpose": "civil_immigration"}),
    ("d29", "officer", "2025-11-20T12:30:00-06:00", "property_use",
     {"owner": "cps", "property_type": "school", "use": "staging_area", "agency": "ice",
      "purpose": "civil_immigration"}),
    ("d30", "officer2", "2026-03-02T05:55:00-06:00", "property_use",
     {"owner": "cook_county", "property_type": "garage", "use": "processing_location",
      "agency": "ice", "purpose": "civil_immigration"}),
    ("d31", "officer", "2026-05-21T13:45:00-05:00", "property_use",
     {"owner": "private_opted_in", "property_type": "parking_lot", "use": "staging_area",
      "agency": "ice", "purpose": "civil_immigration"}),
    ("d32", "officer2", "2026-10-06T09:30:00-05:00", "property_use",
     {"owner": "city", "property_type": "garage", "use": "operations_base", "agency": "cbp"}),
    ("d33", "officer", "2026-11-03T15:00:00-06:00", "property_use",
     {"owner": "federal", "property_type": "building", "use": "processing_location",
      "agency": "ice", "purpose": "civil_immigration"}),
    ("d34", "officer", "2025-10-21T16:20:00-05:00", "assistance",
     {"agency": "fbi", "activity": "criminal_investigation", "purpose": "criminal",
      "existing_agreement": True}, "d06"),
    ("d35", "officer2", "2025-11-14T19:55:00-06:00", "assistance",
     {"agency": "hsi", "activity": "traffic_stop", "purpose": "civil_immigration"}, "d08"),
)

# (decision id, outcome, note): supervisor resolutions of open questions
_RESOLUTIONS: tuple[tuple[str, str, str], ...] = (
    ("d29", "prohibited",
     "School lot used as a staging area for ICE: treat as City property under the ICE Free Zone "
     "order pending Law Department guidance; violation reported."),
    ("d20", "permitted",
     "Officer confirmed the mask was worn for a respiratory infection (health); star and name "
     "were visible."),
)

# (id, occurred_at, category, facts, description, place, contact)
_REPORTS: tuple[tuple[Any, ...], ...] = (
    ("r01", "2025-09-06T18:30:00-05:00", "federal_conduct",
     {"face_covering": "ski_mask", "id_visible": False},
     "Four agents in plain vests and face masks detained a man outside a grocery store. None "
     "showed a badge or a name when asked.", "Near 26th St and Pulaski", None),
    ("r02", "2025-09-22T08:10:00-05:00", "officer_appearance",
     {"face_covering": "neck_gaiter", "star_visible": False},
     "A uniformed officer directing traffic had a gaiter over his face and I could not see a "
     "star number.", "Belmont Ave", None),
    ("r03", "2025-10-08T06:45:00-05:00", "property_use",
     {"owner": "city", "property_type": "parking_lot", "use": "staging_area"},
     "Unmarked SUVs and a white van gathering in the City lot behind the library before "
     "sunrise; agents put on vests there.", "Brighton Park", "resident.bp@example.org"),
    ("r04", "2025-10-19T13:00:00-05:00", "immigration_assistance",
     {"agency": "ice", "activity": "traffic_perimeter"},
     "Two CPD cars blocked the street while federal agents arrested people at a car wash.",
     "Little Village", None),
    ("r05", "2025-11-03T17:25:00-06:00", "federal_conduct",
     {"civil_immigration_enforcement": True, "injuries": True,
      "crowd_control_equipment": True},
     "Agents used pepper balls on people filming; one woman was hurt and needed help.",
     "Broadview", None),
    ("r06", "2025-11-27T11:15:00-06:00", "officer_appearance", {},
     "Officer at the protest would not tell me his name.", "Downtown, Federal Plaza", None),
    ("r07", "2025-12-12T09:40:00-06:00", "property_use",
     {"owner": "cps", "property_type": "parking_lot"},
     "A federal van parked in the school lot for two hours, watching the entrance.",
     "Pilsen", "+1 312 555 0142"),
    ("r08", "2026-01-15T16:05:00-06:00", "immigration_assistance",
     {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration"},
     "CPD officers held back neighbours while Border Patrol put a man in a car.",
     "Albany Park", None),
    ("r09", "2026-02-08T10:20:00-06:00", "federal_conduct",
     {"alleged_violation": "state_misdemeanor", "plate": "out_of_state", "id_visible": False},
     "Agent's car with out-of-state plates ran a red light and hit a parked car during a chase; "
     "they left without stopping.", "Logan Square", None),
    ("r10", "2026-03-14T14:50:00-05:00", "officer_appearance",
     {"face_covering": "medical_mask", "star_visible": True, "name_visible": True},
     "Officer wore a surgical mask at the district station counter.", "District 9 station",
     None),
    ("r11", "2026-04-25T07:35:00-05:00", "federal_conduct",
     {"civil_immigration_enforcement": True, "face_covering": "balaclava"},
     "Masked men in tactical gear knocked on doors along the block asking for a person by name.",
     "Gage Park", None),
    ("r12", "2026-06-02T12:00:00-05:00", "property_use",
     {"owner": "city", "property_type": "park", "use": "staging_area"},
     "Federal vehicles lined up in the park's lot again this morning.", "Humboldt Park", None),
    ("r13", "2026-07-19T20:30:00-05:00", "immigration_assistance", {"agency": "ice"},
     "Saw a squad car parked next to an ICE van; not sure what they were doing.", "West Lawn",
     None),
    ("r14", "2026-08-30T09:00:00-05:00", "federal_conduct",
     {"alleged_violation": "none", "id_visible": True, "bwc_recording": True},
     "Agents at the courthouse showed badges and wore cameras; recording for the record.",
     "Daley Center", None),
    ("r15", "2026-10-11T18:10:00-05:00", "officer_appearance",
     {"face_covering": "balaclava", "covering_reason": "weather"},
     "Officer in uniform with a full face balaclava at the transit stop; it was cold but you "
     "could not see his face.", "Red Line, Howard", None),
    ("r16", "2026-11-07T15:45:00-06:00", "property_use",
     {"owner": "cook_county", "property_type": "garage", "use": "processing_location",
      "purpose": "civil_immigration"},
     "People in zip ties being moved between vans in the county garage.", "Near West Side",
     "witness.nws@example.org"),
)


def seed_demo(service: Service, *, roster: bool = True) -> dict[str, Any]:
    """Seed what is missing; return counts of what was added and what the pack refused."""
    added = {"accounts": _seed_accounts(service), "decisions": 0, "reviews": 0, "reports": 0}
    skipped: list[str] = []
    with service.reading() as conn:
        have = set(conn.execute(select(decisions_t.c.id)).scalars())
        have |= set(conn.execute(select(reports_t.c.id)).scalars())
    for item in _DECISIONS:
        if f"demo-{item[0]}" not in have:
            added["decisions"] += _seed_decision(service, item, skipped)
    for decision_id, outcome, note in _RESOLUTIONS:
        added["reviews"] += _seed_resolution(service, f"demo-{decision_id}", outcome, note, skipped)
    for item in _REPORTS:
        if f"demo-{item[0]}" not in have:
            added["reports"] += _seed_report(service, item, skipped)
    out: dict[str, Any] = {"added": added, "skipped": skipped}
    if roster:
        out["roster"] = seed_roster(service)
    return out


def _seed_accounts(service: Service) -> int:
    with service.reading() as conn:
        existing = set(conn.execute(select(users.c.username)).scalars())
    count = 0
    for username, role in DEMO_ACCOUNTS:
        if username not in existing:
            service.add_user(username, demo_password(username), role)
            count += 1
    return count


def _seed_decision(service: Service, item: tuple[Any, ...], skipped: list[str]) -> int:
    short, username, at, kind, facts = item[:5]
    follow_up_of = f"demo-{item[5]}" if len(item) > 5 else None
    role = dict(DEMO_ACCOUNTS)[username]
    case = {"jurisdiction": "chicago", "at": at, "kind": kind, "facts": facts}
    try:
        decisions.decide(
            service,
            case,
            actor=Actor(username, role),
            follow_up_of=follow_up_of,
            decision_id=f"demo-{short}",
        )
    except InvalidInput as exc:
        skipped.append(f"demo-{short}: {exc}")
        log.warning("demo decision demo-%s not seeded: %s", short, exc)
        return 0
    return 1


def _seed_resolution(
    service: Service, decision_id: str, outcome: str, note: str, skipped: list[str]
) -> int:
    try:
        row = decisions.row_of(service, decision_id)
    except NotFound:  # the decision itself was skipped (reported there)
        return 0
    if decisions.review_states(service, [row])[row.id]["review_status"] != "open":
        return 0
    try:
        reviews.resolve_review(
            service, decision_id, outcome=outcome, note=note, actor=Actor("supervisor", "supervisor")
        )
    except InvalidInput as exc:
        skipped.append(f"{decision_id} review: {exc}")
        return 0
    return 1


def _seed_report(service: Service, item: tuple[Any, ...], skipped: list[str]) -> int:
    short, occurred_at, category, facts, description, place, contact = item
    report = {
        "category": category,
        "occurred_at": occurred_at,
        "facts": facts,
        "description": description,
        "place": place,
        "contact": contact,
    }
    try:
        reports.submit_report(service, report, client_id=None, report_id=f"demo-{short}")
    except InvalidInput as exc:
        skipped.append(f"demo-{short}: {exc}")
        log.warning("demo report demo-%s not seeded: %s", short, exc)
        return 0
    return 1


def roster_dir() -> Path:
    """The CPD roster folder: env BRIGHTLINE_ROSTER_DIR, else ``../shared/data/cpd-roster``
    next to the repository."""
    from brightline import settings

    configured = settings.current().roster_dir
    if configured is not None:
        return configured
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cpd-roster"


def seed_roster(service: Service) -> dict[str, Any] | None:
    """Import the CPD roster through ``brightline.service.officers`` when both exist."""
    folder = roster_dir()
    if not folder.is_dir():
        return None
    try:
        officers = importlib.import_module("brightline.service.officers")
    except ModuleNotFoundError:
        return None
    importer = getattr(officers, "import_roster_if_empty", None)
    if importer is None:
        return None
    result = importer(service, folder)
    return dict(result) if result is not None else None
