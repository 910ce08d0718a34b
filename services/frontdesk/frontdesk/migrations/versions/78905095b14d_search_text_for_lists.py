"""search text for lists: normalized columns for q= and phone=, backfilled

Revision ID: 78905095b14d
Revises: 24e625860866
Create Date: 2026-11-27 06:02:52.749040
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from propops.lists import digits, search_text

revision: str = "78905095b14d"
down_revision: str | None = "24e625860866"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _backfill(table: sa.TableClause, compute, *columns: str) -> None:  # type: ignore[no-untyped-def]
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
    for row in rows:
        bind.execute(table.update().where(table.c.id == row[0]).values(**compute(*row[1:])))


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone_digits", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_parties_phone_digits"), ["phone_digits"], unique=False)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=120), nullable=False, server_default="")
        )

    complaints = sa.table(
        "complaints",
        sa.column("id"),
        sa.column("description"),
        sa.column("location"),
        sa.column("search_text"),
    )
    _backfill(
        complaints, lambda d, loc: {"search_text": search_text(d, loc)}, "description", "location"
    )
    parties = sa.table(
        "parties",
        sa.column("id"),
        sa.column("name"),
        sa.column("phone"),
        sa.column("phone_digits"),
        sa.column("search_text"),
    )
    _backfill(
        parties,
        lambda name, phone: {
            "phone_digits": digits(phone),
            "search_text": search_text(name, phones=[phone]),
        },
        "name",
        "phone",
    )
    units = sa.table(
        "units",
        sa.column("id"),
        sa.column("building"),
        sa.column("number"),
        sa.column("search_text"),
    )
    _backfill(units, lambda b, n: {"search_text": search_text(b, n)}, "building", "number")


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parties_phone_digits"))
        batch_op.drop_column("search_text")
        batch_op.drop_column("phone_digits")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("search_text")
