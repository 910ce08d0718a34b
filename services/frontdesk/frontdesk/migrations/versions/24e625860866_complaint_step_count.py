"""complaint step count

Revision ID: 24e625860866
Revises: 6047ddfb512c
Create Date: 2026-11-27 06:06:32.695665
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "24e625860866"
down_revision: str | None = "6047ddfb512c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("step_count", sa.Integer(), server_default="0", nullable=False)
        )
    # the steps a complaint has so far: its next step is numbered step_count + 1
    op.execute(
        "UPDATE complaints SET step_count = (SELECT COALESCE(MAX(s.seq), 0) "
        "FROM complaint_steps s WHERE s.complaint_id = complaints.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("step_count")
