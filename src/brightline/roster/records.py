"""The rows an import reads, as plain values (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ROSTER = "roster"
PROFILES = "profiles"
UNIT_HISTORY = "unit_history"
UNIT_REFERENCE = "unit_reference"
FILE_KINDS = (ROSTER, PROFILES, UNIT_HISTORY, UNIT_REFERENCE)


@dataclass(frozen=True)
class StarRow:
    """One star number as one column of one source row held it."""

    field: str
    star: int


@dataclass(frozen=True)
class OfficerRow:
    """One officer as one source row describes them (no demographics: see tables_roster)."""

    kind: str
    source: str
    source_key: str
    first_name: str
    middle_initial: str
    last_name: str
    suffix: str
    first_ns: str
    last_ns: str
    rank: str
    rank_code: str
    unit: int | None
    active: bool
    appointed_date: date | None
    resigned_date: date | None
    cpdp_id: int | None
    stars: tuple[StarRow, ...]


@dataclass(frozen=True)
class UnitRow:
    unit: int
    description: str
    source: str


@dataclass(frozen=True)
class HistoryRow:
    """One unit assignment of a profile (``profile_key`` is the profile's UID)."""

    profile_key: str
    seq: int
    unit: int
    start_date: date | None
    end_date: date | None
    line: int = 0


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported: where it is, the kind of problem and what exactly is wrong."""

    file: str
    line: int
    kind: str
    reason: str


@dataclass
class ParsedFile:
    """Everything read from one file."""

    path: str
    kind: str
    source: str
    rows_read: int = 0
    officers: list[OfficerRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


class RowRejected(Exception):
    """Raised while reading a row; becomes a :class:`Rejection`."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
