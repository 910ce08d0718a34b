"""Paid services in and out. Prices are decimal strings (``propops.money``), never floats."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from propops.money import MoneyIn, MoneyOut

ItemCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


class ItemIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    code: ItemCode
    name: str = Field(min_length=1, max_length=200)
    unit_price: MoneyIn


class ItemPatch(BaseModel):
    """The fields to change; send ``If-Match`` with the version read. Quotes already made keep
    their prices."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    unit_price: MoneyIn | None = None
    active: bool | None = None


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    code: str
    name: str
    unit_price: MoneyOut
    active: bool
    version: int


class LineIn(BaseModel):
    item_code: ItemCode
    quantity: Decimal = Field(gt=0, le=10000, max_digits=7, decimal_places=2)


class PaidServiceIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)
    party_id: str = Field(min_length=1, max_length=36, description="the resident asking")
    lines: list[LineIn] = Field(min_length=1, max_length=30)
    notes: str | None = Field(default=None, max_length=2000)


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class SignOffIn(BaseModel):
    signed_by_party_id: str = Field(min_length=1, max_length=36)
    satisfied: bool
    comment: str | None = Field(default=None, max_length=2000)


class LineOut(BaseModel):
    item_code: str
    name: str
    quantity: Decimal
    unit_price: MoneyOut
    amount: MoneyOut


class PaidServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    property_id: str
    unit_id: str
    party_id: str
    lines: list[LineOut]
    total: MoneyOut
    notes: str | None
    status: str
    quoted_by: str | None
    accepted_by: str | None
    accepted_at: datetime | None
    work_order_id: str | None
    work_order_reference: str | None
    completed_at: datetime | None
    completion_notes: str | None
    signed_by_party_id: str | None
    satisfied: bool | None
    sign_off_comment: str | None
    signed_off_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_at: datetime
    version: int


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    status: str
    details: dict


class PaidServiceDetail(PaidServiceOut):
    history: list[StepOut]
