"""the ledger (records, leaves, tree nodes, checkpoints)

Revision ID: 0001_ledger
Revises: None
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
