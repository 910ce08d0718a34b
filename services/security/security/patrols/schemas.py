from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from propops.recurrence import Rule
from propops.timezones import validate_time_zone
from security.patrols.models import PatrolRoute, PatrolRun, PatrolScan


class Checkpoint(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$", examples=["CP1"])
    name: str = Field(min_length=1, max_length=200, examples=["Car park B2 exit"])


class RouteIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    checkpoints: list[Checkpoint] = Field(min_length=1, max_length=100)
    rrule: Rule = Field(
        description="RFC 5545 recurrence rule of the patrol's start, local times in the "
        "property's time zone, counted from the day the route is made",
        examples=["FREQ=DAILY;BYHOUR=9,21;BYMINUTE=0"],
    )
    window_minutes: int = Field(
        ge=1, le=24 * 60, description="how long after its time a patrol may start"
    )
    time_zone: str | None = Field(
        default=None, max_length=64, description="the property's IANA time zone"
    )

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("checkpoints")
    @classmethod
    def _unique_codes(cls, value: list[Checkpoint]) -> list[Checkpoint]:
        codes = [c.code for c in value]
        doubles = sorted({c for c in codes if codes.count(c) > 1})
        if doubles:
            raise ValueError(f"checkpoint codes repeat: {', '.join(doubles)}")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)


class RouteOut(BaseModel):
    id: str
    property_id: str
    name: str
    checkpoints: list[Checkpoint]
    rrule: str
    window_minutes: int
    time_zone: str
    created_by: str | None
    created_at: datetime

    @classmethod
    def of(cls, route: PatrolRoute) -> RouteOut:
        return cls.model_validate(route, from_attributes=True)


class StartIn(BaseModel):
    route_id: str = Field(min_length=1, max_length=36)


class ScanIn(BaseModel):
    checkpoint_code: str = Field(min_length=1, max_length=40)
    at: AwareDatetime | None = Field(default=None, description="when it was scanned (now)")
    ok: bool = Field(default=True, description="the checkpoint was found in order")
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="or If-Match")

    @field_validator("at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1970 <= value.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return value


class FinishIn(BaseModel):
    version: int | None = Field(default=None, description="or If-Match")


class ScanOut(BaseModel):
    checkpoint_code: str
    at: datetime
    ok: bool
    note: str | None
    scanned_by: str | None

    @classmethod
    def of(cls, scan: PatrolScan) -> ScanOut:
        return cls.model_validate(scan, from_attributes=True)


class RunOut(BaseModel):
    id: str
    route_id: str
    route_name: str
    property_id: str
    occurrence_at: datetime | None = Field(description="the scheduled start it walks")
    status: str = Field(description="in_progress | completed | incomplete")
    guard: str
    started_at: datetime
    finished_at: datetime | None
    version: int
    scans: list[ScanOut]
    missed_checkpoints: list[str] = Field(
        description="codes not scanned (still to scan while in progress)"
    )

    @classmethod
    def of(cls, run: PatrolRun, route: PatrolRoute, scans: list[PatrolScan]) -> RunOut:
        scanned = {s.checkpoint_code for s in scans}
        return cls(
            id=run.id,
            route_id=run.route_id,
            route_name=route.name,
            property_id=run.property_id,
            occurrence_at=run.occurrence_at,
            status=run.status,
            guard=run.guard,
            started_at=run.started_at,
            finished_at=run.finished_at,
            version=run.version,
            scans=[ScanOut.of(s) for s in sorted(scans, key=lambda s: s.at)],
            missed_checkpoints=[c["code"] for c in route.checkpoints if c["code"] not in scanned],
        )


class SheetState(StrEnum):
    upcoming = "upcoming"  # its window has not opened
    due = "due"  # may be started now
    in_progress = "in_progress"
    done = "done"  # every checkpoint scanned
    missed = "missed"  # not started in its window, or checkpoints missed


class SheetRow(BaseModel):
    route_id: str
    route_name: str
    property_id: str
    occurrence_at: datetime | None = Field(description="none: a patrol outside the schedule")
    start_by: datetime | None = Field(description="the end of its window")
    state: SheetState
    run: RunOut | None
    next_day: bool = Field(
        default=False,
        description="the next day's patrol whose window opened on this day, on this day's "
        "sheet while it is due or being walked",
    )


class PatrolSheet(BaseModel):
    date: dt.date | None = Field(description="the day (none: today in each route's zone)")
    items: list[SheetRow]
