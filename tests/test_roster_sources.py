"""Reading roster files: kinds told by header, every malformed row rejected with its reason,
and profiles linked to roster rows only on unambiguous evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from brightline.errors import InvalidRequest
from brightline.roster.linking import LinkKey, link_profiles
from brightline.roster.records import PROFILES, ROSTER
from brightline.roster.sources import read_file, roster_files
from test_roster_support import write_csv

ROSTER_HEADER = [
    "row_id",
    "race",
    "gender",
    "birth_year",
    "current_age",
    "status",
    "rank",
    "appointed_date",
    "resignation_date",
    "vacate_date",
    "vacate_description",
    "unit",
    "unit_description",
    "star1",
    "star2",
    "star3",
    "star4",
    "star5",
    "star6",
    "star7",
    "first_name",
    "first_name_NS",
    "last_name",
    "last_name_NS",
    "middle_initial",
    "middle_initial2",
    "suffix_name",
    "roster_test_ID",
]


def roster_row(key: str, **changes: str) -> dict[str, str]:
    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        row_id=key,
        roster_test_ID=key,
        race="WHITE",
        gender="MALE",
        birth_year="1971.0",
        status="Y",
        rank="9161 - POLICE OFFICER",
        appointed_date="2005-09-26",
        unit="16",
        unit_description="16TH DISTRICT - JEFFERSON PARK",
        star1="13001.0",
        first_name="ARTHUR",
        first_name_NS="ARTHUR",
        last_name="MC HUGH",
        last_name_NS="MCHUGH",
    )
    row.update(changes)
    return row


def test_a_roster_row_becomes_an_officer_with_every_star(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster_test.csv",
        ROSTER_HEADER,
        [roster_row("1", star2="596.0", star5="1424.0", resignation_date="")],
    )
    parsed = read_file(path)
    assert (parsed.kind, parsed.source, parsed.rows_read) == (ROSTER, "roster:roster_test", 1)
    officer = parsed.officers[0]
    assert (officer.rank_code, officer.rank, officer.unit) == ("9161", "POLICE OFFICER", 16)
    assert (officer.last_name, officer.last_ns) == ("MC HUGH", "MCHUGH")
    assert [(s.field, s.star) for s in officer.stars] == [
        ("star1", 13001),
        ("star2", 596),
        ("star5", 1424),
    ]
    assert officer.appointed_date == date(2005, 9, 26)
    assert not hasattr(officer, "race") and not hasattr(officer, "birth_year")
    assert [(u.unit, u.description) for u in parsed.units] == [
        (16, "16TH DISTRICT - JEFFERSON PARK")
    ]


@pytest.mark.parametrize(
    ("changes", "kind", "reason"),
    [
        ({"status": "MAYBE"}, "bad_status", "'MAYBE' is not Y or N"),
        ({"star2": "12A4"}, "bad_star", "star2: '12A4' is not a number"),
        ({"star1": "-5"}, "bad_star", "not a positive whole number"),
        ({"appointed_date": "26/09/2005"}, "bad_date", "appointed_date"),
        ({"last_name": ""}, "missing_name", "last_name is empty"),
        ({"unit": "sixteen"}, "bad_unit", "'sixteen' is not a number"),
        ({"row_id": "", "roster_test_ID": ""}, "missing_key", "empty"),
    ],
)
def test_a_malformed_row_is_rejected_with_its_reason(
    tmp_path: Path, changes: dict[str, str], kind: str, reason: str
) -> None:
    rows = [roster_row("1"), roster_row("2", **changes), roster_row("3")]
    parsed = read_file(write_csv(tmp_path / "roster_test.csv", ROSTER_HEADER, rows))
    assert parsed.rows_read == 3
    assert [o.source_key for o in parsed.officers] == ["1", "3"]
    [rejection] = parsed.rejections
    assert (rejection.kind, rejection.line) == (kind, 3)
    assert reason in rejection.reason


def test_a_repeated_key_is_rejected_not_merged(tmp_path: Path) -> None:
    rows = [roster_row("7"), roster_row("7", first_name="OTHER")]
    parsed = read_file(write_csv(tmp_path / "roster_test.csv", ROSTER_HEADER, rows))
    assert [o.first_name for o in parsed.officers] == ["ARTHUR"]
    assert [r.kind for r in parsed.rejections] == ["duplicate_key"]


def test_an_unknown_file_is_refused_naming_the_expected_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "other.csv", ["a", "b"], [{"a": "1", "b": "2"}])
    with pytest.raises(InvalidRequest, match=r"not a roster file.*star1"):
        read_file(path)
    with pytest.raises(InvalidRequest, match="no such file or directory"):
        roster_files([tmp_path / "missing"])


def test_profiles_read_two_digit_years_with_the_birth_year(tmp_path: Path) -> None:
    header = [
        "UID", "first_name", "last_name", "middle_initial", "suffix_name", "birth_year",
        "appointed_date", "resignation_date", "current_status", "current_star", "current_unit",
        "cleaned_rank", "officer_id",
    ]  # fmt: skip
    rows = [
        {"UID": "100001", "first_name": "A", "last_name": "BRODERSON", "middle_initial": "F",
         "suffix_name": "", "birth_year": "1926", "appointed_date": "6/3/50",
         "resignation_date": "3/10/80", "current_status": "0", "current_star": "",
         "current_unit": "", "cleaned_rank": "", "officer_id": "2863"},
        {"UID": "137572", "first_name": "LEIGHA", "last_name": "WILSON", "middle_initial": "M",
         "suffix_name": "", "birth_year": "1966", "appointed_date": "3/1/22",
         "resignation_date": "", "current_status": "1", "current_star": "4410",
         "current_unit": "123", "cleaned_rank": "Investigator", "officer_id": "37702"},
    ]  # fmt: skip
    parsed = read_file(write_csv(tmp_path / "final-profiles.csv", header, rows))
    assert parsed.kind == PROFILES
    first, second = parsed.officers
    assert (first.appointed_date, first.resigned_date) == (date(1950, 6, 3), date(1980, 3, 10))
    assert second.appointed_date == date(2022, 3, 1)
    assert [(s.field, s.star) for s in second.stars] == [("current_star", 4410)]
    assert (second.rank, second.unit, second.active, second.cpdp_id) == (
        "INVESTIGATOR",
        123,
        True,
        37702,
    )


def _key(key: str, first: str, last: str, day: date | None, *stars: int) -> LinkKey:
    return LinkKey(key, first, last, day, frozenset(stars))


def test_profiles_link_only_on_unambiguous_evidence() -> None:
    day, other = date(2005, 9, 26), date(2017, 1, 1)
    roster = [
        _key("r1", "JEFFERY", "AARON", day, 13001),
        _key("r2", "JOHN", "SMITH", other, 1),
        _key("r3", "JOHN", "SMITH", other, 2),
        _key("r4", "KARINA", "AARON", day, 20373),
    ]
    profiles = [
        _key("p1", "JEFFERY", "AARON", day, 1424),  # name and date: unique on both sides
        _key("p2", "JOHN", "SMITH", other, 1),  # two roster rows share name and date
        _key("p4", "KARINNA", "AARON", day, 20373),  # misspelt first name, but star agrees
    ]
    assert link_profiles(profiles, roster) == {
        "p1": ("r1", "name+appointed"),
        "p2": ("r2", "last+appointed+star"),
        "p4": ("r4", "last+appointed+star"),
    }
    ambiguous = [*profiles, _key("p5", "JOHN", "SMITH", other, 1)]
    assert "p2" not in link_profiles(ambiguous, roster)
