"""receipt numbers: every payment's 收據編號, gapless per property and year; payments made
before receipts existed get theirs in the order they were recorded

Revision ID: 33eb9664f675
Revises: f3368a1182af
Create Date: 2026-11-27 11:00:58.047890
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from propops.references import backfill_references

revision: str = "33eb9664f675"
down_revision: str | None = "f3368a1182af"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_number", sa.String(length=24), nullable=True))
        batch_op.create_unique_constraint(
            "uq_payments_receipt_number", ["property_id", "receipt_number"]
        )
    payments = sa.table(
        "payments",
        sa.column("id"),
        sa.column("property_id"),
        sa.column("account_id"),
        sa.column("created_at", sa.DateTime()),
        sa.column("receipt_number"),
    )
    accounts = sa.table("accounts", sa.column("id"), sa.column("time_zone"))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            payments.c.id,
            sa.literal("R"),
            payments.c.property_id,
            payments.c.created_at,
            accounts.c.time_zone,
        )
        .join(accounts, accounts.c.id == payments.c.account_id)
        .where(payments.c.receipt_number.is_(None))
        .order_by(payments.c.created_at, payments.c.id)
    ).all()
    backfill_references(conn, "payments", rows, column_name="receipt_number")


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payments_receipt_number", type_="unique")
        batch_op.drop_column("receipt_number")
