"""Fixtures for the bus tests: a real database with the messaging tables plus a probe table
that test handlers write to, and a real NATS connection in the test's own namespace."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from pydantic import BaseModel

from propops.bus import Bus
from propops.db import Database
from propops.migrations import upgrade
from propops.settings import ServiceSettings
from propops.testing.fixtures import tuned_settings

from probe_table import probe_metadata


@pytest.fixture
def settings(nats_url: str, namespace: str) -> ServiceSettings:
    return tuned_settings(service_name="probe", nats_url=nats_url, nats_namespace=namespace)


@pytest.fixture
async def db(make_db_url: Callable[[str], Awaitable[str]]) -> AsyncIterator[Database]:
    database = Database(await make_db_url("probe"))
    await upgrade(database.engine, None, "probe")
    async with database.engine.begin() as conn:
        await conn.run_sync(probe_metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture
async def bus(settings: ServiceSettings) -> AsyncIterator[Bus]:
    b = Bus(settings)
    await b.start()
    assert await b.wait_ready(within=15), "NATS did not become ready"
    yield b
    await b.close()


class Sample(BaseModel):
    unit_id: str
