"""Complaints made before reference numbers get one when the database is upgraded, numbered in
the order they were made; the next complaint continues the count."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import column, table, text
from sqlalchemy.engine import Connection

import frontdesk
from frontdesk.complaints import service as complaints
from frontdesk.complaints.schemas import ComplaintIn
from frontdesk.settings import FrontdeskSettings
from propops.db import Database, UTCDateTime
from propops.migrations import MESSAGING_SCRIPTS, MESSAGING_VERSION_TABLE, _config, upgrade
from propops.timezones import local_date

SCRIPTS = Path(frontdesk.__file__).parent / "migrations"
BEFORE_REFERENCES = "78905095b14d"
# the two tables as they were before references (the models have moved on)
PROPERTIES = table(
    "properties",
    *(column(name) for name in ("id", "code", "name")),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
COMPLAINTS = table(
    "complaints",
    *(
        column(name)
        for name in (
            "id",
            "property_id",
            "channel",
            "description",
            "status",
            "priority",
            "escalated",
            "response_overdue_notified",
            "resolution_overdue_notified",
            "reopen_count",
            "created_by",
            "version",
        )
    ),
    *(
        column(name, UTCDateTime())
        for name in ("response_due", "resolution_due", "created_at", "updated_at")
    ),
)


def _upgrade_to(conn: Connection, revision: str) -> None:
    command.upgrade(_with(_config(MESSAGING_SCRIPTS, MESSAGING_VERSION_TABLE), conn), "head")
    command.upgrade(_with(_config(SCRIPTS, "alembic_version_frontdesk"), conn), revision)


def _with(cfg, conn):  # type: ignore[no-untyped-def]
    cfg.attributes["connection"] = conn
    return cfg


async def test_old_complaints_are_numbered_at_upgrade(
    make_db_url: Callable[[str], Awaitable[str]],
) -> None:
    db = Database(await make_db_url("frontdesk"))
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade_to, BEFORE_REFERENCES)
        t0 = datetime(2025, 12, 31, 17, tzinfo=UTC)
        await conn.execute(
            PROPERTIES.insert().values(id="p1", code="HKA", name="A", created_at=t0, updated_at=t0)
        )
        for n, made in enumerate(
            (
                datetime(2025, 6, 1, 10, tzinfo=UTC),
                datetime(2025, 12, 31, 15, tzinfo=UTC),
                datetime(2025, 12, 31, 16, 30, tzinfo=UTC),
            ),
            start=1,
        ):
            await conn.execute(
                COMPLAINTS.insert().values(
                    id=f"c{n}",
                    property_id="p1",
                    channel="walk_in",
                    description="old",
                    status="recorded",
                    priority="normal",
                    escalated=False,
                    response_due=made,
                    resolution_due=made,
                    response_overdue_notified=False,
                    resolution_overdue_notified=False,
                    reopen_count=0,
                    created_by="clerk",
                    version=1,
                    created_at=made,
                    updated_at=made,
                )
            )
    await upgrade(db.engine, SCRIPTS, "frontdesk")
    async with db.sessions() as session:
        refs = dict((await session.execute(text("SELECT id, reference FROM complaints"))).all())
        # 16:30 UTC on 31 Dec 2025 is already 2026 in Hong Kong (the property's default zone)
        assert refs == {"c1": "C-2025-00001", "c2": "C-2025-00002", "c3": "C-2026-00001"}
        new = await complaints.record(
            session,
            FrontdeskSettings(),
            ComplaintIn(property_id="p1", channel="walk_in", description="new"),
            "clerk",
        )
        await session.commit()
    year = local_date(new.created_at, "Asia/Hong_Kong").year
    assert new.reference == ("C-2026-00002" if year == 2026 else f"C-{year}-00001")
    await db.dispose()
