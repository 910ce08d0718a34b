"""The charge each signed-off paid service raised: one row per paid service (its primary key),
so a redelivered or replayed sign-off can never charge the unit twice."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import TimestampMixin


class PaidServiceCharge(TimestampMixin, Base):
    __tablename__ = "paid_service_charges"

    paid_service_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20))
    charge_id: Mapped[str] = mapped_column(ForeignKey("charges.id"), nullable=False)
