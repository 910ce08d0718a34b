"""task kinds and sources: ``kind`` becomes the work kind; the complaint's kind moves to
``complaint_kind``; ``source_id``, ``source_key`` (unique per department) and ``asset_id``.

Revision ID: d44464618725
Revises: d8431d9b4146
Create Date: 2026-11-27 09:48:35.451908
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d44464618725"
down_revision: str | None = "d8431d9b4146"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE_KEY_SET = sa.text("source_key IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complaint_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("source_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("asset_id", sa.String(length=36), nullable=True))
    # every task so far was made from a dispatch: its kind was the complaint's
    op.execute("UPDATE tasks SET complaint_kind = kind, kind = 'complaint'")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=20),
            nullable=False,
            server_default="complaint",
        )
        batch_op.create_index(batch_op.f("ix_tasks_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_source_id"), ["source_id"], unique=False)
        batch_op.create_index(
            "uq_tasks_source_key",
            ["department", "source_key"],
            unique=True,
            sqlite_where=SOURCE_KEY_SET,
            postgresql_where=SOURCE_KEY_SET,
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("uq_tasks_source_key")
        batch_op.drop_index(batch_op.f("ix_tasks_source_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_kind"))
        batch_op.drop_index(batch_op.f("ix_tasks_asset_id"))
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), nullable=True, server_default=None
        )
    op.execute("UPDATE tasks SET kind = complaint_kind")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("asset_id")
        batch_op.drop_column("source_key")
        batch_op.drop_column("source_id")
        batch_op.drop_column("complaint_kind")
