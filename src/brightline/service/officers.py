"""Officers: the CPD roster in the store, "Is this a CPD officer?" lookups and roll-call checks.

Functions take the :class:`~brightline.service.core.Service` (import takes an engine, so the
command line can load a roster without opening the ledger):

- :func:`import_roster` / :func:`import_roster_if_empty`: load roster, profiles, unit names and
  unit history; idempotent (rows are keyed by source and source key; a second run inserts nothing).
- :func:`find_officers`: by star, name and/or unit, every match, public fields only.
- :func:`record_roll_call`: a supervisor's inspection of the officers on a watch; each officer's
  record is decided by the pack's ``appearance`` rules and logged to the ledger (kind
  ``inspection``) with its ``roster_inspections`` row in the same transaction.
- :func:`inspection_failures`, :func:`compliance_by_unit` and their CSV forms.

Demographics (race, gender, birth year, age) are not stored at all, so no view can select them.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.engine import Engine

from brightline.errors import InvalidRequest, NotFound
from brightline.roster.index import NameSearch, Person, RosterIndex, StarHolding
from brightline.roster.linking import LinkKey, link_profiles
from brightline.roster.names import squash
from brightline.roster.records import (
    PROFILES,
    ROSTER,
    UNIT_HISTORY,
    UNIT_REFERENCE,
    OfficerRow,
    ParsedFile,
)
from brightline.roster.rollcall import (
    APPEARANCE_FACTS,
    MAX_OFFICERS,
    WATCHES,
    appearance_case,
    failures,
    parse_roll_call,
)
from brightline.roster.sources import read_file, roster_files
from brightline.service.actors import Actor, require
from brightline.service.stamps import iso, utc_now
from brightline.store.tables_roster import (
    roster_inspections,
    roster_officers,
    roster_stars,
    roster_unit_history,
    roster_units,
)

if TYPE_CHECKING:
    from brightline.service.core import Service

# Files are imported in this order: unit names, then officers, then what refers to officers.
IMPORT_ORDER = (UNIT_REFERENCE, ROSTER, PROFILES, UNIT_HISTORY)
# A unit name from the newer source replaces one from the older.
UNIT_PRIORITY = {UNIT_REFERENCE: 0, ROSTER: 1}
MAX_RESULTS = 200
INDEX_RECHECK_SECONDS = 5.0
MAX_CACHED_INDEXES = 4

NO_MATCH_HELP = {
    "summary": "No CPD officer in the roster matches what you entered.",
    "what_it_can_mean": [
        "The person may be a federal agent (ICE, CBP, HSI, FBI, DEA, ATF, US Marshals) or an "
        "officer of another agency (Illinois State Police, Cook County Sheriff, a suburban "
        "department, campus or transit police); they are not in the CPD roster.",
        "The officer may be a recent hire: this roster is the November 2023 CPD roster plus "
        "profiles merged up to October 2024.",
        "The star number or name may have been misread or mistyped; try the name, or part of it.",
    ],
    "how_to_tell": [
        "CPD members in uniform wear a star (badge) with their star number and a name plate, and "
        "CPD vehicles are marked Chicago Police. Chicago's orders require CPD members to show "
        "name and star and forbid masks that hide identity.",
        "Federal personnel usually wear vests or jackets marked POLICE with ICE, ERO, HSI, "
        "BORDER PATROL, FBI or DEA, and often drive unmarked cars, sometimes with out-of-state "
        "plates.",
    ],
    "report": {
        "href": "/report",
        "text": "Report a masked or unidentified officer, or CPD help to an immigration "
        "operation, and get a receipt.",
    },
}


# ------------------------------------------------------------------------------------------
# Import
# ------------------------------------------------------------------------------------------


def import_roster(engine: Engine, paths: Sequence[Path | str]) -> dict[str, Any]:
    """Load the roster files at ``paths`` (files or directories) in one transaction.

    Returns ``{"files": [{path, kind, source, rows_read, imported, unchanged, rejected,
    rejections: {kind: {count, example}}}], "linked": n, "totals": {...}}``."""
    files = roster_files([Path(p) for p in paths])
    parsed = sorted((read_file(f) for f in files), key=lambda p: IMPORT_ORDER.index(p.kind))
    reports = []
    options = {"sqlite_begin": "IMMEDIATE"}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        for one in parsed:
            reports.append(_IMPORTERS[one.kind](conn, one))
        linked = _link(conn)
    totals = _totals(reports)
    if totals["imported"] or linked:
        _forget_index(engine)
    return {"files": reports, "linked": linked, "totals": totals}


def _totals(reports: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("rows_read", "imported", "unchanged", "rejected")
    return {k: sum(int(r[k]) for r in reports) for k in keys}


def _file_report(parsed: ParsedFile, imported: int, unchanged: int) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {}
    for rejection in parsed.rejections:
        entry = kinds.setdefault(rejection.kind, {"count": 0, "example": ""})
        entry["count"] += 1
        if not entry["example"]:
            entry["example"] = f"{rejection.file} line {rejection.line}: {rejection.reason}"
    return {
        "path": parsed.path,
        "kind": parsed.kind,
        "source": parsed.source,
        "rows_read": parsed.rows_read,
        "imported": imported,
        "unchanged": unchanged,
        "rejected": len(parsed.rejections),
        "rejections": kinds,
    }


def _import_units(conn: Connection, parsed: ParsedFile) -> tuple[int, int]:
    """Insert new unit names, replace older-source names; returns (imported, unchanged)."""
    existing = {r.unit: (r.description, r.source) for r in conn.execute(select(roster_units))}
    fresh: list[dict[str, Any]] = []
    changed = 0
    for unit in parsed.units:
        old = existing.get(unit.unit)
        if old is None:
            fresh.append(
                {"unit": unit.unit, "description": unit.description, "source": unit.source}
            )
            existing[unit.unit] = (unit.description, unit.source)
        elif _outranks(unit.source, old[1]) and old[0] != unit.description:
            conn.execute(
                update(roster_units)
                .where(roster_units.c.unit == unit.unit)
                .values(description=unit.description, source=unit.source)
            )
            existing[unit.unit] = (unit.description, unit.source)
            changed += 1
    if fresh:
        conn.execute(insert(roster_units), fresh)
    return len(fresh) + changed, len(parsed.units) - len(fresh) - changed


def _outranks(new_source: str, old_source: str) -> bool:
    def rank(source: str) -> int:
        return UNIT_PRIORITY.get(source.split(":", 1)[0], -1)

    return rank(new_source) > rank(old_source)


def _import_unit_file(conn: Connection, parsed: ParsedFile) -> dict[str, Any]:
    imported, unchanged = _import_units(conn, parsed)
    return _file_report(parsed, imported, unchanged)


def _officer_values(row: OfficerRow) -> dict[str, Any]:
    return {
        "source": row.source,
        "source_key": row.source_key,
        "first_name": row.first_name,
        "middle_initial": row.middle_initial,
        "last_name": row.last_name,
        "suffix": row.suffix,
        "first_ns": row.first_ns,
        "last_ns": row.last_ns,
        "rank": row.rank,
        "rank_code": row.rank_code,
        "unit": row.unit,
        "active": row.active,
        "appointed_date": row.appointed_date,
        "resigned_date": row.resigned_date,
        "cpdp_id": row.cpdp_id,
    }


def _keys_of(conn: Connection, source: str) -> dict[str, int]:
    query = select(roster_officers.c.source_key, roster_officers.c.id).where(
        roster_officers.c.source == source
    )
    return {key: oid for key, oid in conn.execute(query)}


def _import_officer_file(conn: Connection, parsed: ParsedFile) -> dict[str, Any]:
    known = _keys_of(conn, parsed.source)
    fresh = [o for o in parsed.officers if o.source_key not in known]
    if fresh:
        conn.execute(insert(roster_officers), [_officer_values(o) for o in fresh])
        ids = _keys_of(conn, parsed.source)
        stars = [
            {"officer_id": ids[o.source_key], "star": s.star, "source": o.source, "field": s.field}
            for o in fresh
            for s in o.stars
        ]
        if stars:
            conn.execute(insert(roster_stars), stars)
    if parsed.kind == ROSTER:
        _import_units(conn, parsed)
    return _file_report(parsed, len(fresh), len(parsed.officers) - len(fresh))


def _profile_ids(conn: Connection) -> dict[str, int]:
    query = select(roster_officers.c.source_key, roster_officers.c.id).where(
        roster_officers.c.source.like(f"{PROFILES}:%")
    )
    return {key: oid for key, oid in conn.execute(query)}


def _import_history_file(conn: Connection, parsed: ParsedFile) -> dict[str, Any]:
    from brightline.roster.records import Rejection

    profiles = _profile_ids(conn)
    done = set(conn.execute(select(roster_unit_history.c.officer_id).distinct()).scalars())
    fresh, unchanged, missing = [], 0, 0
    for row in parsed.history:
        officer = profiles.get(row.profile_key)
        if officer is None:
            missing += 1
            parsed.rejections.append(
                Rejection(
                    Path(parsed.path).name,
                    row.line,
                    "unknown_officer",
                    f"UID {row.profile_key} is not in any imported profiles file",
                )
            )
        elif officer in done:
            unchanged += 1
        else:
            fresh.append(
                {
                    "officer_id": officer,
                    "seq": row.seq,
                    "unit": row.unit,
                    "start_date": row.start_date,
                    "end_date": row.end_date,
                }
            )
    if fresh:
        conn.execute(insert(roster_unit_history), fresh)
    return _file_report(parsed, len(fresh), unchanged)


_IMPORTERS = {
    UNIT_REFERENCE: _import_unit_file,
    ROSTER: _import_officer_file,
    PROFILES: _import_officer_file,
    UNIT_HISTORY: _import_history_file,
}


def _link(conn: Connection) -> int:
    """Link profiles to roster rows (see :mod:`brightline.roster.linking`); returns how many
    links were added or changed (0 on a second run)."""
    o = roster_officers
    stars: dict[int, set[int]] = defaultdict(set)
    for oid, star in conn.execute(select(roster_stars.c.officer_id, roster_stars.c.star)):
        stars[oid].add(star)
    rows = conn.execute(
        select(o.c.id, o.c.source, o.c.first_ns, o.c.last_ns, o.c.appointed_date, o.c.same_as)
    ).all()
    keys = {
        r.id: LinkKey(str(r.id), r.first_ns, r.last_ns, r.appointed_date, frozenset(stars[r.id]))
        for r in rows
    }
    profiles = [keys[r.id] for r in rows if r.source.startswith(f"{PROFILES}:")]
    roster = [keys[r.id] for r in rows if r.source.startswith(f"{ROSTER}:")]
    links = link_profiles(profiles, roster)
    current = {str(r.id): r.same_as for r in rows}
    changes = [
        {"pid": int(profile), "target": int(target), "basis": basis}
        for profile, (target, basis) in links.items()
        if current[profile] != int(target)
    ]
    if changes:
        statement = (
            update(o)
            .where(o.c.id == bindparam("pid"))
            .values(same_as=bindparam("target"), link_basis=bindparam("basis"))
        )
        conn.execute(statement, changes)
    return len(changes)


def import_roster_at(url: str | None, paths: Sequence[Path | str]) -> dict[str, Any]:
    """Migrate the database at ``url`` (default: the settings') and import the roster files
    there, without opening the ledger (the command line's ``roster import``)."""
    from brightline.store import database_url, make_engine, migrate

    url = database_url(url)
    migrate(url)
    engine = make_engine(url)
    try:
        return import_roster(engine, paths)
    finally:
        engine.dispose()


def import_roster_if_empty(service: Service, roster_dir: Path | str) -> dict[str, Any]:
    """Import ``roster_dir`` unless officers are already stored (then only counts)."""
    with service.reading() as conn:
        stored = conn.execute(select(func.count()).select_from(roster_officers)).scalar_one()
    if stored:
        return {"skipped": True, "officers": int(stored)}
    report = import_roster(service.engine, [roster_dir])
    return {"skipped": False, **report}


# ------------------------------------------------------------------------------------------
# The lookup index
# ------------------------------------------------------------------------------------------

_INDEXES: dict[str, tuple[tuple[int, ...], float, RosterIndex]] = {}
_INDEX_LOCK = threading.Lock()


def _engine_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _forget_index(engine: Engine) -> None:
    with _INDEX_LOCK:
        _INDEXES.pop(_engine_key(engine), None)


def _stamp(conn: Connection) -> tuple[int, ...]:
    o = roster_officers
    row = conn.execute(
        select(func.count(), func.coalesce(func.max(o.c.id), 0), func.count(o.c.same_as))
    ).one()
    units = conn.execute(select(func.count()).select_from(roster_units)).scalar_one()
    return (int(row[0]), int(row[1]), int(row[2]), int(units))


def roster_index(service: Service) -> RosterIndex:
    """The in-memory index of the stored roster, rebuilt when the stored roster changed
    (checked at most every few seconds)."""
    key = _engine_key(service.engine)
    cached = _INDEXES.get(key)
    now = time.monotonic()
    if cached and now - cached[1] < INDEX_RECHECK_SECONDS:
        return cached[2]
    with _INDEX_LOCK, service.reading() as conn:
        stamp = _stamp(conn)
        cached = _INDEXES.get(key)
        if cached and cached[0] == stamp:
            _INDEXES[key] = (stamp, now, cached[2])
            return cached[2]
        index = RosterIndex(load_people(conn))
        _INDEXES[key] = (stamp, now, index)
        while len(_INDEXES) > MAX_CACHED_INDEXES:  # oldest first: dicts keep insertion order
            _INDEXES.pop(next(iter(_INDEXES)))
        return index


def load_people(conn: Connection) -> list[Person]:
    """Every officer as the public sees them: each roster row with the profiles linked to it,
    and each unlinked profile on its own. Only public columns are selected."""
    o = roster_officers
    units = dict(conn.execute(select(roster_units.c.unit, roster_units.c.description)).all())
    holdings: dict[int, list[StarHolding]] = defaultdict(list)
    star_rows = conn.execute(
        select(roster_stars.c.officer_id, roster_stars.c.star, o.c.source, roster_stars.c.field)
        .join(o, o.c.id == roster_stars.c.officer_id)
        .order_by(roster_stars.c.officer_id, roster_stars.c.field)
    )
    for oid, star, source, field in star_rows:
        holdings[oid].append(StarHolding(star, source, field))
    columns = [o.c[name] for name in _PUBLIC_COLUMNS]
    rows = conn.execute(select(*columns).order_by(o.c.id)).all()
    linked: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row.same_as is not None:
            linked[row.same_as].append(row)
    return [_person(r, linked[r.id], holdings, units) for r in rows if r.same_as is None]


_PUBLIC_COLUMNS = (
    "id",
    "source",
    "first_name",
    "middle_initial",
    "last_name",
    "suffix",
    "first_ns",
    "last_ns",
    "rank",
    "unit",
    "active",
    "appointed_date",
    "same_as",
)


def _person(
    row: Any,
    links: list[Any],
    holdings: Mapping[int, list[StarHolding]],
    units: Mapping[int, str],
) -> Person:
    """A roster row with its linked profiles: the profiles add stars, and their status is the
    newer one (they merge every later FOIA set)."""
    stars = [s for r in (row, *links) for s in holdings.get(r.id, ())]
    current = next((s.star for s in stars if s.field == "current_star"), None)
    active = links[0].active if links else row.active
    return Person(
        id=row.id,
        first_name=row.first_name,
        middle_initial=row.middle_initial,
        last_name=row.last_name,
        suffix=row.suffix,
        first_ns=row.first_ns,
        last_ns=row.last_ns,
        rank=row.rank,
        unit=row.unit,
        unit_description=units.get(row.unit, "") if row.unit is not None else "",
        active=bool(active),
        appointed_year=row.appointed_date.year if row.appointed_date else None,
        stars=tuple(stars),
        current_star=current,
        sources=tuple(dict.fromkeys(r.source for r in (row, *links))),
    )


# ------------------------------------------------------------------------------------------
# Lookups
# ------------------------------------------------------------------------------------------


def _query_number(field: str, value: Any, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lstrip("#")
    if not text.isdigit() or not 0 <= int(text) <= high:
        raise InvalidRequest(
            f"{field} must be a whole number from 0 to {high} (digits only), got {str(value)[:40]!r}",
            field=field,
            got=str(value)[:40],
        )
    return int(text)


def _query_name(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if len(text) > 80:
        raise InvalidRequest("name must be at most 80 characters", field="name")
    if len(squash(text)) < 2:
        raise InvalidRequest(
            f"name must contain at least 2 letters, got {text[:40]!r}", field="name", got=text[:40]
        )
    return text


def find_officers(
    service: Service,
    *,
    star: Any = None,
    name: Any = None,
    unit: Any = None,
    limit: Any = 50,
    offset: Any = 0,
    rank: Any = None,
    status: Any = None,
) -> dict[str, Any]:
    """Every officer matching all the criteria given (star, name, unit; narrowed by rank and
    status), public fields only, best name matches first.

    Returns ``{"query", "count", "results", "name_match", "spellings", "shared_star", "help"}``:
    ``name_match`` says how the name matched (exact, sound, prefix, close); ``spellings`` the
    other last names found (for "did you mean"); ``shared_star`` is set when two or more active
    officers hold the star asked for; ``help`` explains a miss (None when something matched).
    """
    star_n = _query_number("star", star, 9_999_999)
    unit_n = _query_number("unit", unit, 9999)
    name_t = _query_name(name)
    if star_n is None and unit_n is None and name_t is None:
        raise InvalidRequest(
            "give at least one of star, name or unit",
            field="query",
            allowed=["star", "name", "unit"],
        )
    limit_n = _page_value("limit", limit, 1, MAX_RESULTS)
    offset_n = _page_value("offset", offset, 0, 10**6)
    index = roster_index(service)
    rank_t = _rank_arg(index, rank)
    status_t = _status_arg(status)
    people, search = _matching(index, star_n, name_t, unit_n)
    if rank_t is not None:
        people = [p for p in people if p.rank == rank_t]
    if status_t is not None:
        people = [p for p in people if p.active == (status_t == "active")]
    shown = people[offset_n : offset_n + limit_n]
    holders = [p for p in index.by_star(star_n) if p.active] if star_n is not None else []
    return {
        "query": {
            "star": star_n,
            "name": name_t,
            "unit": unit_n,
            "rank": rank_t,
            "status": status_t,
        },
        "count": len(people),
        "limit": limit_n,
        "offset": offset_n,
        "name_match": search.tier if search else None,
        "spellings": list(search.spellings[:5]) if search else [],
        "shared_star": (
            {"star": star_n, "active_holders": len(holders)} if len(holders) > 1 else None
        ),
        "results": [_view(p, star_n) for p in shown],
        "help": None if people else _no_match_help(len(index)),
        "roster_size": len(index),
    }


STATUSES = ("active", "inactive")


def _status_arg(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if str(value) not in STATUSES:
        raise InvalidRequest(
            f"status must be one of {', '.join(STATUSES)}, got {str(value)[:20]!r}",
            field="status",
            allowed=list(STATUSES),
        )
    return str(value)


def _rank_arg(index: RosterIndex, value: Any) -> str | None:
    if value is None or value == "":
        return None
    ranks = index.ranks()
    text = str(value).strip().upper()
    if text not in ranks:
        raise InvalidRequest(
            f"rank {str(value)[:40]!r} is not a rank of the roster; allowed: {', '.join(ranks)}",
            field="rank",
            allowed=ranks,
        )
    return text


def officer_ranks(service: Service) -> list[str]:
    """The ranks of the roster, for a filter."""
    return roster_index(service).ranks()


def _no_match_help(roster_size: int) -> dict[str, Any]:
    if roster_size:
        return NO_MATCH_HELP
    summary = "The CPD roster has not been loaded on this server yet, so nobody can be matched."
    return {**NO_MATCH_HELP, "summary": summary}


def _page_value(field: str, value: Any, low: int, high: int) -> int:
    number = _query_number(field, value, high)
    if number is None or number < low:
        raise InvalidRequest(f"{field} must be a whole number from {low} to {high}", field=field)
    return number


def _matching(
    index: RosterIndex, star: int | None, name: str | None, unit: int | None
) -> tuple[list[Person], NameSearch | None]:
    """The people matching every criterion given, in the name search's order when a name was
    given (best matches first), else the index's order."""
    groups: list[list[Person]] = []
    search = None
    if star is not None:
        groups.append(index.by_star(star))
    if unit is not None:
        groups.append(index.by_unit(unit))
    if name is not None:
        search = index.by_name(name)
        groups.append(search.people)
    lead = search.people if search is not None else min(groups, key=len)
    others = [{p.id for p in g} for g in groups if g is not lead]
    return [p for p in lead if all(p.id in ids for ids in others)], search


def _view(person: Person, star: int | None) -> dict[str, Any]:
    view = person.public_view()
    if star is not None:
        view["star_is_current"] = (
            None if person.current_star is None else person.current_star == star
        )
    return view


def get_officer(service: Service, officer_id: Any) -> dict[str, Any]:
    """One officer's public view by id."""
    number = _query_number("officer_id", officer_id, 10**9)
    person = roster_index(service).people.get(number if number is not None else -1)
    if person is None:
        raise NotFound(f"no officer with id {officer_id}", officer_id=officer_id)
    return person.public_view()


def officer_detail(service: Service, officer_id: Any) -> dict[str, Any]:
    """One officer's page: the public view, the star numbers with where each is recorded and
    how many other officers hold it, and the assignment (unit) history, oldest first."""
    view = get_officer(service, officer_id)
    index = roster_index(service)
    person = index.people[view["id"]]
    stars = []
    seen: set[int] = set()
    for holding in sorted(person.stars, key=lambda h: h.field != "current_star"):
        if holding.star in seen:
            continue
        seen.add(holding.star)
        others = sum(1 for p in index.by_star(holding.star) if p.id != person.id)
        stars.append(
            {
                "star": holding.star,
                "current": holding.star == person.current_star,
                "field": "profile_star" if holding.field == "current_star" else "roster_star",
                "source": holding.source.split(":", 1)[0],
                "others": others,
            }
        )
    o, h = roster_officers, roster_unit_history
    with service.reading() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                select(o.c.id).where((o.c.id == person.id) | (o.c.same_as == person.id))
            )
        ]
        rows = conn.execute(
            select(h.c.unit, h.c.start_date, h.c.end_date, h.c.seq)
            .where(h.c.officer_id.in_(ids))
            .order_by(h.c.start_date, h.c.seq)
        ).all()
        wanted = {r.unit for r in rows}
        names = dict(
            conn.execute(
                select(roster_units.c.unit, roster_units.c.description).where(
                    roster_units.c.unit.in_(wanted)
                )
            ).all()
        )
    history = [
        {
            "unit": r.unit,
            "unit_description": names.get(r.unit, ""),
            "start_date": r.start_date.isoformat() if r.start_date else None,
            "end_date": r.end_date.isoformat() if r.end_date else None,
        }
        for r in rows
    ]
    return {**view, "star_history": stars, "unit_history": history}


def roster_summary(service: Service) -> dict[str, Any]:
    """Counts a reader of the lookup page may want: people, active, recycled stars, units."""
    index = roster_index(service)
    holders: dict[int, int] = defaultdict(int)
    for person in index.people.values():
        if person.active:
            for number in person.star_numbers():
                holders[number] += 1
    return {
        "officers": len(index),
        "active": sum(1 for p in index.people.values() if p.active),
        "stars_shared_by_active_officers": sum(1 for n in holders.values() if n > 1),
        "units": len(index.units()),
    }


def unit_officers(service: Service, unit: Any, *, actor: Actor) -> list[dict[str, Any]]:
    """The active officers of a unit, for a supervisor's roll-call form."""
    if not actor.can("read_inspections"):
        require(actor, "record_inspections")
    number = _query_number("unit", unit, 9999)
    if number is None:
        raise InvalidRequest("unit is required", field="unit")
    return [p.public_view() for p in roster_index(service).by_unit(number) if p.active]


# ------------------------------------------------------------------------------------------
# Roll-call inspections
# ------------------------------------------------------------------------------------------


def roll_call_shape() -> dict[str, Any]:
    """What a roll call takes: the watches, the appearance facts recorded per officer and the
    most officers in one roll call (for the API's schema and forms)."""
    return {"watches": dict(WATCHES), "facts": list(APPEARANCE_FACTS), "max_officers": MAX_OFFICERS}


def require_recorder(actor: Actor) -> None:
    """Raise unless ``actor`` may record roll-call inspections (see the permission table)."""
    require(actor, "record_inspections")


def record_roll_call(service: Service, payload: Any, *, actor: Actor) -> dict[str, Any]:
    """Decide and log every officer of a roll call. All officers are checked and decided before
    anything is logged, so bad input changes nothing. Returns ``{"unit", "watch",
    "inspected_at", "inspections": [{officer, outcome, compliant, failures, receipt}], "failed"}``.
    """
    require_recorder(actor)
    roll = parse_roll_call(payload)
    if datetime.fromisoformat(roll.inspected_at) > utc_now() + timedelta(minutes=5):
        raise InvalidRequest(
            f"inspected_at is in the future ({roll.inspected_at}): record an inspection once it "
            "has taken place",
            field="inspected_at",
        )
    index = roster_index(service)
    decided = []
    for check in roll.officers:
        person = index.people.get(check.officer_id)
        if person is None:
            raise InvalidRequest(
                f"officer_id {check.officer_id} is not an officer of the roster",
                field="officer_id",
                got=check.officer_id,
            )
        decided.append((check, person, service.decider.decide(appearance_case(roll, check))))
    results = _log_all(service, roll, decided, actor)
    return {
        "unit": roll.unit,
        "watch": roll.watch,
        "inspected_at": roll.inspected_at,
        "inspections": results,
        "failed": sum(1 for r in results if not r["compliant"]),
    }


def _log_all(
    service: Service, roll: Any, decided: list[tuple[Any, Person, dict[str, Any]]], actor: Actor
) -> list[dict[str, Any]]:
    """Log every officer's record. The appends run side by side so that the ledger's group
    commit makes one durable batch of a roll call instead of one commit per officer."""

    def log(item: tuple[Any, Person, dict[str, Any]]) -> dict[str, Any]:
        check, person, decision = item
        return _log_inspection(service, roll, check, person, decision, actor)

    if len(decided) == 1:
        return [log(decided[0])]
    with ThreadPoolExecutor(max_workers=min(16, len(decided))) as pool:
        return list(pool.map(log, decided))


def _log_inspection(
    service: Service, roll: Any, check: Any, person: Person, decision: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    from brightline.store.ledger import LEDGER_INDEX

    reasons = failures(decision)
    now = iso(utc_now())
    record = {
        "unit": roll.unit,
        "watch": roll.watch,
        "inspected_at": roll.inspected_at,
        "officer_id": person.id,
        "star": check.star,
        "case": appearance_case(roll, check),
        "decision": decision,
        "inspector": actor.to_dict(),
        "recorded_at": now,
    }
    row = {
        "ledger_index": LEDGER_INDEX,
        "inspected_at": roll.inspected_at,
        "inspected_on": roll.inspected_on,
        "unit": roll.unit,
        "watch": roll.watch,
        "officer_id": person.id,
        "star": check.star,
        "outcome": decision["outcome"],
        "compliant": not reasons,
        "failures": json.dumps(reasons),
        "inspector": actor.username or "",
        "recorded_at": now,
    }
    receipt = service.ledger.append("inspection", record, rows=[(roster_inspections, row)])
    return {
        "officer": {
            "id": person.id,
            "name": person.name,
            "star": check.star,
            "star_on_record": check.star is None or check.star in person.star_numbers(),
        },
        "outcome": decision["outcome"],
        "compliant": not reasons,
        "failures": reasons,
        "decision": decision,
        "receipt": dict(receipt.to_dict()),
    }


def _date_arg(field: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequest(
            f"{field} must be a date YYYY-MM-DD, got {str(value)[:40]!r}", field=field
        ) from None


def _watch_arg(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if str(value) not in WATCHES:
        raise InvalidRequest(
            f"watch must be one of {', '.join(WATCHES)}, got {str(value)[:20]!r}",
            field="watch",
            allowed=list(WATCHES),
        )
    return str(value)


def inspection_failures(
    service: Service,
    *,
    actor: Actor,
    unit: Any = None,
    watch: Any = None,
    since: Any = None,
    until: Any = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Failed inspections, by unit and watch then newest first."""
    require(actor, "read_inspections")
    i, o = roster_inspections, roster_officers
    where = [*_period(i, since, until), i.c.compliant.is_(False)]
    unit_n = _query_number("unit", unit, 9999)
    watch_s = _watch_arg(watch)
    if unit_n is not None:
        where.append(i.c.unit == unit_n)
    if watch_s is not None:
        where.append(i.c.watch == watch_s)
    query = (
        select(i, o.c.first_name, o.c.middle_initial, o.c.last_name, o.c.suffix)
        .join(o, o.c.id == i.c.officer_id)
        .where(*where)
        .order_by(i.c.unit, i.c.watch, i.c.inspected_at.desc(), i.c.id)
        .limit(limit)
    )
    with service.reading() as conn:
        return [_failure_row(r) for r in conn.execute(query)]


def _period(table: Any, since: Any, until: Any) -> list[Any]:
    where = []
    start, end = _date_arg("since", since), _date_arg("until", until)
    if start is not None:
        where.append(table.c.inspected_on >= start)
    if end is not None:
        where.append(table.c.inspected_on <= end)
    return where


def _failure_row(row: Any) -> dict[str, Any]:
    name = " ".join(p for p in (row.first_name, row.middle_initial, row.last_name, row.suffix) if p)
    return {
        "unit": row.unit,
        "watch": row.watch,
        "inspected_at": row.inspected_at,
        "officer_id": row.officer_id,
        "officer": name,
        "star": row.star,
        "outcome": row.outcome,
        "failures": json.loads(row.failures),
        "inspector": row.inspector,
        "ledger_index": row.ledger_index,
    }


FAILURE_COLUMNS = (
    "unit",
    "watch",
    "inspected_at",
    "officer_id",
    "officer",
    "star",
    "outcome",
    "failures",
    "inspector",
    "ledger_index",
)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text with a header; list values joined with ``; ``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                "; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                for v in (row.get(c) for c in columns)
            ]
        )
    return out.getvalue()


COMPLIANCE_COLUMNS = (
    "unit",
    "unit_description",
    "period",
    "inspected",
    "compliant",
    "failed",
    "rate",
)


def compliance_by_unit(
    service: Service, *, actor: Actor, since: Any = None, until: Any = None
) -> list[dict[str, Any]]:
    """Inspections per unit and month: inspected, compliant, failed and the compliance rate."""
    require(actor, "read_compliance")
    i = roster_inspections
    query = select(i.c.unit, i.c.inspected_on, i.c.compliant).where(*_period(i, since, until))
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    with service.reading() as conn:
        for unit, day, compliant in conn.execute(query):
            tally = counts[(unit, _month(day))]
            tally[0] += 1
            tally[1] += bool(compliant)
        names = dict(conn.execute(select(roster_units.c.unit, roster_units.c.description)).all())
    return [
        {
            "unit": unit,
            "unit_description": names.get(unit, ""),
            "period": period,
            "inspected": seen,
            "compliant": ok,
            "failed": seen - ok,
            "rate": round(ok / seen, 4),
        }
        for (unit, period), (seen, ok) in sorted(counts.items())
    ]


def _month(day: Any) -> str:
    return day.isoformat()[:7] if isinstance(day, date) else str(day)[:7]
