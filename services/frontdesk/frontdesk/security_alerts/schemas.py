from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from frontdesk.security_alerts.models import AlertKind, AlertStatus, SecurityAlert


class AcknowledgeIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000, description="what was done")
    version: int | None = Field(default=None, description="or If-Match")


class SecurityAlertOut(BaseModel):
    id: str
    kind: AlertKind
    property_id: str
    place: str = Field(description="the post, the patrol route or the incident's location")
    severity: str | None = Field(description="incidents: high | critical")
    reference: str | None = Field(description="incidents: security's reference")
    details: dict[str, Any] = Field(
        description="post checks: present, dressed, alert, checked_by, guards_on_duty; "
        "patrols: reason, occurrence_at, missed_checkpoints, guard; incidents: kind, "
        "description, reported_by"
    )
    notes: str | None
    occurred_at: datetime
    status: AlertStatus
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, alert: SecurityAlert) -> SecurityAlertOut:
        return cls.model_validate(alert, from_attributes=True)
