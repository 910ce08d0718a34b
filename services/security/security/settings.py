"""Security settings: the common ones plus the missed-patrol sweep."""

from __future__ import annotations

from pydantic import Field

from propops.settings import ServiceSettings


class SecuritySettings(ServiceSettings):
    service_name: str = "security"
    patrol_sweep_seconds: float = Field(
        default=60.0,
        gt=0,
        description="seconds between looks for scheduled patrols not started within their window",
    )
