"""Fees settings: the common ones plus the payment-status sweep."""

from __future__ import annotations

from pydantic import Field

from propops.settings import ServiceSettings


class FeesSettings(ServiceSettings):
    service_name: str = "fees"
    status_sweep_seconds: float = Field(
        default=60.0,
        gt=0,
        description="seconds between looks for units whose charges have fallen overdue",
    )
