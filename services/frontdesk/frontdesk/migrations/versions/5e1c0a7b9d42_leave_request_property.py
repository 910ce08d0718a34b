"""leave request property: the property the desk clerk asks leave from

Revision ID: 5e1c0a7b9d42
Revises: 2404095d7b42
Create Date: 2026-11-27 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0a7b9d42"
down_revision: str | None = "2404095d7b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: requests made before have no property and are seen (and decided) only by users
    # who see every property. New requests name one (the API requires it).
    with op.batch_alter_table("leave_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("property_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_leave_requests_property_id"), ["property_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_leave_requests_property_id_properties"),
            "properties",
            ["property_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("leave_requests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_leave_requests_property_id_properties"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_leave_requests_property_id"))
        batch_op.drop_column("property_id")
