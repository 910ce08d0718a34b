from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.commitments.schemas import CommitmentOut
from frontdesk.payment_status.service import PaymentStatus
from propops.money import MoneyOut

Channel = Literal["walk_in", "phone", "portal", "app"]
Nature = Literal["valid", "communication"]
Kind = Literal["help", "consult", "vent"]
Department = Literal["engineering", "cleaning", "security", "frontdesk", "fees", "leasing"]
Priority = Literal["low", "normal", "high", "urgent"]


class ComplaintIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    unit_id: str | None = Field(default=None, max_length=36)
    party_id: str | None = Field(default=None, max_length=36)
    channel: Channel
    description: str = Field(min_length=1, max_length=4000)
    location: str | None = Field(default=None, max_length=300)


class ClassifyIn(BaseModel):
    nature: Nature
    kind: Kind | None = Field(default=None, description="required for communication complaints")
    department: Department
    priority: Priority | None = None


class ConfirmIdentityIn(BaseModel):
    party_id: str = Field(min_length=1, max_length=36)
    document_checked: bool


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=4000)


class ResolveIn(BaseModel):
    resolution_notes: str = Field(min_length=1, max_length=4000)


class SiteVisitIn(BaseModel):
    department_head: str = Field(min_length=1, max_length=120)
    visited_at: datetime
    findings: str = Field(min_length=1, max_length=4000)


class EscalateIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class SiteVisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department_head: str
    visited_at: datetime
    findings: str
    recorded_by: str


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    department: str
    details: dict[str, Any]


class ComplaintOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str | None = Field(description="what a resident quotes, e.g. C-2026-00042")
    property_id: str
    unit_id: str | None
    party_id: str | None
    channel: str
    description: str
    location: str | None
    status: str
    nature: str | None
    kind: str | None
    department: str | None
    priority: str
    escalated: bool
    escalation_reason: str | None
    identity_party_id: str | None
    identity_document_checked: bool | None
    identity_confirmed_at: datetime | None
    payment_status_at_identity: str | None
    overdue_at_identity: MoneyOut | None
    assignee: str | None
    task_id: str | None
    answer: str | None
    resolution_notes: str | None
    response_due: datetime
    resolution_due: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    overdue: bool = False
    reopen_count: int
    created_by: str
    call_id: str | None
    service_code: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class ComplaintDetail(ComplaintOut):
    open_commitments: list[CommitmentOut] = []
    site_visits: list[SiteVisitOut] = []
    timeline: list[StepOut] = []
    payment_status: PaymentStatus | None = None
