from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from frontdesk.inspections.defaults import TASK_DEPARTMENT, TEMPLATE_DEPARTMENTS

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_-]{1,40}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
TemplateDepartment = Literal[TEMPLATE_DEPARTMENTS]  # type: ignore[valid-type]
ItemDepartment = Literal[tuple(TASK_DEPARTMENT)]  # type: ignore[valid-type]


class TemplateItem(BaseModel):
    code: Code
    text_zh: Text
    text_en: Text
    department: ItemDepartment | None = Field(
        default=None, description="who puts it right, if not the template's department"
    )


class TemplateIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    department: TemplateDepartment
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    items: list[TemplateItem] = Field(min_length=1, max_length=100)

    @field_validator("items")
    @classmethod
    def _unique_codes(cls, items: list[TemplateItem]) -> list[TemplateItem]:
        codes = [i.code for i in items]
        if len(set(codes)) != len(codes):
            raise ValueError("item codes must be unique")
        return items


class TemplateUpdate(BaseModel):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
        | None
    ) = None
    items: list[TemplateItem] | None = Field(default=None, min_length=1, max_length=100)
    version: int | None = Field(default=None, description="or If-Match")

    _unique = field_validator("items")(
        lambda cls, v: v if v is None else TemplateIn._unique_codes(v)  # type: ignore[misc]
    )


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    department: str
    name: str
    items: list[TemplateItem]
    seeded: bool
    version: int
    created_at: datetime
    updated_at: datetime


class InspectionIn(BaseModel):
    template_id: str = Field(min_length=1, max_length=36)
    property_id: str = Field(min_length=1, max_length=36)
    location: str | None = Field(default=None, max_length=200)


Result = Literal["pass", "fail", "na"]


class ResultIn(BaseModel):
    code: Code
    result: Result
    note: str | None = Field(default=None, max_length=2000)
    document_id: str | None = Field(default=None, max_length=36)
    severity: Literal["minor", "major"] = "minor"


class ResultsIn(BaseModel):
    items: list[ResultIn] = Field(min_length=1, max_length=100)
    version: int | None = Field(default=None, description="or If-Match")


class ActionIn(BaseModel):
    version: int | None = Field(default=None, description="or If-Match")


class InspectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    template_id: str
    template_name: str
    department: str
    location: str | None
    status: str
    items: list[TemplateItem]
    results: dict[str, dict]
    inspector: str
    submitted_at: datetime | None
    version: int
    created_at: datetime
    nonconformance_ids: list[str] = Field(default_factory=list)
