"""Sending notifications by e-mail: each notification whose audience has an address is sent
once (``emailed_at``), by a sweep that retries what failed; one replica at a time."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from typing import Any

import structlog
from sqlalchemy import select

from gateway.notifications.models import Notification
from gateway.notifications.rules import text_of
from gateway.notifications.settings import MailSettings
from propops.db import Database, utcnow
from propops.jobs import try_lock

log = structlog.get_logger("gateway.notifications.mail")

MAX_ATTEMPTS = 10


def render(n: Notification, portal_url: str = "") -> tuple[str, str]:
    """Subject and body in Traditional Chinese, then English."""
    from gateway.portal.i18n import translations

    english = text_of(n.kind, n.params)
    chinese = text_of(n.kind, n.params, translations("zh-Hant").gettext)
    ref = n.params.get("reference") or n.params.get("complaint_id") or n.params.get("task_id")
    lines = [chinese, english, ""]
    if n.params.get("description"):
        lines.append(str(n.params["description"]))
    if ref:
        lines.append(f"# {ref}")
    if portal_url:
        lines.append(portal_url)
    return f"[PropOps] {chinese} · {english}", "\n".join(lines) + "\n"


def _send(settings: MailSettings, to: list[str], subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(msg)


def addresses(settings: MailSettings, audience: str) -> list[str]:
    raw = settings.notify_emails.get(audience, "")
    return [a.strip() for a in raw.split(",") if a.strip()]


async def send_pending(db: Database, settings: Any, limit: int = 50) -> int:
    """Send what is waiting; returns how many went out."""
    if not settings.smtp_host or not settings.notify_emails:
        return 0
    sent = 0
    async with db.sessions() as session:
        if not await try_lock(session, "gateway-notification-mail"):
            return 0
        pending = (
            await session.scalars(
                select(Notification)
                .where(
                    Notification.emailed_at.is_(None),
                    Notification.audience.in_(list(settings.notify_emails)),
                    Notification.email_attempts < MAX_ATTEMPTS,
                )
                .order_by(Notification.created_at)
                .limit(limit)
            )
        ).all()
        for n in pending:
            to = addresses(settings, n.audience)
            if not to:
                continue
            subject, body = render(n)
            try:
                await asyncio.to_thread(_send, settings, to, subject, body)
            except (OSError, smtplib.SMTPException) as exc:
                n.email_attempts += 1
                log.warning("notification_mail_failed", id=n.id, error=str(exc))
                break  # the server is likely down: try again at the next sweep
            n.emailed_at = utcnow()
            n.email_attempts += 1
            sent += 1
        await session.commit()
    return sent


async def mail_loop(db: Database, settings: Any) -> None:
    while True:
        await asyncio.sleep(settings.mail_sweep_seconds)
        try:
            await send_pending(db, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notification_mail_sweep_failed")
