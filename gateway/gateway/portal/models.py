"""The portal's own table in the gateway database: each user's preferences (language)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from propops.db import TimestampMixin


class PortalPreference(TimestampMixin, Base):
    __tablename__ = "portal_preferences"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), nullable=False)
