"""officers, stars, unit history, roll-call inspections

Revision ID: 0003_roster
Revises: '0002_app'
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_roster"
down_revision = "0002_app"
branch_labels = None
depends_on = None


def _officer_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("source_key", sa.String(40), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("middle_initial", sa.String(8), nullable=False),
        sa.Column("last_name", sa.String(64), nullable=False),
        sa.Column("suffix", sa.String(16), nullable=False),
        sa.Column("first_ns", sa.String(64), nullable=False),
        sa.Column("last_ns", sa.String(64), nullable=False),
        sa.Column("rank", sa.String(80), nullable=False),
        sa.Column("rank_code", sa.String(8), nullable=False),
        sa.Column("unit", sa.Integer, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("appointed_date", sa.Date, nullable=True),
        sa.Column("resigned_date", sa.Date, nullable=True),
        sa.Column("cpdp_id", sa.Integer, nullable=True),
        sa.Column(
            "same_as",
            sa.Integer,
            sa.ForeignKey("roster_officers.id", name="fk_roster_officers_same_as_roster_officers"),
            nullable=True,
        ),
        sa.Column("link_basis", sa.String(80), nullable=True),
    ]


def _officer_fk(name: str) -> sa.ForeignKey:
    return sa.ForeignKey("roster_officers.id", name=name)


def upgrade() -> None:
    op.create_table(
        "roster_units",
        sa.Column("unit", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.String(120), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
    )
    op.create_table(
        "roster_officers",
        *_officer_columns(),
        sa.UniqueConstraint("source", "source_key", name="uq_roster_officers_source_key"),
    )
    op.create_index("ix_roster_officers_last_ns", "roster_officers", ["last_ns"])
    op.create_index("ix_roster_officers_unit", "roster_officers", ["unit"])
    op.create_table(
        "roster_stars",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "officer_id",
            sa.Integer,
            _officer_fk("fk_roster_stars_officer_id_roster_officers"),
            nullable=False,
        ),
        sa.Column("star", sa.Integer, nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.UniqueConstraint("officer_id", "field", name="uq_roster_stars_officer_field"),
    )
    op.create_index("ix_roster_stars_star", "roster_stars", ["star"])
    op.create_table(
        "roster_unit_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "officer_id",
            sa.Integer,
            _officer_fk("fk_roster_unit_history_officer_id_roster_officers"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit", sa.Integer, nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.UniqueConstraint("officer_id", "seq", name="uq_roster_unit_history_officer_seq"),
    )
    op.create_table(
        "roster_inspections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ledger_index", sa.BigInteger, nullable=False),
        sa.Column("inspected_at", sa.String(40), nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("unit", sa.Integer, nullable=False),
        sa.Column("watch", sa.String(8), nullable=False),
        sa.Column(
            "officer_id",
            sa.Integer,
            _officer_fk("fk_roster_inspections_officer_id_roster_officers"),
            nullable=False,
        ),
        sa.Column("star", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("compliant", sa.Boolean, nullable=False),
        sa.Column("failures", sa.Text, nullable=False),
        sa.Column("inspector", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("ledger_index", name="uq_roster_inspections_ledger_index"),
    )
    op.create_index("ix_roster_inspections_unit_on", "roster_inspections", ["unit", "inspected_on"])


def downgrade() -> None:
    for name in (
        "roster_inspections",
        "roster_unit_history",
        "roster_stars",
        "roster_officers",
        "roster_units",
    ):
        op.drop_table(name)
