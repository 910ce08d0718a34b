"""Leasing's copy of the artwork in the front desk's archive (``ArtworkDocument``): learnt from
the archive's ``DocumentChanged`` events (category ``artwork`` only), never read from the front
desk's tables. An ad names one as its artwork."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import TimestampMixin, UTCDateTime

ACTIVE = "active"
ARCHIVED = "archived"
STATES = (ACTIVE, ARCHIVED)


class ArtworkDocument(TimestampMixin, Base):
    __tablename__ = "artwork_documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the archive's document id
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=ACTIVE)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
