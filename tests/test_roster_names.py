"""Name normalisation, readings of a typed name, edit distance, two-digit years, and the
vocabulary's close-match search (checked against brute force)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightline.roster.dates import century_for, parse_iso_date, parse_short_date
from brightline.roster.names import allowed_typos, edit_distance, readings, squash
from brightline.roster.vocabulary import Vocabulary


@pytest.mark.parametrize(
    ("typed", "squashed"),
    [
        ("Mchugh", "MCHUGH"),
        ("MC HUGH", "MCHUGH"),
        ("mc-hugh", "MCHUGH"),
        ("O'Connor", "OCONNOR"),
        ("Peña", "PENA"),
        ("  de la Cruz ", "DELACRUZ"),
    ],
)
def test_squash_keeps_letters_only(typed: str, squashed: str) -> None:
    assert squash(typed) == squashed


def test_readings_of_a_typed_name() -> None:
    assert readings("Smith, John") == [("JOHN", "SMITH")]
    assert readings("Mc Hugh") == [(None, "MCHUGH"), ("MC", "HUGH"), ("HUGH", "MC")]
    assert readings("john smith")[1:] == [("JOHN", "SMITH"), ("SMITH", "JOHN")]


def test_edit_distance_and_its_limit() -> None:
    assert edit_distance("KOWALSKI", "KOWALSKY", 2) == 1
    assert edit_distance("SMITH", "SMYTHE", 2) == 2
    assert edit_distance("SMITH", "JONES", 2) == 3  # limit + 1: "more than 2"
    assert [allowed_typos(n) for n in (3, 4, 7, 8, 12)] == [0, 1, 1, 2, 2]


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


names = st.text(alphabet="ABCDE", min_size=1, max_size=10)


@settings(max_examples=150, deadline=None)
@given(vocabulary=st.lists(names, min_size=1, max_size=40), word=names)
def test_close_finds_exactly_the_words_within_the_allowed_distance(
    vocabulary: list[str], word: str
) -> None:
    limit = allowed_typos(len(word))
    expected = sorted(
        {w for w in vocabulary if w != word and _levenshtein(word, w) <= limit} if limit else set()
    )
    assert Vocabulary(vocabulary).close(word) == expected


def test_prefixed_lists_longer_words_only() -> None:
    vocab = Vocabulary(["MCHUGH", "MCHUGHES", "MCHALE", "HUGH"])
    assert vocab.prefixed("MCHUG") == ["MCHUGH", "MCHUGHES"]
    assert vocab.prefixed("MCHUGH") == ["MCHUGHES"]


def test_two_digit_years_never_lie_after_the_snapshot() -> None:
    assert parse_short_date("6/3/50", latest_year=2024) == date(1950, 6, 3)
    assert parse_short_date("12/15/23", latest_year=2024) == date(2023, 12, 15)
    assert parse_short_date("", latest_year=2024) is None


def test_birth_year_settles_an_ambiguous_century() -> None:
    # born 1900: appointed at 20 in 1920, not at 120 in 2020
    assert century_for(20, latest_year=2024, born=1900) == 1920
    assert century_for(20, latest_year=2024, born=1990) == 2020
    assert century_for(20, latest_year=2024) == 2020


@pytest.mark.parametrize("bad", ["13/45/99", "June 3 1950", "6-3-50", "2/30/21"])
def test_malformed_short_dates_are_named(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        parse_short_date(bad, latest_year=2024)


@pytest.mark.parametrize("bad", ["2023/10/01", "2023-02-30", "10/01/2023"])
def test_malformed_iso_dates_are_named(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        parse_iso_date(bad)
