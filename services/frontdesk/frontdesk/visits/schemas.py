"""Visitors: what the desk sends and reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontdesk.complaints.schemas import Department
from propops.identity import DocumentKind
from propops.masking import mask_id_number, phone_for

VisitStatus = Literal["expected", "on_site", "left", "cancelled"]


class VisitIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    visitor_name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=1, max_length=40)
    id_number: str | None = Field(default=None, min_length=1, max_length=60)
    purpose: str = Field(min_length=1, max_length=2000)
    host_unit_id: str | None = Field(default=None, min_length=1, max_length=36)
    host_department: Department | None = None
    expected_at: datetime | None = None

    @model_validator(mode="after")
    def _one_host(self) -> VisitIn:
        if self.host_unit_id is not None and self.host_department is not None:
            raise ValueError("name either host_unit_id or host_department, not both")
        return self


class ConfirmVisitorIn(BaseModel):
    document_kind: DocumentKind
    document_checked: bool


class VisitNoteIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class VisitStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    status: str
    source: str
    details: dict[str, object]


class VisitOut(BaseModel):
    """A visit; the ID number is always masked, the phone in full only for those who dial."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    property_id: str
    visitor_name: str
    phone: str | None
    id_number: str | None
    purpose: str
    host_unit_id: str | None
    host_unit_label: str | None = None
    host_department: str | None
    expected_at: datetime | None
    visit_date: date
    status: VisitStatus
    document_kind: str | None
    document_checked: bool
    identity_confirmed_at: datetime | None
    identity_confirmed_by: str | None
    arrived_at: datetime | None
    left_at: datetime | None
    registered_by: str
    created_at: datetime
    version: int

    def masked_for(self, roles: frozenset[str]) -> VisitOut:
        return self.model_copy(
            update={
                "id_number": mask_id_number(self.id_number),
                "phone": phone_for(self.phone, roles),
            }
        )


class VisitDetail(VisitOut):
    steps: list[VisitStepOut]
