"""custody request log, report resolutions, oversight reports

Revision ID: 0005_oversight
Revises: '0004_ledger_witnessing'

Mirrors ``brightline.store.tables_oversight``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_oversight"
down_revision = "0004_ledger_witnessing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custody_requests",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("request_id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("supersedes", sa.String(40), nullable=True),
        sa.Column("jurisdiction", sa.String(40), nullable=False),
        sa.Column("received_on", sa.String(10), nullable=False),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("document_type", sa.String(40), nullable=False),
        sa.Column("case_ref", sa.String(40), nullable=False),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_requests"),
        sa.UniqueConstraint("ledger_index", name="uq_custody_requests_ledger_index"),
        sa.UniqueConstraint("supersedes", name="uq_custody_requests_supersedes"),
    )
    op.create_index("ix_custody_requests_request_id", "custody_requests", ["request_id"])
    op.create_index("ix_custody_requests_received_on", "custody_requests", ["received_on"])
    op.create_index("ix_custody_requests_case_ref", "custody_requests", ["case_ref"])
    op.create_table(
        "custody_events",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("request_id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("supersedes", sa.String(40), nullable=True),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("on_date", sa.String(10), nullable=False),
        sa.Column("to_agency", sa.String(40), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custody_events"),
        sa.UniqueConstraint("ledger_index", name="uq_custody_events_ledger_index"),
        sa.UniqueConstraint("supersedes", name="uq_custody_events_supersedes"),
    )
    op.create_index("ix_custody_events_request_id", "custody_events", ["request_id"])
    op.create_table(
        "report_resolutions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("report_id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("resolution", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_resolutions"),
        sa.UniqueConstraint("ledger_index", name="uq_report_resolutions_ledger_index"),
    )
    op.create_index("ix_report_resolutions_report_id", "report_resolutions", ["report_id"])
    op.create_table(
        "oversight_reports",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("report", sa.String(20), nullable=False),
        sa.Column("period_from", sa.String(10), nullable=False),
        sa.Column("period_to", sa.String(10), nullable=False),
        sa.Column("ledger_size", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_oversight_reports"),
        sa.UniqueConstraint("ledger_index", name="uq_oversight_reports_ledger_index"),
    )


def downgrade() -> None:
    op.drop_table("oversight_reports")
    op.drop_index("ix_report_resolutions_report_id", table_name="report_resolutions")
    op.drop_table("report_resolutions")
    op.drop_index("ix_custody_events_request_id", table_name="custody_events")
    op.drop_table("custody_events")
    op.drop_index("ix_custody_requests_case_ref", table_name="custody_requests")
    op.drop_index("ix_custody_requests_received_on", table_name="custody_requests")
    op.drop_index("ix_custody_requests_request_id", table_name="custody_requests")
    op.drop_table("custody_requests")
