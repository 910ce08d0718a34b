"""Ad placements (廣告): what is shown on an ad space, for whom and until when; each is
approved (or rejected) by the office before it goes up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leasing.artwork.models import ARCHIVED as ARTWORK_ARCHIVED
from leasing.artwork.models import ArtworkDocument
from leasing.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE, today_in

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)


class AdPlacement(IdMixin, TimestampMixin, Base):
    __tablename__ = "ad_placements"
    __table_args__ = (
        Index("ix_ad_placements_space_dates", "space_id", "starts_on", "ends_on"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    space_id: Mapped[str] = mapped_column(ForeignKey("spaces.id"), nullable=False)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contracts.id"))
    advertiser: Mapped[str] = mapped_column(String(200), nullable=False)
    artwork: Mapped[str] = mapped_column(Text, nullable=False)  # what the ad shows
    # the artwork's file: a document of the front desk's archive (leasing's copy of it)
    artwork_document_id: Mapped[str | None] = mapped_column(
        ForeignKey("artwork_documents.id"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, index=True, nullable=False)  # the last day up
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=PENDING)
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    artwork_document: Mapped[ArtworkDocument | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def artwork_archived(self) -> bool:
        """Its artwork document was archived at the front desk since (the ad is flagged)."""
        doc = self.artwork_document
        return doc is not None and doc.status == ARTWORK_ARCHIVED

    @property
    def expired(self) -> bool:
        """Its last day is past, today where the space is."""
        return self.ends_on < today_in(self.time_zone)


keep_search_text(AdPlacement, lambda a: search_text(a.advertiser, a.artwork))


class AdPlacementStep(Base):
    """One line of a placement's history (submitted, approved, rejected)."""

    __tablename__ = "ad_placement_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    placement_id: Mapped[str] = mapped_column(
        ForeignKey("ad_placements.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
