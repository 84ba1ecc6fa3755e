"""Helpers shared by the roster and officer tests (no tests here): small real-data subsets and
a roster-loaded service."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

ROSTER_FILE = "roster_1985-2023_2023-11_p891976.csv.gz"
PROFILES_FILE = "final-profiles.csv.gz"
HISTORY_FILE = "unit-history.csv.gz"
UNITS_FILE = "unit_reference.csv"

# An officer who passes every appearance rule (roll-call tests change one fact at a time).
GOOD_APPEARANCE = {
    "assignment": "uniform",
    "face_covering": "none",
    "star_visible": True,
    "name_visible": True,
    "uniform_worn": True,
    "enforcement_activity": True,
    "bwc_recording": True,
}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


_SUBSETS: dict[tuple[str, ...], Path] = {}


def subset_dir(factory: pytest.TempPathFactory, prefixes: tuple[str, ...] = ("AB",)) -> Path:
    """:func:`write_subset` once per test process (the files are only read by the tests)."""
    if prefixes not in _SUBSETS:
        shared = Path(__file__).resolve().parents[1].parent / "shared"
        _SUBSETS[prefixes] = write_subset(shared, factory.mktemp("subset"), prefixes)
    return _SUBSETS[prefixes]


def write_subset(shared_dir: Path, dest: Path, prefixes: tuple[str, ...] = ("AB",)) -> Path:
    """The real roster files cut to officers whose last name starts with one of ``prefixes``
    (same file names and columns, so sources and linking behave as on the full data)."""
    src = shared_dir / "data" / "cpd-roster"
    dest.mkdir(parents=True, exist_ok=True)
    header, rows = _read(src / ROSTER_FILE)
    write_csv(dest / ROSTER_FILE, header, [r for r in rows if r["last_name"].startswith(prefixes)])
    header, rows = _read(src / PROFILES_FILE)
    kept = [r for r in rows if r["last_name"].startswith(prefixes)]
    write_csv(dest / PROFILES_FILE, header, kept)
    uids = {r["UID"] for r in kept}
    header, rows = _read(src / HISTORY_FILE)
    write_csv(dest / HISTORY_FILE, header, [r for r in rows if r["UID"] in uids])
    header, rows = _read(src / UNITS_FILE)
    write_csv(dest / UNITS_FILE, header, rows)
    return dest
