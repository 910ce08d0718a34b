"""Notices in and out: title and body in both languages, times with or without an offset (without
one, a time is read in the property's time zone)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from frontdesk.notices.models import CATEGORIES, Notice

Building = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class Category(StrEnum):
    water_cut = "water_cut"  # 停水
    power_cut = "power_cut"  # 停電
    lift_maintenance = "lift_maintenance"  # 電梯保養
    fee_reminder = "fee_reminder"  # 繳費提示
    meeting = "meeting"  # 會議
    other = "other"


assert tuple(Category) == CATEGORIES


class Title(BaseModel):
    zh_hant: str = Field(min_length=1, max_length=200, description="in Traditional Chinese")
    en: str = Field(min_length=1, max_length=200, description="in English")


class Body(BaseModel):
    zh_hant: str = Field(min_length=1, max_length=8000, description="in Traditional Chinese")
    en: str = Field(min_length=1, max_length=8000, description="in English")


class NoticeIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    buildings: list[Building] = Field(
        default_factory=list, max_length=50, description="the buildings concerned; none: all"
    )
    category: Category
    title: Title
    body: Body
    publish_from: datetime = Field(description="without an offset: in the property's time zone")
    publish_until: datetime = Field(description="after publish_from; same rule for the zone")


class NoticePatch(BaseModel):
    """A draft's fields to change (others stay), each checked as when drafting; none may be
    null."""

    property_id: str | None = Field(default=None, min_length=1, max_length=36)
    buildings: list[Building] | None = Field(
        default=None, max_length=50, description="the buildings concerned; []: all"
    )
    category: Category | None = None
    title: Title | None = None
    body: Body | None = None
    publish_from: datetime | None = Field(
        default=None, description="without an offset: in the property's time zone"
    )
    publish_until: datetime | None = Field(
        default=None, description="after publish_from; same rule for the zone"
    )

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:  # only a field sent is checked: one left out stays as it is
            raise ValueError("cannot be null: leave the field out to keep it")
        return value


class WithdrawIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    buildings: list[str]
    category: str
    title: Title
    body: Body
    publish_from: datetime
    publish_until: datetime
    status: str
    showing: bool = Field(description="published, and now is within its publishing window")
    created_by: str | None
    published_by: str | None
    published_at: datetime | None
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdraw_reason: str | None
    created_at: datetime
    version: int

    @classmethod
    def of(cls, notice: Notice, now: datetime) -> NoticeOut:
        return cls(
            id=notice.id,
            property_id=notice.property_id,
            buildings=list(notice.buildings or []),
            category=notice.category,
            title=Title(zh_hant=notice.title_zh_hant, en=notice.title_en),
            body=Body(zh_hant=notice.body_zh_hant, en=notice.body_en),
            publish_from=notice.publish_from,
            publish_until=notice.publish_until,
            status=notice.status,
            showing=notice.status == "published"
            and notice.publish_from <= now < notice.publish_until,
            created_by=notice.created_by,
            published_by=notice.published_by,
            published_at=notice.published_at,
            withdrawn_by=notice.withdrawn_by,
            withdrawn_at=notice.withdrawn_at,
            withdraw_reason=notice.withdraw_reason,
            created_at=notice.created_at,
            version=notice.version,
        )


class PublicNotice(BaseModel):
    """A notice as residents' apps read it: times in the property's time zone."""

    id: str
    category: str
    buildings: list[str]
    title: Title
    body: Body
    publish_from: datetime
    publish_until: datetime


class PublicNotices(BaseModel):
    jurisdiction_id: str = Field(description="the property code")
    property_name: str
    time_zone: str
    as_of: datetime = Field(description="now, in the property's time zone")
    notices: list[PublicNotice]
