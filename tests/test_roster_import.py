"""The real CPD roster in the store: counts after import, a second import changing nothing,
recycled stars returning every holder, name search, and public views without demographics.

The full import (about 170,000 rows) runs once, on SQLite; the storage tests that run on both
SQLite and PostgreSQL import a real-data subset (see ``test_officers_store.py``).
"""

from __future__ import annotations

import csv
import fcntl
import gzip
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from brightline.errors import InvalidRequest
from brightline.service import Service
from brightline.service.officers import find_officers, import_roster, roster_index, roster_summary
from brightline.store.tables_roster import (
    roster_officers,
    roster_stars,
    roster_unit_history,
    roster_units,
)
from test_roster_support import ROSTER_FILE

SHARED = Path(
    os.environ.get("BRIGHTLINE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")
)
DEMOGRAPHIC = {"race", "gender", "sex", "birth_year", "current_age", "age"}
PUBLIC_FIELDS = {
    "id",
    "name",
    "first_name",
    "last_name",
    "stars",
    "current_star",
    "rank",
    "unit",
    "unit_description",
    "active",
    "appointed_year",
    "sources",
}


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run shared by its xdist workers (the worker's own one without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, Any]]]:
    """The full roster imported into one SQLite file per test run: the first worker to get
    the lock imports, the others open the same file."""
    folder = _run_folder(tmp_path_factory)
    done = folder / "roster-full.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIGHTLINE_DATA_DIR", str(folder / "roster-var"))
        patch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
        with open(folder / "roster-full.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            service = Service.open(f"sqlite:///{folder / 'roster-full.db'}")
            if not done.exists():
                report = import_roster(service.engine, [SHARED / "data" / "cpd-roster"])
                done.write_text(json.dumps(report))
        yield service, json.loads(done.read_text())
        service.close()


def _counts(service: Service) -> dict[str, int]:
    tables = (roster_officers, roster_stars, roster_unit_history, roster_units)
    with service.reading() as conn:
        found = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
        }
        found["links"] = conn.execute(
            select(func.count())
            .select_from(roster_officers)
            .where(roster_officers.c.same_as.isnot(None))
        ).scalar_one()
    return found


def test_counts_after_import(full: tuple[Service, dict[str, Any]]) -> None:
    service, report = full
    by_kind = {f["kind"]: f for f in report["files"]}
    assert by_kind["roster"]["rows_read"] == by_kind["roster"]["imported"] == 12_418
    assert by_kind["profiles"]["imported"] == 37_545
    assert by_kind["unit_history"]["imported"] == 119_041
    assert by_kind["unit_reference"]["rejections"]["former_name"]["count"] == 14
    counts = _counts(service)
    assert counts["roster_officers"] == 12_418 + 37_545
    # 18,134 star cells in the roster's star1..star7 and 30,242 current stars in the profiles
    assert counts["roster_stars"] == 18_134 + 30_242
    assert counts["roster_unit_history"] == 119_041
    assert counts["links"] == report["linked"] > 12_000
    summary = roster_summary(service)
    assert summary["officers"] == counts["roster_officers"] - counts["links"]


def test_a_second_import_changes_nothing(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    before = _counts(service)
    again = import_roster(service.engine, [SHARED / "data" / "cpd-roster"])
    assert again["totals"]["imported"] == 0 and again["linked"] == 0
    assert (
        again["totals"]["unchanged"] == again["totals"]["rows_read"] - again["totals"]["rejected"]
    )
    assert _counts(service) == before


def _active_star1_holders(shared: Path) -> dict[int, set[str]]:
    """star1 value → roster row ids of the active officers holding it, where 2 or more do."""
    holders: dict[int, set[str]] = defaultdict(set)
    with gzip.open(shared / "data" / "cpd-roster" / ROSTER_FILE, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status"] == "Y" and row["star1"]:
                holders[int(float(row["star1"]))].add(row["roster_1985-2023_2023-11_p891976_ID"])
    return {star: rows for star, rows in holders.items() if len(rows) > 1}


def test_recycled_stars_return_every_holder(
    full: tuple[Service, dict[str, Any]], shared_dir: Path
) -> None:
    service, _ = full
    shared = _active_star1_holders(shared_dir)
    assert len(shared) == 1_314  # as the data README counts
    o = roster_officers
    with service.reading() as conn:
        ids = dict(
            conn.execute(select(o.c.source_key, o.c.id).where(o.c.source.like("roster:%"))).all()
        )
    for star, rows in shared.items():
        found = {p["id"] for p in find_officers(service, star=star, limit=200)["results"]}
        assert {ids[r] for r in rows} <= found, star


def test_star_13001_lists_the_lieutenant_and_the_officer(
    full: tuple[Service, dict[str, Any]],
) -> None:
    service, _ = full
    found = find_officers(service, star="13001")
    people = {(p["last_name"], p["rank"], p["appointed_year"]) for p in found["results"]}
    assert ("AARON", "LIEUTENANT OF POLICE", 2005) in people
    assert any(rank == "POLICE OFFICER" and year == 2017 for _, rank, year in people)
    assert found["count"] == len(found["results"]) >= 2
    lieutenant = next(p for p in found["results"] if p["last_name"] == "AARON")
    assert 13001 in lieutenant["stars"] and lieutenant["star_is_current"] is False


@pytest.mark.parametrize(
    ("typed", "tier", "expected_last"),
    [
        ("Mchugh", "exact", "MC HUGH"),
        ("mc hugh", "exact", "MC HUGH"),
        ("MCHUGH", "exact", "MCHUGH"),
        ("Smith, John", "exact", "SMITH"),
        ("john smith", "exact", "SMITH"),
        ("Wiliamson", "sound", "WILLIAMSON"),
        ("Smiht", "close", "SMITH"),
        ("Rodriguezz", "sound", "RODRIGUEZ"),
        ("Jefery Aaron", "close", "AARON"),
        ("Kowalsk", "sound", "KOWALSKI"),
        ("Kowals", "prefix", "KOWALSKI"),
    ],
)
def test_name_search_examples(
    full: tuple[Service, dict[str, Any]], typed: str, tier: str, expected_last: str
) -> None:
    service, _ = full
    found = find_officers(service, name=typed, limit=200)
    assert found["name_match"] == tier
    assert expected_last in {p["last_name"] for p in found["results"]}


def test_typos_swaps_and_spanish_surname_variants_are_found(
    full: tuple[Service, dict[str, Any]],
) -> None:
    """The misses residents met: a swapped pair of letters, a first name typed "Jhon", and the
    Spanish surname spellings that used to hide each other (S/Z, Q/G)."""
    service, _ = full
    john = find_officers(service, name="Jhon Smith", limit=200)
    assert any(p["first_name"] == "JOHN" and p["last_name"] == "SMITH" for p in john["results"])
    gonzales = find_officers(service, name="Gonzales", limit=200)
    lasts = [p["last_name"] for p in gonzales["results"]]
    assert gonzales["name_match"] == "exact" and "GONZALEZ" in gonzales["spellings"]
    assert lasts[0] == "GONZALES" and lasts.count("GONZALEZ") > lasts.count("GONZALES")
    assert lasts.count("GONZALEZ") > 100  # none hidden behind the exact spelling
    rodriquez = find_officers(service, name="Rodriquez", limit=200)
    assert "RODRIGUEZ" in rodriquez["spellings"]
    assert sum(p["last_name"] == "RODRIGUEZ" for p in rodriquez["results"]) > 150
    aaron = find_officers(service, name="Aaron", limit=200)
    assert "ARENA" not in {p["last_name"] for p in aaron["results"]}  # sound alone is not enough


def test_rank_and_status_filters_and_a_shared_star(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    found = find_officers(service, unit=16, rank="SERGEANT OF POLICE", status="active", limit=200)
    assert found["count"] > 0
    assert all(p["rank"] == "SERGEANT OF POLICE" and p["active"] for p in found["results"])
    with pytest.raises(InvalidRequest, match="status must be one of active, inactive"):
        find_officers(service, unit=16, status="retired")
    with pytest.raises(InvalidRequest, match="is not a rank of the roster"):
        find_officers(service, unit=16, rank="Admiral")
    index = roster_index(service)
    holders: Counter[int] = Counter()
    for person in index.people.values():
        if person.active:
            holders.update(set(person.star_numbers()))
    shared = next(star for star, n in holders.items() if n > 1)
    answer = find_officers(service, star=shared)
    assert answer["shared_star"] == {"star": shared, "active_holders": holders[shared]}
    alone = next(star for star, n in holders.items() if n == 1)
    assert find_officers(service, star=alone)["shared_star"] is None


def test_name_and_unit_narrow_each_other(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    in_unit = find_officers(service, unit=16, limit=200)
    assert in_unit["count"] > 200 and all(p["unit"] == 16 for p in in_unit["results"])
    actives = [p["active"] for p in in_unit["results"]]
    assert actives == sorted(actives, reverse=True)  # active officers first
    both = find_officers(service, name="Aaron", unit=16)
    assert [p["name"] for p in both["results"]] == ["JEFFERY M AARON"]


def test_no_match_explains_what_it_can_mean(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    found = find_officers(service, name="Zzyzx Qqq")
    assert found["count"] == 0 and found["results"] == []
    text = " ".join(found["help"]["what_it_can_mean"] + found["help"]["how_to_tell"])
    assert "federal agent" in text and "recent hire" in text and "ICE" in text
    assert found["help"]["report"]["href"] == "/report"


def test_public_views_carry_no_demographic_field(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    for query in ({"star": 13001}, {"name": "Aaron"}, {"unit": 44}):
        for person in find_officers(service, **query)["results"]:
            assert set(person) - {"star_is_current"} == PUBLIC_FIELDS
            assert not DEMOGRAPHIC & set(person)
    stored = {c["name"] for c in inspect(service.engine).get_columns("roster_officers")}
    assert not DEMOGRAPHIC & stored  # not even kept


def test_status_comes_from_the_newest_source(full: tuple[Service, dict[str, Any]]) -> None:
    service, _ = full
    found = find_officers(service, unit=16, limit=200, offset=0)
    sources = Counter(len(p["sources"]) for p in found["results"])
    assert sources[2] > 0  # roster rows shown with their linked profile, once
