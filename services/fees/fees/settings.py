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
    paid_service_due_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="days after the sign-off a paid service's charge is due",
    )
