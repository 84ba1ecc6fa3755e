"""the checkpoint chain (each checkpoint names the one before) and witness cosignatures

Revision ID: 0004_ledger_witnessing
Revises: '0003_roster'
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_ledger_witnessing"
down_revision = "0003_roster"
branch_labels = None
depends_on = None

_INDEX64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.add_column(sa.Column("previous", sa.BigInteger, nullable=True))
    op.create_table(
        "ledger_witnessed",
        sa.Column("size", _INDEX64, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("witnesses", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_ledger_witnessed"),
    )


def downgrade() -> None:
    op.drop_table("ledger_witnessed")
    with op.batch_alter_table("ledger_checkpoints") as batch:
        batch.drop_column("previous")
