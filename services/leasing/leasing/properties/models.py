"""Leasing's copy of the properties it lets spaces in: learnt from the front desk's register
(each registered unit names its property, code and time zone)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import TimestampMixin


class KnownProperty(TimestampMixin, Base):
    __tablename__ = "known_properties"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    time_zone: Mapped[str | None] = mapped_column(String(64))
