"""Security incidents (事件): what a guard or the desk reports, by severity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import IdMixin, TimestampMixin, UTCDateTime
from security.db import Base

REFERENCE_PREFIX = "SI"  # SI-2026-00004


class IncidentKind(StrEnum):
    intrusion = "intrusion"  # 非法闖入
    theft = "theft"  # 盜竊
    fire = "fire"  # 火警
    injury = "injury"  # 受傷
    damage = "damage"  # 財物損壞
    disturbance = "disturbance"  # 滋擾
    suspicious = "suspicious"  # 可疑人物或物件
    other = "other"  # 其他


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


SEVERE = (Severity.high.value, Severity.critical.value)


class Incident(IdMixin, TimestampMixin, Base):
    __tablename__ = "incidents"

    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    severity: Mapped[str] = mapped_column(String(10), index=True, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reported_by: Mapped[str | None] = mapped_column(String(100))
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
