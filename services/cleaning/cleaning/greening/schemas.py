from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from cleaning.greening.models import GreeningJob, GreeningProgress, JobKind, JobStatus
from cleaning.greening.progress import expected_progress, is_late
from propops.timezones import today_in

PHONE = r"^\+?[0-9][0-9 ()-]*$"


class ContractorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["Evergreen Landscaping Ltd"])
    phone: str = Field(min_length=3, max_length=40, pattern=PHONE, examples=["2345 6789"])
    scope: str = Field(
        min_length=1,
        max_length=2000,
        description="what the contract covers",
        examples=["planting and upkeep of the podium garden"],
    )


class ContractorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    phone: str
    scope: str
    created_at: datetime


class GreeningJobIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    contractor_id: str = Field(min_length=1, max_length=36)
    kind: JobKind
    area_id: str | None = Field(default=None, min_length=1, max_length=36)
    description: str = Field(min_length=1, max_length=2000)
    start_date: date
    expected_finish: date = Field(description="the day it should be finished; not before start")


class ProgressIn(BaseModel):
    percent: int = Field(ge=0, le=100, description="how much is done, 0-100; never goes back")
    notes: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="the version last read (or If-Match)")


class ProgressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    percent: int
    status: JobStatus
    notes: str | None


class GreeningJobOut(BaseModel):
    id: str
    property_id: str
    contractor_id: str
    contractor_name: str | None = None
    kind: JobKind
    area_id: str | None
    description: str
    start_date: date
    expected_finish: date
    progress: int = Field(description="percent done, as last reported")
    expected_progress: int = Field(
        description="percent it should have reached today (linear from start to expected finish)"
    )
    late: bool = Field(description="in progress and below its expected progress")
    status: JobStatus
    completed_at: datetime | None
    created_by: str | None
    created_at: datetime
    version: int

    @classmethod
    def of(
        cls, job: GreeningJob, contractor_name: str | None = None, today: date | None = None
    ) -> GreeningJobOut:
        """The job as of ``today`` (default: today in the job's time zone)."""
        today = today or today_in(job.time_zone)
        return cls(
            id=job.id,
            property_id=job.property_id,
            contractor_id=job.contractor_id,
            contractor_name=contractor_name,
            kind=JobKind(job.kind),
            area_id=job.area_id,
            description=job.description,
            start_date=job.start_date,
            expected_finish=job.expected_finish,
            progress=job.progress,
            expected_progress=expected_progress(job.start_date, job.expected_finish, today),
            late=is_late(job.status, job.progress, job.start_date, job.expected_finish, today),
            status=JobStatus(job.status),
            completed_at=job.completed_at,
            created_by=job.created_by,
            created_at=job.created_at,
            version=job.version,
        )


class GreeningJobDetail(GreeningJobOut):
    history: list[ProgressOut]

    @classmethod
    def with_history(
        cls, job: GreeningJob, contractor_name: str | None, lines: list[GreeningProgress]
    ) -> GreeningJobDetail:
        return cls(
            **GreeningJobOut.of(job, contractor_name).model_dump(),
            history=[ProgressOut.model_validate(line) for line in lines],
        )
