from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class DailyReviewIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    date: dt.date = Field(description="the day reviewed, in the property's time zone (YYYY-MM-DD)")
    notes: str = Field(default="", max_length=4000)


class DailyReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    date: dt.date
    notes: str
    signed_by: str
    signed_at: dt.datetime
    created_at: dt.datetime
