"""Fees settings: the common ones plus the payment-status sweep and the billing runs."""

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
    billing_run_chunk: int = Field(
        default=5000,
        ge=10,
        le=50000,
        description="unit accounts a billing run charges per transaction",
    )
    billing_run_resume_seconds: float = Field(
        default=30.0, gt=0, description="seconds between looks for billing runs to resume"
    )
    billing_run_stall_seconds: float = Field(
        default=60.0,
        gt=0,
        description="a running billing run untouched this long is resumed (after a restart)",
    )
    paid_service_due_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="days after the sign-off a paid service's charge is due",
    )
