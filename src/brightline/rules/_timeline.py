"""When a case happens → which date segment of a pack decides it.

A pack's rules change only on a few local days (every rule's ``from`` and ``until`` and the
coverage bounds). Those days cut time into segments; the rules in force are constant inside one.
``at`` is either a bare ``YYYY-MM-DD`` (that local day) or an ISO 8601 moment with an offset; it is
placed by bisection on precomputed day ordinals or UTC timestamps of local midnights.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from brightline.errors import InvalidCase
from brightline.rules._words import json_type, json_value

_NEAR_CACHE = 100_000


class Timeline:
    """Places moments among the segments starting on ``starts`` (local days in ``timezone``)."""

    def __init__(
        self,
        pack: str,
        timezone: str,
        starts: tuple[date, ...],
        covers_from: date,
        covers_until: date | None,
    ) -> None:
        zone = ZoneInfo(timezone)
        days = set(starts) | {covers_from}
        if covers_until is not None:
            days.add(covers_until)
        self.pack = pack
        self.covers_from = covers_from
        self.covers_until = covers_until
        self.days: list[date] = sorted(d for d in days if d >= covers_from)
        self.ordinals = [d.toordinal() for d in self.days]
        self.stamps = [datetime.combine(d, time(), zone).timestamp() for d in self.days]
        self._near: dict[int, int | None] = {}
        self.end = self.days.index(covers_until) if covers_until is not None else len(self.days)

    def segment(self, at: object) -> int:
        """The index of the segment holding ``at`` (into :attr:`days`); InvalidCase if outside."""
        if at.__class__ is not str:
            raise InvalidCase(
                f"at must be an ISO 8601 string (a date like 2025-10-04 or a moment with offset "
                f"like 2025-10-04T10:30:00-05:00), got {json_type(at)} {json_value(at)}",
                field="at", got=json_value(at),
            )
        assert isinstance(at, str)
        if len(at) == 10 and at[4] == "-" and at[7] == "-":
            index = bisect_right(self.ordinals, _parse_day(at).toordinal()) - 1
        else:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                _parse_moment(at)  # raises the error that says what is wrong
            assert moment is not None
            near = self._near.get(moment.toordinal(), -2)
            if near == -2:
                near = self._place_day(moment.toordinal())
            # None: a boundary is within a day or two, so compare instants
            index = near if near is not None else bisect_right(self.stamps, moment.timestamp()) - 1
        if 0 <= index < self.end:
            return index
        raise self._outside(at)

    def day_segment(self, ordinal: int) -> int | None:
        """The segment of every moment whose own date is ``ordinal``, when it is one segment
        inside the coverage; else None (see :meth:`_place_day`)."""
        near = self._near.get(ordinal, -2)
        if near == -2:
            near = self._place_day(ordinal)
        return near if near is not None and 0 <= near < self.end else None

    def instant_segment(self, moment: datetime) -> int | None:
        """The segment of an aware datetime by its instant; None when outside the coverage."""
        index = bisect_right(self.stamps, moment.timestamp()) - 1
        return index if 0 <= index < self.end else None

    def _place_day(self, ordinal: int) -> int | None:
        """The segment of every moment whose own date (at its own offset) is ``ordinal``, or None
        when that depends on the time and offset.

        Such a moment lies strictly between UTC midnight of the day before and UTC midnight two
        days after; a boundary's local midnight strictly within a day of its UTC midnight (offsets
        are under 24 h). So with no boundary on days ``ordinal - 1 .. ordinal + 2`` it falls in the
        same segment as the bare date. Pure date arithmetic, remembered per ordinal.
        """
        ordinals = self.ordinals
        index = bisect_right(ordinals, ordinal) - 1
        before_ok = index < 0 or ordinals[index] < ordinal - 1
        after_ok = index + 1 >= len(ordinals) or ordinals[index + 1] > ordinal + 2
        found = index if before_ok and after_ok else None
        if len(self._near) >= _NEAR_CACHE:
            self._near.clear()
        self._near[ordinal] = found
        return found

    def _outside(self, at: object) -> InvalidCase:
        cover = f"from {self.covers_from}"
        if self.covers_until is not None:
            cover += f" until {self.covers_until}"
        return InvalidCase(
            f"at {json_value(at)} is outside the coverage of pack {self.pack!r} ({cover}); "
            "no law is guessed for it",
            field="at", got=at,
        )


def _parse_day(at: str) -> date:
    try:
        return date.fromisoformat(at)
    except ValueError:
        raise InvalidCase(f"at {json_value(at)} is not a date YYYY-MM-DD", field="at", got=at) from None


def _parse_moment(at: str) -> datetime:
    if len(at) == 8 and at.isdigit():
        raise InvalidCase(
            f"at {json_value(at)} is a compact date, which is not accepted: write it with dashes, "
            f"{at[:4]}-{at[4:6]}-{at[6:]}, or as a moment with an offset like "
            f"{at[:4]}-{at[4:6]}-{at[6:]}T10:30:00-05:00",
            field="at", got=at,
        )
    if "T" in at and at[:8].isdigit():
        raise InvalidCase(
            f"at {json_value(at)} is in compact form, which is not accepted: write the date "
            "with dashes and the time with colons, like 2025-08-30T10:30:00-05:00",
            field="at", got=at,
        )
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise InvalidCase(
            f"at {json_value(at)} is not ISO 8601 (a date like 2025-10-04 or a moment with offset like "
            "2025-10-04T10:30:00-05:00)",
            field="at", got=at,
        ) from None
    if moment.tzinfo is None:
        raise InvalidCase(
            f"at {json_value(at)} has no UTC offset: add one (like -05:00 or Z) or give a bare date",
            field="at", got=at,
        )
    return moment
