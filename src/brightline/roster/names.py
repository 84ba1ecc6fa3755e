"""Names as the roster spells them, and as people type them.

The roster's ``*_NS`` columns squash names by removing spaces (``MC HUGH`` → ``MCHUGH``). We go a
little further and keep only the letters A to Z after folding accents and case, so that ``McHugh``,
``mc hugh``, ``Mc-Hugh`` and ``MC HUGH`` all become ``MCHUGH``.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish
from rapidfuzz.distance import OSA

_NOT_LETTER = re.compile(r"[^A-Z]")
_SEPARATORS = re.compile(r"[\s,]+")


def squash(text: str) -> str:
    """Upper-case letters only: accents folded, spaces and punctuation removed."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_LETTER.sub("", folded.upper())


def readings(text: str) -> list[tuple[str | None, str]]:
    """The ways to read a typed name as (first name or None, last name), squashed.

    ``"Smith, John"`` has one reading. Otherwise the whole text may be a last name (``"Mc Hugh"``)
    and every split of the words may be first-then-last or last-then-first."""
    if "," in text:
        last, _, first = text.partition(",")
        return [(squash(first) or None, squash(last))]
    words = [w for w in (squash(part) for part in _SEPARATORS.split(text)) if w]
    found: list[tuple[str | None, str]] = [(None, "".join(words))]
    for k in range(1, len(words)):
        head, tail = "".join(words[:k]), "".join(words[k:])
        found.extend([(head, tail), (tail, head)])
    return found


def allowed_typos(length: int) -> int:
    """How many typos a name of this length tolerates: none below 4 letters, 1 below 8, else 2."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance of ``a`` and ``b`` counting a swap of two neighbouring letters as one edit
    (optimal string alignment: "SMIHT" is one edit from "SMITH"), or ``limit + 1`` as soon as it
    must exceed ``limit``. Computed by rapidfuzz."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    return int(OSA.distance(a, b, score_cutoff=limit))


def sound_key(name: str) -> str:
    """How a squashed name sounds (Metaphone, by jellyfish): spellings that sound alike share a
    key, which catches the Spanish surname variants typed every day (GONZALES and GONZALEZ,
    RODRIQUEZ and RODRIGUEZ, VASQUEZ and VAZQUEZ, PERES and PEREZ)."""
    return str(jellyfish.metaphone(name)) if name else ""


def display_name(first: str, middle: str, last: str, suffix: str) -> str:
    """``FIRST M LAST SUFFIX`` with empty parts left out."""
    return " ".join(p for p in (first, middle, last, suffix) if p)
