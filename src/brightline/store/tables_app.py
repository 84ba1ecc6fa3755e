"""Tables of the app: accounts, API tokens, and the index of the ledger's decisions, reviews and
reports.

The ledger is the source of truth. ``decisions``, ``reviews`` and ``reports`` are an index over its
entries (one row per entry, inserted in the same transaction as the entry, see
``LedgerStore.append(rows=...)``), holding only what lists, queues and statistics need. Personal
data (a reporter's words and contact, a reviewer's note aside) stays in the ledger record, where it
can be redacted. Times are UTC ISO 8601 strings (``2026-11-26T08:04:10.123456Z``): they sort, and
read the same on SQLite and PostgreSQL. ``month`` is the ``YYYY-MM`` of the conduct (the case's
``at``, or the reported time), which is what the public statistics count by.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from brightline.store.schema import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(100), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
    Column("expires_at", String(32), nullable=True),
)

# Signed-in browser sessions. The cookie carries the random session id; only its SHA-256 is kept.
# A session ends at sign-out, at ``expires_at``, after ``idle`` seconds without a request, and
# at once when its account's password changes or the account is disabled.
sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sid_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("seen_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("ended_at", String(32), nullable=True),
    Column("end_reason", String(40), nullable=True),
)

# Events counted by the rate limits, shared by every worker process: a bucket (``report``,
# ``login_account``, ``login_client``), the keyed hash of what is limited (a client address, an
# account), and when (Unix seconds). Rows older than their bucket's window are deleted.
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bucket", String(20), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_rate_events_bucket_key_hash_at", "bucket", "key_hash", "at"),
    Index("ix_rate_events_bucket_at", "bucket", "at"),
)

# A reporter's contact details, apart from the report's ledger record, encrypted (Fernet) with
# BRIGHTLINE_CONTACT_KEY; deleted on request.
report_contacts = Table(
    "report_contacts",
    metadata,
    Column("report_id", String(40), primary_key=True),
    Column("ciphertext", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("jurisdiction", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("outcome", String(20), nullable=False, index=True),
    Column("at", String(40), nullable=False),
    Column("month", String(7), nullable=False),
    Column("actor_username", String(40), nullable=True, index=True),
    Column("actor_role", String(16), nullable=False),
    Column("follow_up_of", String(40), nullable=True, index=True),
    Column("created_at", String(32), nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("decision_id", String(40), nullable=False, unique=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("outcome", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("actor_username", String(40), nullable=True),
    Column("created_at", String(32), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("ledger_index", BigInteger, nullable=False, unique=True),
    Column("jurisdiction", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("month", String(7), nullable=False),
    Column("created_at", String(32), nullable=False),
)

app_state = Table(
    "app_state",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

INDEX_TABLES = (decisions, reviews, reports)
