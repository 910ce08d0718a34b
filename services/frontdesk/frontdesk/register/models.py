"""The property register: properties and their units."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE


class Property(IdMixin, TimestampMixin, Base):
    __tablename__ = "properties"

    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # IANA time zone: "today" at the property (reference years, due days, overdue sweeps)
    time_zone: Mapped[str] = mapped_column(
        String(64), nullable=False, default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    # Every UPDATE checks and bumps the version (the ETag): If-Match makes a stale edit a 412.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


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
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(Unit, lambda u: search_text(u.building, u.number))
