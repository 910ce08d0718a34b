"""Cleaning settings: the common ones plus the schedules' beat."""

from __future__ import annotations

from pydantic import Field

from propops.settings import ServiceSettings


class CleaningSettings(ServiceSettings):
    service_name: str = "cleaning"
    schedule_sweep_seconds: float = Field(
        default=60.0,
        gt=0,
        description="seconds between runs of the job that makes the cleaning schedules' tasks",
    )
