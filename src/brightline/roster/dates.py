"""Dates in the roster files.

The 2023 roster and the unit history use ISO dates. The merged profiles write ``M/D/YY`` with a
two-digit year, so ``6/3/50`` could be 1950 or 2050. :func:`parse_short_date` settles the century
with what we know: no date lies after the snapshot of the file, and an officer is between 16 and
80 years old on the date (when the birth year is known).
"""

from __future__ import annotations

import re
from datetime import date

_SHORT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_AGE_RANGE = range(16, 81)


def parse_iso_date(text: str) -> date | None:
    """``YYYY-MM-DD`` → date; empty → None; anything else raises ``ValueError`` naming it."""
    text = text.strip()
    if not text:
        return None
    if not _ISO.match(text):
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def century_for(two_digits: int, *, latest_year: int, born: int | None = None) -> int:
    """The four-digit year of ``two_digits``: never after ``latest_year``; when ``born`` is
    given, the century in which the person was 16 to 80 years old if exactly one century fits."""
    candidates = [c + two_digits for c in (1900, 2000) if c + two_digits <= latest_year]
    if not candidates:
        candidates = [1900 + two_digits]
    if born is not None:
        plausible = [y for y in candidates if y - born in _AGE_RANGE]
        if len(plausible) == 1:
            return plausible[0]
    return max(candidates)


def parse_short_date(text: str, *, latest_year: int, born: int | None = None) -> date | None:
    """``M/D/YY`` → date (see :func:`century_for`); empty → None; else ``ValueError``."""
    text = text.strip()
    if not text:
        return None
    match = _SHORT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date of the form M/D/YY")
    month, day, yy = (int(g) for g in match.groups())
    year = century_for(yy, latest_year=latest_year, born=born)
    return _checked_date(year, month, day, text)


def _checked_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
