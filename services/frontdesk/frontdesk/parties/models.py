"""Parties (people or companies) and who owns, rents or lives in which unit, when."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin


class Party(IdMixin, TimestampMixin, Base):
    __tablename__ = "parties"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # person | company
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    id_number: Mapped[str | None] = mapped_column(String(60))


class Occupancy(IdMixin, TimestampMixin, Base):
    __tablename__ = "occupancies"

    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True, nullable=False)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # owner | tenant | resident
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
