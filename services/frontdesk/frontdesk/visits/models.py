"""Visitors (接待來訪者): a visit registered at the desk, its identity check, arrival and
departure, and each step of it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.lists import keep_search_text, search_text


class Visit(IdMixin, TimestampMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("property_id", "reference", name="uq_visits_reference"),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    reference: Mapped[str] = mapped_column(String(24), index=True, nullable=False)
    visitor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    host_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    host_unit_label: Mapped[str | None] = mapped_column(String(120))  # "A 12F-3", as registered
    host_department: Mapped[str | None] = mapped_column(String(20))
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the day of the visit in the property's time zone (expected, else registered): date=
    visit_date: Mapped[date] = mapped_column(Date, index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    document_kind: Mapped[str | None] = mapped_column(String(20))
    document_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    identity_confirmed_by: Mapped[str | None] = mapped_column(String(120))
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_by: Mapped[str] = mapped_column(String(120), nullable=False)
    search_text: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(
    Visit, lambda v: search_text(v.visitor_name, v.reference, v.purpose, phones=[v.phone])
)


class VisitStep(IdMixin, Base):
    """One step of a visit: who did what, where (the desk or the gate), when."""

    __tablename__ = "visit_steps"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # desk | gate
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # type: ignore[type-arg]
