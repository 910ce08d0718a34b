"""The document archive (檔案, §1.2): contracts, ID copies, forms and notices kept for a unit or a
party, and documents of the property itself (an ad's artwork). The file itself is stored by
content hash (``documents.storage``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.lists import keep_search_text, search_text

DOCUMENT_CATEGORIES = ("contract", "id_copy", "form", "notice", "artwork", "other")
DOCUMENT_STATES = ("active", "archived")


class Document(IdMixin, TimestampMixin, Base):
    __tablename__ = "documents"

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    # the content: its SHA-256 (where it is stored), size, and type told from the bytes
    content_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str] = mapped_column(String(200), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="active")
    uploaded_by: Mapped[str] = mapped_column(String(120), nullable=False)
    archived_by: Mapped[str | None] = mapped_column(String(120))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archive_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(Document, lambda d: search_text(d.title, d.filename))
