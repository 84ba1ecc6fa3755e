"""Roll-call inspections: what a supervisor records, and how each officer's record is decided.

A roll call covers one unit and one watch at one moment. For each officer the supervisor records
the appearance facts of ``cases.md`` (star and name visible, uniform, face covering and its
reason, camera recording, ...). Each officer's record is decided by the jurisdiction's
``appearance`` rules as a CPD member (``officer_type: local``) at the inspection time; anything but
``permitted`` is a failure, listed with the reasons and open questions that made it one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from brightline.errors import InvalidRequest

WATCHES: dict[str, str] = {
    "1": "first watch (night)",
    "2": "second watch (day)",
    "3": "third watch (afternoon)",
}
APPEARANCE_FACTS = (
    "assignment",
    "face_covering",
    "covering_reason",
    "star_visible",
    "name_visible",
    "uniform_worn",
    "enforcement_activity",
    "bwc_recording",
)
MAX_OFFICERS = 200
Decider = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class OfficerCheck:
    officer_id: int
    star: int | None
    facts: dict[str, Any]


@dataclass(frozen=True)
class RollCall:
    jurisdiction: str
    unit: int
    watch: str
    inspected_at: str
    officers: tuple[OfficerCheck, ...]

    @property
    def inspected_on(self) -> date:
        return datetime.fromisoformat(self.inspected_at).date()


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequest(
            f"{field} must be a whole number from {low} to {high}, got {value!r}", field=field
        )
    return value


def _moment(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidRequest(
            "inspected_at must be an ISO 8601 date and time with offset, "
            f"e.g. 2025-10-04T06:30:00-05:00; got {value!r}",
            field="inspected_at",
        )
    return moment.isoformat()


def _officer(entry: Any, position: int) -> OfficerCheck:
    where = f"officers[{position}]"
    if not isinstance(entry, Mapping):
        raise InvalidRequest(f"{where} must be an object", field=where)
    unknown = sorted(set(entry) - {"officer_id", "star", *APPEARANCE_FACTS})
    if unknown:
        raise InvalidRequest(
            f"{where}: unknown field {unknown[0]!r}; allowed: officer_id, star, "
            + ", ".join(APPEARANCE_FACTS),
            field=f"{where}.{unknown[0]}",
            allowed=["officer_id", "star", *APPEARANCE_FACTS],
        )
    officer_id = _whole(entry.get("officer_id"), f"{where}.officer_id", 1, 10**9)
    star = entry.get("star")
    star = None if star in (None, "") else _whole(star, f"{where}.star", 1, 10**7)
    facts = {k: entry[k] for k in APPEARANCE_FACTS if k in entry and entry[k] is not None}
    return OfficerCheck(officer_id, star, facts)


def parse_roll_call(payload: Any) -> RollCall:
    """Validate a roll call; every problem names the field and what is allowed."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest("a roll call must be a JSON object", field="")
    watch = str(payload.get("watch", ""))
    if watch not in WATCHES:
        raise InvalidRequest(
            f"watch must be one of {', '.join(WATCHES)}; got {watch!r}",
            field="watch",
            allowed=list(WATCHES),
        )
    officers = payload.get("officers")
    if not isinstance(officers, Sequence) or isinstance(officers, str) or not officers:
        raise InvalidRequest("officers must be a non-empty list", field="officers")
    if len(officers) > MAX_OFFICERS:
        raise InvalidRequest(f"at most {MAX_OFFICERS} officers per roll call", field="officers")
    jurisdiction = payload.get("jurisdiction", "chicago")
    if not isinstance(jurisdiction, str) or not jurisdiction:
        raise InvalidRequest(
            f"jurisdiction must be the name of a pack, e.g. chicago; got {jurisdiction!r}",
            field="jurisdiction",
        )
    return RollCall(
        jurisdiction=jurisdiction,
        unit=_whole(payload.get("unit"), "unit", 0, 9999),
        watch=watch,
        inspected_at=_moment(payload.get("inspected_at")),
        officers=tuple(_officer(o, n) for n, o in enumerate(officers)),
    )


def appearance_case(roll_call: RollCall, check: OfficerCheck) -> dict[str, Any]:
    """The case of one officer at the roll call, as a CPD member."""
    return {
        "jurisdiction": roll_call.jurisdiction,
        "at": roll_call.inspected_at,
        "kind": "appearance",
        "facts": {**check.facts, "officer_type": "local"},
    }


def failures(decision: Mapping[str, Any]) -> list[str]:
    """Why a decision is a failure: the deciding reasons with their cites, and open questions.
    Empty for a permitted decision."""
    if decision.get("outcome") == "permitted":
        return []
    found = [
        f"{r.get('text', '')} [{', '.join(r.get('cites', []))}]".strip()
        for r in decision.get("reasons", [])
    ]
    found += [
        f"open question: {q.get('text') or q.get('fact')}" for q in decision.get("questions", [])
    ]
    return found or [f"outcome {decision.get('outcome')}"]
