from __future__ import annotations

import datetime as dt
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from propops.timezones import validate_time_zone
from security.posts.models import Post, PostKind


class Hours(BaseModel):
    """One opening of a post, local times; ``to`` at or before ``from`` ends the next day."""

    model_config = ConfigDict(populate_by_name=True)

    from_: time = Field(alias="from", examples=["08:00"])
    to: time = Field(examples=["20:00"])

    @field_validator("from_", "to")
    @classmethod
    def _minutes(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time without a zone, e.g. 08:00")
        if value.second or value.microsecond:
            raise ValueError("whole minutes, e.g. 08:00")
        return value

    def stored(self) -> dict[str, str]:
        return {"from": self.from_.strftime("%H:%M"), "to": self.to.strftime("%H:%M")}

    @classmethod
    def of(cls, value: dict[str, Any]) -> Hours:
        return cls.model_validate(value)


class PostIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    code: str = Field(min_length=1, max_length=40, examples=["G1"])
    name: str = Field(min_length=1, max_length=200, examples=["Main gate"])
    kind: PostKind
    hours: list[Hours] = Field(
        min_length=1,
        max_length=12,
        description="when the post must be staffed, local times; "
        '[{"from": "00:00", "to": "00:00"}] is round the clock',
    )
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="the property's IANA time zone (default: the installation's)",
    )

    @field_validator("code", "name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)


class PostOut(BaseModel):
    id: str
    property_id: str
    code: str
    name: str
    kind: PostKind
    hours: list[Hours]
    time_zone: str
    created_at: datetime

    @classmethod
    def of(cls, post: Post) -> PostOut:
        return cls(
            id=post.id,
            property_id=post.property_id,
            code=post.code,
            name=post.name,
            kind=PostKind(post.kind),
            hours=[Hours.of(h) for h in post.hours],
            time_zone=post.time_zone,
            created_at=post.created_at,
        )


class StretchOut(BaseModel):
    start: datetime
    end: datetime
    staffed: bool
    guards: list[str]
    minutes: int


class PostCoverage(BaseModel):
    post: PostOut
    date: dt.date = Field(description="the day, in the post's time zone")
    stretches: list[StretchOut]
    staffed_minutes: int
    unstaffed_minutes: int


class CoverageOut(BaseModel):
    property_id: str
    date: dt.date | None = Field(description="the day asked for (none: today in each post's zone)")
    posts: list[PostCoverage]
