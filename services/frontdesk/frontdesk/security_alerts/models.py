"""The front desk's security alerts: its own copy of what security reports that the desk must
follow up (failed post checks, missed patrols, high and critical incidents)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class AlertKind(StrEnum):
    post_check_failed = "post_check_failed"  # 查崗不合格
    patrol_missed = "patrol_missed"  # 漏巡
    incident = "incident"  # 嚴重事件


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"


class SecurityAlert(IdMixin, TimestampMixin, Base):
    __tablename__ = "security_alerts"

    # what the alert is about, once: post_check:<id>, patrol:<route>@<occurrence>, incident:<id>
    key: Mapped[str] = mapped_column(String(160), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    place: Mapped[str] = mapped_column(String(300), nullable=False)  # post, route or location
    severity: Mapped[str | None] = mapped_column(String(10))  # incidents
    reference: Mapped[str | None] = mapped_column(String(20))  # incidents
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=AlertStatus.open)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_security_alerts_status_occurred", "status", "occurred_at"),)
