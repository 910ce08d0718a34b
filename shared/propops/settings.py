"""Settings for every PropOps process, read from the environment (prefix ``PROPOPS_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from propops.timezones import DEFAULT_TIME_ZONE, validate_time_zone

DEPARTMENTS: tuple[str, ...] = (
    "frontdesk",
    "security",
    "engineering",
    "cleaning",
    "leasing",
    "fees",
)


class ServiceSettings(BaseSettings):
    """One object per service process. Every field can be set as ``PROPOPS_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PROPOPS_", extra="ignore")

    service_name: str = "propops"
    data_dir: Path = Path("./var")
    database_url: str = ""
    nats_url: str = "nats://127.0.0.1:4222"
    # Prefix for stream names and subjects, to keep several installations (or test runs)
    # apart on one NATS server. Empty in production: subject == event type.
    nats_namespace: str = ""
    jwt_secret: str = "dev-insecure-secret-change-me-32bytes!"
    jwt_issuer: str = "propops-gateway"
    jwt_ttl_seconds: int = 8 * 3600
    # how long a service trusts its last look at a user's state (propops.directory)
    user_check_cache_seconds: float = Field(default=1.0, ge=0)

    # bus
    # Replicas of each department's stream: 1 on a single server, 3 on a 3-node JetStream
    # cluster (PROPOPS_NATS_URL then lists the nodes).
    nats_replicas: int = Field(default=1, ge=1, le=5)
    nats_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    max_deliver: int = Field(default=5, ge=1, description="deliveries before dead-lettering")
    retry_backoff_seconds: float = Field(default=0.5, gt=0)
    retry_backoff_max_seconds: float = Field(default=30.0, gt=0)
    ack_wait_seconds: float = Field(default=30.0, gt=0)
    fetch_batch: int = Field(default=64, ge=1)
    outbox_sweep_seconds: float = Field(default=2.0, gt=0)
    duplicate_window_seconds: float = Field(default=600.0, gt=0)

    # garbage collector: young-generation threshold once started (0: interpreter default);
    # see propops.runtime
    gc_gen0_threshold: int = Field(default=50_000, ge=0)

    # the time zone of a property registered without one (an IANA name): "today" there
    default_time_zone: str = Field(
        default=DEFAULT_TIME_ZONE, description="IANA time zone of properties by default"
    )

    # request bodies (propops.bodylimit): larger answers 413; one that stops arriving, 408
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    body_read_timeout: float = Field(default=30.0, gt=0, description="seconds between chunks")
    # the front desk's document uploads (multipart): the file's limit (413 beyond). The gateway
    # lets POST /api/frontdesk/v1/documents through up to it (and only that route): one setting
    # for both processes.
    document_max_bytes: int = Field(default=20 * 1000 * 1000, ge=1)

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("default_time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return validate_time_zone(value)

    @classmethod
    def of(cls, settings: ServiceSettings | None) -> Self:
        """This service's settings from whatever the caller passed (``None``: from the
        environment; common settings given as a plain ``ServiceSettings`` keep their values)."""
        if isinstance(settings, cls):
            return settings
        if settings is None:
            return cls()
        return cls(**settings.model_dump())

    def resolved_database_url(self) -> str:
        """The database URL; by default one SQLite file per service in the data dir."""
        if self.database_url:
            return self.database_url
        path = (self.data_dir / f"{self.service_name}.db").resolve()
        return f"sqlite+aiosqlite:///{path}"

    def nats_servers(self) -> list[str]:
        return [s.strip() for s in self.nats_url.split(",") if s.strip()]
