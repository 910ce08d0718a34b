"""Complaints (投訴), their timeline and site visits. (Commitments made to the resident are
in ``frontdesk.commitments``, callbacks in ``frontdesk.callbacks``.)"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from propops.lists import keep_search_text, search_text

OPEN_STATES = (
    "recorded",
    "classified",
    "dispatched",
    "answered",
    "in_progress",
    "resolved",
    "reopened",
)
FINAL_STATES = ("closed", "cancelled")


class Complaint(IdMixin, TimestampMixin, Base):
    __tablename__ = "complaints"
    __table_args__ = (Index("uq_complaints_reference", "property_id", "reference", unique=True),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    # what a resident reads over the phone: C-2026-00042 (propops.references)
    reference: Mapped[str | None] = mapped_column(String(20), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="recorded")
    nature: Mapped[str | None] = mapped_column(String(20), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(20), index=True)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    escalated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    # identity confirmation (communication complaints) and the unit's payment status then
    identity_party_id: Mapped[str | None] = mapped_column(String(36))
    identity_document_checked: Mapped[bool | None] = mapped_column(Boolean)
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_status_at_identity: Mapped[str | None] = mapped_column(String(20))
    overdue_at_identity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # who resolves it: the department head for a valid complaint (after the site visit)
    assignee: Mapped[str | None] = mapped_column(String(120))
    task_id: Mapped[str | None] = mapped_column(String(36))
    answer: Mapped[str | None] = mapped_column(Text)
    resolution_notes: Mapped[str | None] = mapped_column(Text)
    # deadlines
    response_due: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_overdue_notified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    resolution_overdue_notified: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False
    )
    reopen_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    call_id: Mapped[str | None] = mapped_column(String(36))
    # Open311: the service code the request was filed under, and the app (API key) that filed it
    service_code: Mapped[str | None] = mapped_column(String(60))
    requested_by_app: Mapped[str | None] = mapped_column(String(36))
    # what another department's event made it from (e.g. "fees-opinion:<id>"): once per key
    source_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # how many timeline steps it has: the next step's ``seq``, bumped with the row
    step_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # description and location normalized for q= (propops.lists), kept on every write
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    # Every UPDATE checks and bumps the version (propops.lifecycle): two writers never both win.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(Complaint, lambda c: search_text(c.reference, c.description, c.location))


class ComplaintStep(Base):
    """One line of a complaint's timeline: a step at the desk or in a department."""

    __tablename__ = "complaint_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    complaint_id: Mapped[str] = mapped_column(
        ForeignKey("complaints.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    department: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class SiteVisit(IdMixin, Base):
    __tablename__ = "site_visits"

    complaint_id: Mapped[str] = mapped_column(
        ForeignKey("complaints.id"), index=True, nullable=False
    )
    department_head: Mapped[str] = mapped_column(String(120), nullable=False)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(120), nullable=False)
