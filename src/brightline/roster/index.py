"""The in-memory officer index: lookups by star, by name and by unit.

Built once from the stored rows (a few hundred milliseconds for the full roster) and then read
without touching the database. Every lookup returns *every* match: a star is not an identity
(stars are recycled) and neither is a name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from brightline.roster.names import (
    allowed_typos,
    display_name,
    edit_distance,
    readings,
    sound_key,
    squash,
)
from brightline.roster.vocabulary import Vocabulary

# exact spelling and names that sound the same are shown together (exact first); prefix and
# close spellings are tried only when neither finds anyone.
NAME_TIERS = ("exact", "prefix", "close")
MIN_PREFIX = 3
MIN_SOUND = 4  # shorter names sound like too many others
MAX_SOUND_EDITS = 2  # a same-sounding name is also spelled close (ARENA does not sound-match AARON)


@dataclass(frozen=True)
class StarHolding:
    star: int
    source: str
    field: str


@dataclass(frozen=True)
class Person:
    """One officer as the public sees them: linked source rows taken together."""

    id: int
    first_name: str
    middle_initial: str
    last_name: str
    suffix: str
    first_ns: str
    last_ns: str
    rank: str
    unit: int | None
    unit_description: str
    active: bool
    appointed_year: int | None
    stars: tuple[StarHolding, ...]
    current_star: int | None
    sources: tuple[str, ...]

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.middle_initial, self.last_name, self.suffix)

    def star_numbers(self) -> list[int]:
        """Distinct star numbers, the current one first when known, then in source order."""
        numbers = [self.current_star] if self.current_star is not None else []
        for holding in self.stars:
            if holding.star not in numbers:
                numbers.append(holding.star)
        return numbers

    def public_view(self) -> dict[str, Any]:
        """What anyone may see: name, stars, rank, unit, status and appointment year. Nothing
        else exists in this object to leak (no demographics are loaded)."""
        return {
            "id": self.id,
            "name": self.name,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "stars": self.star_numbers(),
            "current_star": self.current_star,
            "rank": self.rank,
            "unit": self.unit,
            "unit_description": self.unit_description,
            "active": self.active,
            "appointed_year": self.appointed_year,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class NameSearch:
    """The people a name found and how (``exact``, ``sound``: spelled otherwise but sounding
    the same, ``prefix``, ``close`` or None: nothing), best matches first. ``spellings``: the
    last names found that differ from what was typed, most officers first (for "did you mean")."""

    tier: str | None
    people: list[Person]
    spellings: tuple[str, ...] = ()


def _last_keys(person: Person) -> set[str]:
    """The whole squashed last name and, for compound names, each of its parts."""
    parts = {squash(p) for p in person.last_name.replace("-", " ").split()}
    return {person.last_ns} | {p for p in parts if len(p) >= 3}


class RosterIndex:
    def __init__(self, people: Iterable[Person]) -> None:
        ordered = sorted(people, key=lambda p: (not p.active, p.last_ns, p.first_ns, p.id))
        self.people: dict[int, Person] = {p.id: p for p in ordered}
        self._order = {p.id: n for n, p in enumerate(ordered)}
        self._stars: dict[int, list[int]] = defaultdict(list)
        self._units: dict[int, list[int]] = defaultdict(list)
        self._last: dict[str, list[int]] = defaultdict(list)
        self._ranks: Counter[str] = Counter(p.rank for p in ordered if p.rank)
        for person in ordered:
            for star in person.star_numbers():
                self._stars[star].append(person.id)
            if person.unit is not None:
                self._units[person.unit].append(person.id)
            for key in _last_keys(person):
                self._last[key].append(person.id)
        self.last_names = Vocabulary(self._last)
        self._sounds: dict[str, list[str]] = defaultdict(list)
        for key in self._last:
            if len(key) >= MIN_SOUND:
                self._sounds[sound_key(key)].append(key)

    def __len__(self) -> int:
        return len(self.people)

    def by_star(self, star: int) -> list[Person]:
        return [self.people[i] for i in self._stars.get(star, ())]

    def by_unit(self, unit: int) -> list[Person]:
        return [self.people[i] for i in self._units.get(unit, ())]

    def units(self) -> list[int]:
        return sorted(self._units)

    def ranks(self) -> list[str]:
        """The distinct ranks, most officers first."""
        return [rank for rank, _ in self._ranks.most_common()]

    def by_name(self, text: str) -> NameSearch:
        """Exact and same-sounding last names together (exact spellings ranked first); if they
        find no one, names starting like it; then close spellings (typos, swapped letters)."""
        options = [(first, last) for first, last in readings(text) if last]
        typed = {last for _, last in options}
        exact: set[int] = set()
        alike: set[int] = set()
        for first, last in options:
            exact.update(self._name_tier("exact", first, last))
            alike.update(self._sounding(first, last))
        if exact or alike:
            ranked = sorted(exact, key=self._order.__getitem__) + sorted(
                alike - exact, key=self._order.__getitem__
            )
            return self._found("exact" if exact else "sound", ranked, typed)
        for tier in NAME_TIERS[1:]:
            found: set[int] = set()
            for first, last in options:
                found.update(self._name_tier(tier, first, last))
            if found:
                return self._found(tier, sorted(found, key=self._order.__getitem__), typed)
        return NameSearch(None, [])

    def _found(self, tier: str, ids: list[int], typed: set[str]) -> NameSearch:
        people = [self.people[i] for i in ids]
        counts: dict[str, int] = defaultdict(int)
        shown: dict[str, str] = {}
        for person in people:
            if person.last_ns not in typed:
                counts[person.last_ns] += 1
                shown.setdefault(person.last_ns, person.last_name)
        spellings = tuple(shown[k] for k in sorted(counts, key=lambda k: (-counts[k], k)))
        return NameSearch(tier, people, spellings)

    def _sounding(self, first: str | None, last: str) -> list[int]:
        if len(last) < MIN_SOUND:
            return []
        keys = [
            k
            for k in self._sounds.get(sound_key(last), ())
            if k != last and edit_distance(k, last, MAX_SOUND_EDITS) <= MAX_SOUND_EDITS
        ]
        ids = [i for key in keys for i in self._last[key]]
        if first is None:
            return ids
        return [i for i in ids if _first_fits(self.people[i].first_ns, first, False)]

    def _name_tier(self, tier: str, first: str | None, last: str) -> list[int]:
        if tier == "exact":
            keys = [last] if last in self.last_names else []
        elif tier == "prefix":
            keys = self.last_names.prefixed(last) if len(last) >= MIN_PREFIX else []
        else:  # a close last name, or the exact one with a mistyped first name
            exact = [last] if first is not None and last in self.last_names else []
            keys = exact + self.last_names.close(last)
        ids = [i for key in keys for i in self._last[key]]
        if first is None:
            return ids
        return [i for i in ids if _first_fits(self.people[i].first_ns, first, tier == "close")]


def _first_fits(candidate: str, typed: str, typos: bool) -> bool:
    if candidate.startswith(typed):
        return True
    if not typos:
        return False
    limit = allowed_typos(len(typed))
    if edit_distance(candidate, typed, limit) <= limit:
        return True
    # a first name typed in full but misspelled: compare with the same length of the name
    head = candidate[: len(typed)]
    return len(typed) >= MIN_SOUND and sound_key(head) == sound_key(typed)
