"""The greening contractor (綠化公司) and its jobs: planting and maintenance, with the progress
reported and its history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from cleaning.db import Base
from cleaning.greening.progress import ACTIVE, late_condition
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE, zones_by_today

BigIntId = BigInteger().with_variant(Integer, "sqlite")


class JobKind(StrEnum):
    planting = "planting"  # 種植: new planting
    maintenance = "maintenance"  # 養護: pruning, watering, lawn care


class JobStatus(StrEnum):
    active = ACTIVE  # under way (or not started yet)
    completed = "completed"  # reported at 100 %


class Contractor(IdMixin, TimestampMixin, Base):
    __tablename__ = "contractors"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    scope: Mapped[str] = mapped_column(Text, nullable=False)
    search_text: Mapped[str] = mapped_column(String(300), nullable=False, default="")


keep_search_text(Contractor, lambda c: search_text(c.name, phones=[c.phone]))


class GreeningJob(IdMixin, TimestampMixin, Base):
    __tablename__ = "greening_jobs"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    contractor_id: Mapped[str] = mapped_column(
        ForeignKey("contractors.id"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    area_id: Mapped[str | None] = mapped_column(ForeignKey("areas.id"), index=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    expected_finish: Mapped[date] = mapped_column(Date, nullable=False)
    # the two dates as day numbers (date.toordinal): lateness as integer arithmetic in SQL
    start_day: Mapped[int] = mapped_column(Integer, nullable=False)
    finish_day: Mapped[int] = mapped_column(Integer, nullable=False)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=ACTIVE)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(100))
    # where "today" is for this job (the service's default time zone when it was created)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        CheckConstraint("finish_day >= start_day", name="finish_after_start"),
    )


class GreeningProgress(Base):
    """One progress report of a job (the first line is its creation, at 0 % without notes)."""

    __tablename__ = "greening_progress"

    seq: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("greening_jobs.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    percent: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)


def late_on(today: date | None = None) -> ColumnElement[bool]:
    """Late jobs as a query condition: as of ``today`` (tests), by default as of today where
    each job is (its time zone)."""

    def late(day: date) -> ColumnElement[bool]:
        return late_condition(
            GreeningJob.status,
            GreeningJob.progress,
            GreeningJob.start_day,
            GreeningJob.finish_day,
            day,
        )

    if today is not None:
        return late(today)
    return or_(
        *(
            and_(GreeningJob.time_zone.in_(zones), late(day))
            for day, zones in zones_by_today().items()
        )
    )
