"""Release passes (放行單): goods taken out of the property, checked at the gate."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.lists import keep_search_text, search_text


class ReleasePass(IdMixin, TimestampMixin, Base):
    __tablename__ = "release_passes"
    __table_args__ = (
        UniqueConstraint("property_id", "reference", name="uq_release_passes_reference"),
    )

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    reference: Mapped[str] = mapped_column(String(24), index=True, nullable=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True, nullable=False)
    unit_label: Mapped[str] = mapped_column(String(120), nullable=False)
    requester_party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # the requester's current hold on the unit when the pass was asked for
    requester_role: Mapped[str] = mapped_column(String(20), nullable=False)
    items: Mapped[list] = mapped_column(JSON, nullable=False)  # type: ignore[type-arg]
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    # the desk's copy of the unit's payment status (from fees), as it was at the last check
    payment_status: Mapped[str] = mapped_column(String(20), nullable=False)
    overdue_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(120))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_method: Mapped[str | None] = mapped_column(String(20))
    owner_notes: Mapped[str | None] = mapped_column(Text)
    owner_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_confirmed_by: Mapped[str | None] = mapped_column(String(120))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by: Mapped[str | None] = mapped_column(String(120))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by: Mapped[str | None] = mapped_column(String(120))
    items_match: Mapped[bool | None]
    check_notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    search_text: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(ReleasePass, lambda p: search_text(p.reference, p.unit_label, p.requester_name))


class ReleasePassStep(IdMixin, Base):
    __tablename__ = "release_pass_steps"

    pass_id: Mapped[str] = mapped_column(
        ForeignKey("release_passes.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # type: ignore[type-arg]
