from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engineering.equipment.models import Category
from engineering.maintenance.schemas import PlanOut
from propops.tasks.schemas import TaskOut

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class EquipmentIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = (
        Field(description="the plate or asset number, unique in the property, e.g. LIFT-A2")
    )
    name: Text200
    category: Category
    location: Text200 = Field(description="where it is, e.g. Block A machine room")
    vendor: Text200 | None = Field(default=None, description="who maintains it")
    installed_on: date | None = None


class EquipmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    code: str
    name: str
    category: Category
    location: str
    vendor: str | None
    installed_on: date | None
    last_serviced_at: datetime | None
    created_at: datetime


class ServiceRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    task_id: str
    reference: str | None
    plan_id: str | None
    serviced_at: datetime
    serviced_by: str | None
    notes: str | None


class EquipmentDetail(EquipmentOut):
    work_orders: list[TaskOut] = Field(description="its work orders, newest first (at most 50)")
    service_log: list[ServiceRecordOut] = Field(description="newest first (at most 50)")
    plans: list[PlanOut]
