"""accounts, sessions, decisions index, reviews, reports

Revision ID: 0002_app
Revises: '0001_ledger'
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002_app"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
