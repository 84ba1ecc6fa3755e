"""Which merged profile is which 2023 roster row.

Every one of the 12,418 roster officers also appears among the merged profiles, so a lookup that
showed both would list most officers twice. A profile is linked to a roster row only when the
evidence is unambiguous, and the basis is recorded:

1. ``name+appointed``: same squashed first and last name and the same appointment date, and that
   combination occurs exactly once on each side;
2. ``last+appointed+star``: otherwise, same last name and appointment date and the profile's
   current star is one of the roster row's stars, again unique on both sides.

Anything else stays unlinked and is shown as its own record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LinkKey:
    """What linking looks at in an officer row."""

    key: str
    first_ns: str
    last_ns: str
    appointed: date | None
    stars: frozenset[int]


def _unique_pairs(
    profiles: Sequence[LinkKey],
    roster: Sequence[LinkKey],
    keys_of: Callable[[LinkKey], list[Hashable]],
) -> dict[str, str]:
    """Profile key → roster key where a join value occurs once on each side."""
    roster_count: Counter[Hashable] = Counter(k for r in roster for k in keys_of(r))
    profile_count: Counter[Hashable] = Counter(k for p in profiles for k in keys_of(p))
    roster_by: dict[Hashable, str] = {k: r.key for r in roster for k in keys_of(r)}
    links: dict[str, str] = {}
    for profile in profiles:
        for k in keys_of(profile):
            if roster_count[k] == 1 and profile_count[k] == 1:
                links[profile.key] = roster_by[k]
                break
    used: Counter[str] = Counter(links.values())
    return {p: r for p, r in links.items() if used[r] == 1}


def _by_name(row: LinkKey) -> list[Hashable]:
    if row.appointed is None:
        return []
    return [(row.first_ns, row.last_ns, row.appointed)]


def _by_star(row: LinkKey) -> list[Hashable]:
    if row.appointed is None:
        return []
    return [(row.last_ns, row.appointed, star) for star in sorted(row.stars)]


def link_profiles(
    profiles: Sequence[LinkKey], roster: Sequence[LinkKey]
) -> dict[str, tuple[str, str]]:
    """Profile key → (roster key, basis) for every profile linked by the rules above."""
    links = {p: (r, "name+appointed") for p, r in _unique_pairs(profiles, roster, _by_name).items()}
    taken = {r for r, _ in links.values()}
    rest_profiles = [p for p in profiles if p.key not in links]
    rest_roster = [r for r in roster if r.key not in taken]
    by_star = _unique_pairs(rest_profiles, rest_roster, _by_star)
    links.update({p: (r, "last+appointed+star") for p, r in by_star.items()})
    return links
