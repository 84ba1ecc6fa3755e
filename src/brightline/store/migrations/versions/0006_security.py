"""server-side sessions, token expiry, shared rate limits, reporters' contacts apart

Revision ID: 0006_security
Revises: '0005_oversight'

Mirrors ``brightline.store.tables_app``. The reports' unsalted client hashes are dropped: rate
limits now keep a keyed hash in ``rate_events``, and only for the limit's window.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_security"
down_revision = "0005_oversight"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.String(32), nullable=True))
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_client_hash")
        batch.drop_column("client_hash")
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sid_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("seen_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("ended_at", sa.String(32), nullable=True),
        sa.Column("end_reason", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("sid_hash", name="uq_sessions_sid_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("bucket", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_events"),
    )
    op.create_index(
        "ix_rate_events_bucket_key_hash_at", "rate_events", ["bucket", "key_hash", "at"]
    )
    op.create_index("ix_rate_events_bucket_at", "rate_events", ["bucket", "at"])
    op.create_table(
        "report_contacts",
        sa.Column("report_id", sa.String(40), nullable=False),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_contacts"),
    )


def downgrade() -> None:
    op.drop_table("report_contacts")
    op.drop_index("ix_rate_events_bucket_at", table_name="rate_events")
    op.drop_index("ix_rate_events_bucket_key_hash_at", table_name="rate_events")
    op.drop_table("rate_events")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("client_hash", sa.String(64), nullable=True))
        batch.create_index("ix_reports_client_hash", ["client_hash"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
