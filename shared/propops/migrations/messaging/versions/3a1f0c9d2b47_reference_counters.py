"""reference counters (C-2026-00042)

Revision ID: 3a1f0c9d2b47
Revises: 0de17aa5fc00
Create Date: 2026-11-27 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a1f0c9d2b47"
down_revision: str | None = "0de17aa5fc00"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("property_id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "prefix", "property_id", "year", name=op.f("pk_reference_counters")
        ),
    )


def downgrade() -> None:
    op.drop_table("reference_counters")
