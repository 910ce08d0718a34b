"""Front desk settings: the common ones plus complaint deadlines, callbacks and where the
document archive keeps its files."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from propops.settings import ServiceSettings

# (response hours, resolution hours) by nature and priority. Valid complaints (against the
# management company itself) are tighter than communication complaints.
DEFAULT_DEADLINES: dict[str, dict[str, tuple[float, float]]] = {
    "valid": {"urgent": (1, 8), "high": (2, 24), "normal": (4, 48), "low": (8, 96)},
    "communication": {"urgent": (2, 24), "high": (4, 48), "normal": (8, 72), "low": (24, 168)},
}


class FrontdeskSettings(ServiceSettings):
    service_name: str = "frontdesk"
    callback_due_hours: float = Field(default=24.0, gt=0, description="after resolution")
    deadlines: dict[str, dict[str, tuple[float, float]]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_DEADLINES.items()},
        description="JSON: {nature: {priority: [response_hours, resolution_hours]}}",
    )
    overdue_sweep_seconds: float = Field(default=30.0, gt=0)
    documents_dir: Path | None = Field(
        default=None, description="where document files are stored; default: <data_dir>/documents"
    )
    staff_arrival_minutes: int = Field(
        default=20,
        ge=0,
        le=240,
        description="minutes before a desk shift's start its clerk is to clock in (the manual: 20)",
    )
    nonconformance_hours: dict[str, float] = Field(
        default_factory=lambda: {"minor": 72.0, "major": 24.0},
        description="JSON: {severity: hours to rectify a nonconformance} (minor, major)",
    )

    @field_validator("nonconformance_hours")
    @classmethod
    def _both_severities(cls, hours: dict[str, float]) -> dict[str, float]:
        if set(hours) != {"minor", "major"} or any(h <= 0 for h in hours.values()):
            raise ValueError("give positive hours for exactly minor and major")
        return hours
