"""officers, stars, unit history, roll-call inspections

Revision ID: 0003_roster
Revises: '0002_app'
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_roster"
down_revision = "0002_app"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
