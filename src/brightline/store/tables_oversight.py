"""Tables of oversight: the custody request log, the resolutions of residents' reports and the
oversight reports produced, each an index over its ledger entries (one row per entry, written in
the same transaction, see ``LedgerStore.append(rows=...)``).

Corrections never edit a row: a correction is a new entry (and row) whose ``supersedes`` names
the entry it corrects; the newest row of a chain is the one in force. Dates are the local dates
of the conduct as written (``YYYY-MM-DD``); other times are UTC ISO 8601 strings.
"""

from sqlalchemy import BigInteger, Column, String, Table, Text

from brightline.store.schema import metadata

custody_requests = Table(
    "custody_requests",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("request_id", String(40), nullable=False, index=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("supersedes", String(40), nullable=True, unique=True),
    Column("jurisdiction", String(40), nullable=False),
    Column("received_on", String(10), nullable=False, index=True),
    Column("agency", String(40), nullable=False),
    Column("document_type", String(40), nullable=False),
    Column("case_ref", String(40), nullable=False, index=True),
    Column("actor_username", String(40), nullable=True),
    Column("created_at", String(32), nullable=False),
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("request_id", String(40), nullable=False, index=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("supersedes", String(40), nullable=True, unique=True),
    Column("event", String(20), nullable=False),
    Column("on_date", String(10), nullable=False),
    Column("to_agency", String(40), nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("actor_username", String(40), nullable=True),
    Column("created_at", String(32), nullable=False),
)

report_resolutions = Table(
    "report_resolutions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("report_id", String(40), nullable=False, index=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("resolution", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("actor_username", String(40), nullable=True),
    Column("created_at", String(32), nullable=False),
)

oversight_reports = Table(
    "oversight_reports",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("report", String(20), nullable=False),
    Column("period_from", String(10), nullable=False),
    Column("period_to", String(10), nullable=False),
    Column("ledger_size", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("actor_username", String(40), nullable=True),
    Column("created_at", String(32), nullable=False),
)

OVERSIGHT_TABLES = (custody_requests, custody_events, report_resolutions, oversight_reports)
