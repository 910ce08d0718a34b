"""Engineering settings: the common ones plus the maintenance plans' generator."""

from __future__ import annotations

from pydantic import Field

from propops.settings import ServiceSettings


class EngineeringSettings(ServiceSettings):
    service_name: str = "engineering"
    maintenance_generate_seconds: float = Field(
        default=300.0, gt=0, description="how often plans' due occurrences become work orders"
    )
