"""Tables of the roster (declared on the shared metadata).

- ``roster_units``: unit number → name (the newest description wins: the 2023 roster over the
  2017 unit reference).
- ``roster_officers``: one row per *source row*: a row of the 2023 roster, or a merged profile of
  the Invisible Institute pipeline. ``(source, source_key)`` is the natural key that makes an
  import idempotent. A profile that is the same person as a roster row keeps its own row and
  points at it with ``same_as`` and the ``link_basis`` it was matched on; nothing is merged away.
  Race, gender, birth year and age are deliberately **not stored** (they are never shown, so
  they are never kept).
- ``roster_stars``: every star number of every source row, with the column it came from
  (``star1`` … ``star7``, ``current_star``). Stars are recycled: the star is indexed, not unique.
- ``roster_unit_history``: unit assignments of profiles, in file order (``seq``).
- ``roster_inspections``: one row per officer checked at a roll call, written in the same
  transaction as its ledger entry (``ledger_index``), so the index never disagrees with the log.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from brightline.store.schema import metadata

roster_units = Table(
    "roster_units",
    metadata,
    Column("unit", Integer, primary_key=True, autoincrement=False),
    Column("description", String(120), nullable=False),
    Column("source", String(80), nullable=False),
)

roster_officers = Table(
    "roster_officers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(80), nullable=False),
    Column("source_key", String(40), nullable=False),
    Column("first_name", String(64), nullable=False),
    Column("middle_initial", String(8), nullable=False),
    Column("last_name", String(64), nullable=False),
    Column("suffix", String(16), nullable=False),
    Column("first_ns", String(64), nullable=False),
    Column("last_ns", String(64), nullable=False),
    Column("rank", String(80), nullable=False),
    Column("rank_code", String(8), nullable=False),
    Column("unit", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("appointed_date", Date, nullable=True),
    Column("resigned_date", Date, nullable=True),
    Column("cpdp_id", Integer, nullable=True),
    Column("same_as", Integer, ForeignKey("roster_officers.id"), nullable=True),
    Column("link_basis", String(80), nullable=True),
    UniqueConstraint("source", "source_key", name="uq_roster_officers_source_key"),
    Index("ix_roster_officers_last_ns", "last_ns"),
    Index("ix_roster_officers_unit", "unit"),
)

roster_stars = Table(
    "roster_stars",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("roster_officers.id"), nullable=False),
    Column("star", Integer, nullable=False),
    Column("source", String(80), nullable=False),
    Column("field", String(16), nullable=False),
    UniqueConstraint("officer_id", "field", name="uq_roster_stars_officer_field"),
    Index("ix_roster_stars_star", "star"),
)

roster_unit_history = Table(
    "roster_unit_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_id", Integer, ForeignKey("roster_officers.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("unit", Integer, nullable=False),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    UniqueConstraint("officer_id", "seq", name="uq_roster_unit_history_officer_seq"),
)

roster_inspections = Table(
    "roster_inspections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("inspected_at", String(40), nullable=False),
    Column("inspected_on", Date, nullable=False),
    Column("unit", Integer, nullable=False),
    Column("watch", String(8), nullable=False),
    Column("officer_id", Integer, ForeignKey("roster_officers.id"), nullable=False),
    Column("star", Integer, nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("compliant", Boolean, nullable=False),
    Column("failures", Text, nullable=False),
    Column("inspector", String(64), nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Index("ix_roster_inspections_unit_on", "unit", "inspected_on"),
)
