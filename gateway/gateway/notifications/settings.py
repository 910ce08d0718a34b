"""E-mail of notifications: off unless ``PROPOPS_SMTP_HOST`` is set (part of the gateway's
settings)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MailSettings(BaseModel):
    smtp_host: str = Field(default="", description="SMTP server; empty: no e-mail (default)")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "propops@localhost"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    notify_emails: dict[str, str] = Field(
        default_factory=dict,
        description='role -> address(es), comma-separated: {"manager": "office@example.org"}',
    )
    mail_sweep_seconds: float = Field(default=5.0, gt=0)
