"""Gateway settings: the common ones plus where each service answers."""

from __future__ import annotations

from pydantic import Field

from gateway.notifications.settings import MailSettings
from propops.settings import DEPARTMENTS, ServiceSettings


class GatewaySettings(ServiceSettings, MailSettings):
    service_name: str = "gateway"
    admin_password: str = ""
    frontdesk_url: str = "http://127.0.0.1:8001"
    security_url: str = "http://127.0.0.1:8002"
    engineering_url: str = "http://127.0.0.1:8003"
    cleaning_url: str = "http://127.0.0.1:8004"
    leasing_url: str = "http://127.0.0.1:8005"
    fees_url: str = "http://127.0.0.1:8006"
    proxy_connect_timeout: float = Field(default=2.0, gt=0)
    proxy_timeout: float = Field(default=15.0, gt=0, description="seconds before a 504")
    health_timeout: float = Field(default=2.0, gt=0)
    user_cache_seconds: float = Field(default=5.0, ge=0)
    # Set by ``propops up``: the file where its supervisor lists the processes it is restarting.
    supervisor_status: str = ""
    portal_time_zone: str = Field(
        default="Asia/Hong_Kong", description="the portal's dates and times (IANA zone name)"
    )

    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in DEPARTMENTS}
