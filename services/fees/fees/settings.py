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

    @classmethod
    def of(cls, settings: ServiceSettings | None) -> FeesSettings:
        """Fees settings from whatever the caller passed (common settings keep their values)."""
        if isinstance(settings, cls):
            return settings
        if settings is None:
            return cls()
        return cls(**settings.model_dump())
