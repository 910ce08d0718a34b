"""Helpers of the leasing tests: make spaces, contracts and bookings over HTTP, read the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, token_for
from propops.timezones import DEFAULT_TIME_ZONE, today_in, zone

PROPERTY = "p-1"
HK = zone(DEFAULT_TIME_ZONE)


def day(n: int) -> date:
    """n days from today where the spaces are (the default time zone)."""
    return today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)


def at(days: int, hour: int) -> str:
    """An hour of a day from today, in Hong Kong time, with its offset."""
    d = day(days)
    return datetime(d.year, d.month, d.day, hour, tzinfo=HK).isoformat()


def auth(app: RunningApp, *roles: str, property_ids: list[str] | None = None) -> dict[str, str]:
    token = token_for(app.settings, *roles, property_ids=property_ids)
    return {"Authorization": f"Bearer {token}"}


async def space(app: RunningApp, kind: str = "warehouse", **extra: Any) -> dict[str, Any]:
    body = {
        "property_id": PROPERTY,
        "kind": kind,
        "code": f"{kind[:2].upper()}-{uuid.uuid4().hex[:6]}",
        "name": f"Test {kind}",
        "location": "Block A, B1",
        **extra,
    }
    r = await app.client.post("/v1/spaces", json=body)
    assert r.status_code == 201, r.text
    return r.json()


PARTY = {"name": "陳大文", "company": "大文貿易", "phone": "9123 4567"}


async def contract(
    app: RunningApp, space_id: str, start: int, end: int, *, expect: int = 201, **extra: Any
) -> dict[str, Any]:
    body = {
        "space_id": space_id,
        "counterparty": PARTY,
        "start_date": day(start).isoformat(),
        "end_date": day(end).isoformat(),
        "rent": "8000.00",
        "billing_cycle": "monthly",
        **extra,
    }
    r = await app.client.post("/v1/contracts", json=body)
    assert r.status_code == expect, r.text
    return r.json()


async def sign(app: RunningApp, contract_id: str, expect: int = 200) -> dict[str, Any]:
    r = await app.client.post(f"/v1/contracts/{contract_id}/sign")
    assert r.status_code == expect, r.text
    return r.json()


async def book(
    app: RunningApp, space_id: str, start: str, end: str, *, expect: int = 201, **extra: Any
) -> dict[str, Any]:
    body = {
        "space_id": space_id,
        "start": start,
        "end": end,
        "organizer": "Residents' association",
        "organizer_phone": "2345 6789",
        "purpose": "Mid-autumn party",
        **extra,
    }
    r = await app.client.post("/v1/venue-bookings", json=body)
    assert r.status_code == expect, r.text
    return r.json()


async def outbox(app: RunningApp, event_type: str) -> list[dict[str, Any]]:
    """The ``data`` of every event of ``event_type`` the service stored (published or not)."""
    async with app.ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxRow).where(OutboxRow.type == event_type).order_by(OutboxRow.seq)
            )
        ).all()
    return [json.loads(row.envelope)["data"] for row in rows]
