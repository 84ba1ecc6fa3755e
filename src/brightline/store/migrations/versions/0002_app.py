"""accounts, API tokens, decisions index, reviews, reports

Revision ID: 0002_app
Revises: '0001_ledger'

Mirrors ``brightline.store.tables_app`` (constraint and index names follow the naming convention
of ``brightline.store.schema.metadata``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_app"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("jurisdiction", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("follow_up_of", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("ledger_index", name="uq_decisions_ledger_index"),
    )
    op.create_index("ix_decisions_outcome", "decisions", ["outcome"])
    op.create_index("ix_decisions_actor_username", "decisions", ["actor_username"])
    op.create_index("ix_decisions_follow_up_of", "decisions", ["follow_up_of"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("decision_id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("actor_username", sa.String(40), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("decision_id", name="uq_reviews_decision_id"),
        sa.UniqueConstraint("ledger_index", name="uq_reviews_ledger_index"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("jurisdiction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("ledger_index", name="uq_reports_ledger_index"),
    )
    op.create_index("ix_reports_client_hash", "reports", ["client_hash"])
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_app_state"),
    )


def downgrade() -> None:
    op.drop_table("app_state")
    op.drop_index("ix_reports_client_hash", table_name="reports")
    op.drop_table("reports")
    op.drop_table("reviews")
    op.drop_index("ix_decisions_follow_up_of", table_name="decisions")
    op.drop_index("ix_decisions_actor_username", table_name="decisions")
    op.drop_index("ix_decisions_outcome", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
