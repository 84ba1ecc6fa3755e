"""Reading the roster files of ``shared/data/cpd-roster`` (plain or gzipped CSV).

A file's kind is told by its header, not its name. Each row becomes a record or a
:class:`~brightline.roster.records.Rejection` naming the line, the kind of problem and the value;
nothing is silently dropped or mended.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from brightline.errors import InvalidRequest
from brightline.roster.dates import parse_iso_date, parse_short_date
from brightline.roster.names import squash
from brightline.roster.records import (
    PROFILES,
    ROSTER,
    UNIT_HISTORY,
    UNIT_REFERENCE,
    HistoryRow,
    OfficerRow,
    ParsedFile,
    Rejection,
    RowRejected,
    StarRow,
    UnitRow,
)

# Columns that identify each kind of file.
SIGNATURES: dict[str, frozenset[str]] = {
    ROSTER: frozenset({"row_id", "status", "star1", "first_name_NS", "last_name_NS"}),
    PROFILES: frozenset({"UID", "current_star", "current_status", "appointed_date"}),
    UNIT_HISTORY: frozenset({"UID", "unit", "unit_start_date", "unit_end_date"}),
    UNIT_REFERENCE: frozenset({"current_unit", "current_unit_description (April 2017 roster)"}),
}
STAR_COLUMNS = tuple(f"star{i}" for i in range(1, 8))
# The merged profiles were built in October 2024: no date in them lies later.
PROFILES_LATEST_YEAR = 2024
Row = dict[str, str]


def open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return io.TextIOWrapper(open(path, "rb"), encoding="utf-8", newline="")


def file_kind(header: list[str], path: Path) -> str:
    columns = set(header)
    for kind, needed in SIGNATURES.items():
        if needed <= columns:
            return kind
    known = "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in SIGNATURES.items())
    raise InvalidRequest(
        f"{path}: not a roster file: its header has none of the known column sets ({known})",
        path=str(path),
    )


def source_name(kind: str, path: Path) -> str:
    stem = path.name.removesuffix(".gz").removesuffix(".csv")
    return f"{kind}:{stem}"[:80]


def read_file(path: Path) -> ParsedFile:
    """Read one roster file of any known kind."""
    if not path.is_file():
        raise InvalidRequest(f"{path}: no such file", path=str(path))
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        kind = file_kind(list(reader.fieldnames or []), path)
        parsed = ParsedFile(path=str(path), kind=kind, source=source_name(kind, path))
        _READERS[kind](parsed, _numbered(reader, parsed))
    return parsed


def _numbered(reader: csv.DictReader[str], parsed: ParsedFile) -> Iterator[tuple[int, Row]]:
    for row in reader:
        parsed.rows_read += 1
        yield reader.line_num, row


def _reject(parsed: ParsedFile, line: int, error: RowRejected) -> None:
    parsed.rejections.append(Rejection(Path(parsed.path).name, line, error.kind, error.reason))


# --- field readers -------------------------------------------------------------------------


def _required(row: Row, column: str, kind: str = "missing_value") -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise RowRejected(kind, f"column {column} is empty")
    return value


def _number(row: Row, column: str, kind: str) -> int | None:
    """A positive whole number written as ``13001`` or ``13001.0``; empty → None."""
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowRejected(kind, f"column {column}: {text!r} is not a number") from None
    if value != int(value) or value <= 0 or value > 10_000_000:
        raise RowRejected(kind, f"column {column}: {text!r} is not a positive whole number")
    return int(value)


def _unit(row: Row, column: str) -> int | None:
    text = (row.get(column) or "").strip()
    if text in ("0", "0.0"):
        return 0
    return _number(row, column, "bad_unit")


def _iso(row: Row, column: str) -> date | None:
    try:
        return parse_iso_date(row.get(column) or "")
    except ValueError as exc:
        raise RowRejected("bad_date", f"column {column}: {exc}") from None


def _short(row: Row, column: str, born: int | None) -> date | None:
    try:
        return parse_short_date(row.get(column) or "", latest_year=PROFILES_LATEST_YEAR, born=born)
    except ValueError as exc:
        raise RowRejected("bad_date", f"column {column}: {exc}") from None


def _split_rank(text: str) -> tuple[str, str]:
    """``9161 - POLICE OFFICER`` → (``9161``, ``POLICE OFFICER``)."""
    code, sep, title = text.partition(" - ")
    if sep and code.strip().isdigit():
        return code.strip(), title.strip().upper()
    return "", text.strip().upper()


def _names(row: Row) -> dict[str, str]:
    first = _required(row, "first_name", "missing_name").upper()
    last = _required(row, "last_name", "missing_name").upper()
    return {
        "first_name": first,
        "middle_initial": (row.get("middle_initial") or "").strip().upper(),
        "last_name": last,
        "suffix": (row.get("suffix_name") or "").strip().upper(),
        "first_ns": squash(first),
        "last_ns": squash(last),
    }


# --- the 2023 roster -----------------------------------------------------------------------


def _roster_key_column(parsed: ParsedFile) -> str:
    stem = parsed.source.split(":", 1)[1]
    return f"{stem}_ID"


def _read_roster(parsed: ParsedFile, rows: Iterator[tuple[int, Row]]) -> None:
    key_column = _roster_key_column(parsed)
    seen: set[str] = set()
    units: dict[int, str] = {}
    for line, row in rows:
        try:
            officer = _roster_officer(parsed, row, key_column)
            if officer.source_key in seen:
                raise RowRejected("duplicate_key", f"row id {officer.source_key} appears twice")
        except RowRejected as error:
            _reject(parsed, line, error)
            continue
        seen.add(officer.source_key)
        parsed.officers.append(officer)
        description = (row.get("unit_description") or "").strip()
        if officer.unit is not None and description:
            units.setdefault(officer.unit, description)
    parsed.units.extend(UnitRow(u, d, parsed.source) for u, d in sorted(units.items()))


def _roster_officer(parsed: ParsedFile, row: Row, key_column: str) -> OfficerRow:
    key = (row.get(key_column) or row.get("row_id") or "").strip()
    if not key:
        raise RowRejected("missing_key", f"columns {key_column} and row_id are empty")
    status = (row.get("status") or "").strip().upper()
    if status not in ("Y", "N"):
        raise RowRejected("bad_status", f"column status: {status!r} is not Y or N")
    code, title = _split_rank(row.get("rank") or "")
    stars = []
    for column in STAR_COLUMNS:
        star = _number(row, column, "bad_star")
        if star is not None:
            stars.append(StarRow(column, star))
    resigned = _iso(row, "resignation_date") or _iso(row, "vacate_date")
    return OfficerRow(
        kind=ROSTER,
        source=parsed.source,
        source_key=key,
        **_names(row),
        rank=title,
        rank_code=code,
        unit=_unit(row, "unit"),
        active=status == "Y",
        appointed_date=_iso(row, "appointed_date"),
        resigned_date=resigned,
        cpdp_id=None,
        stars=tuple(stars),
    )


# --- merged profiles -----------------------------------------------------------------------


def _read_profiles(parsed: ParsedFile, rows: Iterator[tuple[int, Row]]) -> None:
    seen: set[str] = set()
    for line, row in rows:
        try:
            officer = _profile_officer(parsed, row)
            if officer.source_key in seen:
                raise RowRejected("duplicate_key", f"UID {officer.source_key} appears twice")
        except RowRejected as error:
            _reject(parsed, line, error)
            continue
        seen.add(officer.source_key)
        parsed.officers.append(officer)


def _profile_officer(parsed: ParsedFile, row: Row) -> OfficerRow:
    uid = _number(row, "UID", "missing_key")
    if uid is None:
        raise RowRejected("missing_key", "column UID is empty")
    status = (row.get("current_status") or "").strip()
    if status not in ("0", "1"):
        raise RowRejected("bad_status", f"column current_status: {status!r} is not 0 or 1")
    born = _number(row, "birth_year", "bad_date")  # used only to read two-digit years
    star = _number(row, "current_star", "bad_star")
    rank = (row.get("cleaned_rank") or row.get("current_rank") or "").strip().upper()
    return OfficerRow(
        kind=PROFILES,
        source=parsed.source,
        source_key=str(uid),
        **_names(row),
        rank=rank,
        rank_code="",
        unit=_unit(row, "current_unit"),
        active=status == "1",
        appointed_date=_short(row, "appointed_date", born),
        resigned_date=_short(row, "resignation_date", born),
        cpdp_id=_number(row, "officer_id", "bad_key"),
        stars=(StarRow("current_star", star),) if star is not None else (),
    )


# --- unit history and unit names -----------------------------------------------------------


def _read_history(parsed: ParsedFile, rows: Iterator[tuple[int, Row]]) -> None:
    seq: dict[str, int] = {}
    for line, row in rows:
        try:
            uid = str(_number(row, "UID", "missing_key") or "")
            if not uid:
                raise RowRejected("missing_key", "column UID is empty")
            unit = _unit(row, "unit")
            if unit is None:
                raise RowRejected("bad_unit", "column unit is empty")
            start, end = _iso(row, "unit_start_date"), _iso(row, "unit_end_date")
        except RowRejected as error:
            _reject(parsed, line, error)
            continue
        seq[uid] = seq.get(uid, 0) + 1
        parsed.history.append(HistoryRow(uid, seq[uid], unit, start, end, line))


def _read_unit_reference(parsed: ParsedFile, rows: Iterator[tuple[int, Row]]) -> None:
    """One name per unit: the row marked current (status Y) wins; other rows for the same unit
    are former names and are reported as such."""
    named: list[tuple[int, int, UnitRow]] = []
    for line, row in rows:
        try:
            named.append((line, _unit_status(row), _unit_name(row, parsed.source)))
        except RowRejected as error:
            _reject(parsed, line, error)
    named.sort(key=lambda item: (item[2].unit, item[1], item[0]))
    chosen: dict[int, UnitRow] = {}
    for line, _status, unit in named:
        if unit.unit in chosen:
            current = chosen[unit.unit].description
            former = RowRejected(
                "former_name",
                f"unit {unit.unit}: {unit.description!r} is superseded by {current!r}",
            )
            _reject(parsed, line, former)
            continue
        chosen[unit.unit] = unit
        parsed.units.append(unit)


def _unit_status(row: Row) -> int:
    """0 for a unit marked current (Y), 1 otherwise: sorts current names first."""
    return 0 if (row.get("Status from PDF (May 2016)") or "").strip().upper() == "Y" else 1


def _unit_name(row: Row, source: str) -> UnitRow:
    unit = _unit(row, "current_unit")
    if unit is None:
        raise RowRejected("bad_unit", "column current_unit is empty")
    description = (row.get("current_unit_description (April 2017 roster)") or "").strip() or (
        row.get("From PDF (May 2016)") or ""
    ).strip()
    if not description:
        raise RowRejected("missing_value", f"unit {unit} has no description")
    return UnitRow(unit, description.upper(), source)


_READERS: dict[str, Callable[[ParsedFile, Iterator[tuple[int, Row]]], None]] = {
    ROSTER: _read_roster,
    PROFILES: _read_profiles,
    UNIT_HISTORY: _read_history,
    UNIT_REFERENCE: _read_unit_reference,
}


def roster_files(paths: list[Path]) -> list[Path]:
    """The files named, with each directory replaced by the CSV files in it (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.name.endswith((".csv", ".csv.gz"))))
        elif path.exists():
            found.append(path)
        else:
            raise InvalidRequest(f"{path}: no such file or directory", path=str(path))
    if not found:
        raise InvalidRequest("no roster files found (expected .csv or .csv.gz files)")
    return found
