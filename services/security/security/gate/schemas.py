"""The gate's views and what the guard records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from propops.identity import DocumentKind

GateVisitStatus = Literal["expected", "on_site", "left", "cancelled"]
GatePassStatus = Literal["issued", "released", "held", "cancelled"]


class GateVisitorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    visit_id: str
    property_id: str
    reference: str | None
    visitor_name: str
    id_number_masked: str | None
    purpose: str
    host_unit_label: str | None
    host_department: str | None
    expected_at: datetime | None
    visit_date: date | None
    identity_confirmed: bool
    document_kind: str | None = None  # seen by the guard at entry (the desk had not confirmed)
    status: GateVisitStatus
    entered_at: datetime | None
    entered_by: str | None
    exited_at: datetime | None
    exited_by: str | None
    version: int


class GatePassItem(BaseModel):
    description: str
    quantity: int


class GatePassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pass_id: str
    property_id: str
    reference: str | None
    unit_label: str | None
    requester_name: str
    requester_role: str | None
    items: list[GatePassItem]
    reason: str
    planned_at: datetime
    valid_until: datetime
    expired: bool = False
    payment_status: str | None
    override_reason: str | None
    owner_confirmed: bool
    status: GatePassStatus
    items_match: bool | None
    notes: str | None
    checked_at: datetime | None
    checked_by: str | None
    version: int


class CheckIn(BaseModel):
    items_match: bool
    notes: str | None = Field(default=None, max_length=2000)


class EnterIn(BaseModel):
    """The document the guard saw: needed when the desk has not confirmed the identity (the
    same rule as the desk's confirm-identity)."""

    document_kind: DocumentKind | None = None
    document_checked: bool | None = None
