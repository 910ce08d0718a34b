"""Release passes: what the desk sends and reads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from propops.money import MoneyOut

PassStatus = Literal["requested", "issued", "released", "held", "cancelled"]
OwnerMethod = Literal["phone", "in_person", "written"]


class PassItemIn(BaseModel):
    description: str = Field(min_length=1, max_length=300)
    quantity: int = Field(ge=1, le=100000)


class ReleasePassIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)
    requester_party_id: str = Field(min_length=1, max_length=36)
    items: list[PassItemIn] = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)
    planned_at: datetime
    valid_until: datetime | None = None

    @model_validator(mode="after")
    def _valid_after_planned(self) -> ReleasePassIn:
        if self.valid_until is not None and self.valid_until <= self.planned_at:
            raise ValueError("valid_until must be after planned_at")
        return self


class OwnerConfirmationIn(BaseModel):
    owner_party_id: str = Field(min_length=1, max_length=36)
    method: OwnerMethod
    notes: str | None = Field(default=None, max_length=2000)


class OverrideIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class CancelPassIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class PassItemOut(BaseModel):
    description: str
    quantity: int


class PassStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    status: str
    details: dict[str, object]


class ReleasePassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    property_id: str
    unit_id: str
    unit_label: str
    requester_party_id: str
    requester_name: str
    requester_role: str
    items: list[PassItemOut]
    reason: str
    planned_at: datetime
    valid_until: datetime
    status: PassStatus
    expired: bool = False
    payment_status: str
    overdue_amount: MoneyOut | None
    override_reason: str | None
    override_by: str | None
    override_at: datetime | None
    owner_confirmation_needed: bool = False
    owner_party_id: str | None
    owner_name: str | None
    owner_method: str | None
    owner_notes: str | None
    owner_confirmed_at: datetime | None
    owner_confirmed_by: str | None
    issued_at: datetime | None
    issued_by: str | None
    checked_at: datetime | None
    checked_by: str | None
    items_match: bool | None
    check_notes: str | None
    # what still stands between a requested pass and its issue (empty once it can be issued)
    missing: list[str] = []
    created_by: str
    created_at: datetime
    version: int


class ReleasePassDetail(ReleasePassOut):
    steps: list[PassStepOut]
