"""The property register: properties and their units."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin
from propops.lists import keep_search_text, search_text


class Property(IdMixin, TimestampMixin, Base):
    __tablename__ = "properties"

    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)


class Unit(IdMixin, TimestampMixin, Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("property_id", "building", "number", name="uq_units_address"),
    )

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    building: Mapped[str] = mapped_column(String(60), nullable=False)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    floor: Mapped[int | None] = mapped_column(Integer)
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # building and number normalized for q= (propops.lists), kept on every write
    search_text: Mapped[str] = mapped_column(String(120), nullable=False, default="")


keep_search_text(Unit, lambda u: search_text(u.building, u.number))
