"""The front desk's lists: q= search (case- and width-insensitive, Chinese, phone digits) kept
true on every write and backfilled by the migration, callbacks overdue, complaints status=open,
occupancy filters, and the OpenAPI documenting each parameter. Runs on SQLite and PostgreSQL
(``PROPOPS_TEST_DATABASE_URL``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from test_complaints import act, new_complaint, task_event

import frontdesk
from frontdesk.app import create_app
from frontdesk.register.models import Unit
from frontdesk.settings import FrontdeskSettings
from propops.migrations import _config
from propops.testing.fixtures import RunningApp, eventually


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(
        create_app,
        "frontdesk",
        settings_cls=FrontdeskSettings,
        callback_due_hours=0.000001,  # due at once: the callback is overdue as soon as it opens
    )
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def post(fd: RunningApp, path: str, body: dict) -> dict:
    r = await fd.client.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def ids(fd: RunningApp, path: str, **params: object) -> list[str]:
    r = await fd.client.get(path, params=params)
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


@pytest.fixture
async def register(fd: RunningApp) -> dict:
    prop = await post(fd, "/v1/properties", {"code": "HKS", "name": "Search Gardens"})
    tower = await post(
        fd, "/v1/units", {"property_id": prop["id"], "building": "Tower A", "number": "12B"}
    )
    block = await post(
        fd, "/v1/units", {"property_id": prop["id"], "building": "海景閣", "number": "3C"}
    )
    chan = await post(fd, "/v1/parties", {"name": "陳大文", "phone": "+852 9123-4567"})
    mary = await post(fd, "/v1/parties", {"name": "Mary O'Brien", "phone": "2345 6789"})
    return {"property": prop["id"], "tower": tower, "block": block, "chan": chan, "mary": mary}


async def test_units_and_parties_by_q_any_width_and_case(fd: RunningApp, register) -> None:
    tower, block = register["tower"]["id"], register["block"]["id"]
    assert await ids(fd, "/v1/units", q="tower a 12b") == [tower]
    assert await ids(fd, "/v1/units", q="ＴＯＷＥＲ　１２ｂ") == [tower]  # full-width, any case
    assert await ids(fd, "/v1/units", q="海景 3c") == [block]
    assert await ids(fd, "/v1/units", q="12b 海景") == []  # every word must match
    assert await ids(fd, "/v1/units", q="%") == []  # LIKE wildcards are plain characters
    chan, mary = register["chan"]["id"], register["mary"]["id"]
    assert await ids(fd, "/v1/parties", q="大文") == [chan]
    assert await ids(fd, "/v1/parties", q="o'brien") == [mary]
    assert await ids(fd, "/v1/parties", q="９１２３－４５６７") == [chan]  # full-width phone
    assert await ids(fd, "/v1/parties", q="+852 9123 4567") == [chan]
    assert await ids(fd, "/v1/parties", phone="2345-6789") == [mary]
    assert await ids(fd, "/v1/parties", phone="852") == [chan]
    r = await fd.client.get("/v1/parties", params={"phone": "none"})
    assert r.status_code == 422 and r.json()["field"] == "phone"
    assert await ids(fd, "/v1/parties", name="MARY") == [mary]
    assert await ids(fd, "/v1/parties", sort="-name") == [chan, mary]  # 陳 sorts after M


async def test_search_follows_a_change(fd: RunningApp, register) -> None:
    async with fd.ctx.db.sessions() as s:
        unit = await s.get(Unit, register["tower"]["id"])
        assert unit is not None
        unit.number = "Ｐ１"
        await s.commit()
    assert await ids(fd, "/v1/units", q="12b") == []
    assert await ids(fd, "/v1/units", q="p1") == [register["tower"]["id"]]


async def test_complaints_by_q_and_status_open(fd: RunningApp, register) -> None:
    place = {"property": register["property"], "unit": register["block"]["id"]}
    leak = await new_complaint(
        fd, place, party_id=register["chan"]["id"], description="浴室天花板漏水", location="浴室"
    )
    place["unit"] = register["tower"]["id"]
    lift = await new_complaint(fd, place, description="Lift door STUCK")
    gone = await new_complaint(fd, place, description="Lift noise")
    await act(fd, gone["id"], "cancel", {"reason": "duplicate"})
    assert await ids(fd, "/v1/complaints", q="漏水") == [leak["id"]]
    assert await ids(fd, "/v1/complaints", q="ｓｔｕｃｋ") == [lift["id"]]
    assert await ids(fd, "/v1/complaints", q="海景閣") == [leak["id"]]  # the unit's building
    assert await ids(fd, "/v1/complaints", q="陳大文") == [leak["id"]]  # the complainant
    assert set(await ids(fd, "/v1/complaints", q="lift")) == {lift["id"], gone["id"]}
    assert set(await ids(fd, "/v1/complaints", status="open")) == {leak["id"], lift["id"]}
    assert await ids(fd, "/v1/complaints", status="cancelled") == [gone["id"]]
    oldest_first = await ids(fd, "/v1/complaints", sort="created_at")
    assert oldest_first == [leak["id"], lift["id"], gone["id"]]
    assert await ids(fd, "/v1/complaints", sort="-created_at") == oldest_first[::-1]


async def test_callbacks_overdue(fd: RunningApp, register) -> None:
    place = {"property": register["property"], "unit": register["tower"]["id"]}
    c = await new_complaint(fd, place)
    await act(
        fd,
        c["id"],
        "classify",
        {"nature": "communication", "kind": "help", "department": "engineering"},
    )
    await act(
        fd,
        c["id"],
        "confirm-identity",
        {"party_id": register["chan"]["id"], "document_checked": True},
    )
    await act(fd, c["id"], "dispatch")
    await task_event(fd, "created", c["id"])
    await task_event(fd, "started", c["id"])
    await eventually(lambda: _status_is(fd, c["id"], "in_progress"), what="in progress")
    await task_event(fd, "completed", c["id"], notes="fixed")

    async def overdue() -> list[str]:
        return await ids(fd, "/v1/callbacks", overdue="true")

    [callback] = await eventually(overdue, what="an overdue callback")
    assert await ids(fd, "/v1/callbacks", overdue="false") == []
    r = await fd.client.get("/v1/callbacks", params={"overdue": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "overdue"
    done = await ids(fd, "/v1/callbacks", status="due", overdue="true", complaint_id=c["id"])
    assert done == [callback]


async def _status_is(fd: RunningApp, complaint_id: str, status: str) -> bool:
    return (await fd.client.get(f"/v1/complaints/{complaint_id}")).json()["status"] == status


async def test_occupancies_filters(fd: RunningApp, register) -> None:
    unit, chan = register["tower"]["id"], register["chan"]["id"]
    old = await post(
        fd,
        "/v1/occupancies",
        {
            "unit_id": unit,
            "party_id": chan,
            "role": "tenant",
            "start_date": "2020-01-01",
            "end_date": "2021-12-31",
        },
    )
    now = await post(
        fd,
        "/v1/occupancies",
        {"unit_id": unit, "party_id": chan, "role": "owner", "start_date": "2022-01-01"},
    )
    assert await ids(fd, "/v1/occupancies", current_on=str(date(2021, 6, 1))) == [old["id"]]
    assert await ids(fd, "/v1/occupancies", role="owner") == [now["id"]]
    assert await ids(fd, "/v1/occupancies", sort="-start_date") == [now["id"], old["id"]]
    r = await fd.client.get("/v1/occupancies", params={"role": "landlord"})
    assert r.status_code == 422
    assert r.json()["allowed"] == ["owner", "tenant", "resident"]


async def test_openapi_documents_each_list_parameter(fd: RunningApp) -> None:
    spec = (await fd.client.get("/openapi.json")).json()
    params = {p["name"]: p for p in spec["paths"]["/v1/complaints"]["get"]["parameters"]}
    assert {"status", "q", "sort", "limit", "offset", "overdue"} <= set(params)
    assert "open" in params["status"]["schema"]["enum"]
    assert "-created_at" in params["sort"]["schema"]["enum"]
    units = {p["name"]: p for p in spec["paths"]["/v1/units"]["get"]["parameters"]}
    floor = units["floor"]["schema"]
    assert floor["type"] == "integer" and floor["maximum"] == 1000
    r = await fd.client.get("/v1/units", params={"floor": 10**30})
    assert r.status_code == 422 and r.json()["field"] == "floor"


def _upgrade(conn: Connection, revision: str) -> None:
    cfg = _config(Path(frontdesk.__file__).parent / "migrations", "alembic_version_frontdesk")
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


async def test_migration_backfills_search_text(make_db_url) -> None:
    engine = create_async_engine(await make_db_url("frontdesk"))
    scripts = ScriptDirectory.from_config(
        _config(Path(frontdesk.__file__).parent / "migrations", "alembic_version_frontdesk")
    )
    search = next(r for r in scripts.walk_revisions() if "search text" in (r.doc or ""))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, search.down_revision)
            now = datetime(2026, 1, 1, tzinfo=UTC)
            await conn.execute(
                text(
                    "INSERT INTO properties (id, code, name, created_at, updated_at) "
                    "VALUES ('p1', 'HKS', 'S', :now, :now)"
                ),
                {"now": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO units (id, property_id, building, number, created_at, "
                    "updated_at) VALUES ('u1', 'p1', 'ＴＯＷＥＲ Ａ', '１２Ｂ', :now, :now)"
                ),
                {"now": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO parties (id, name, kind, phone, created_at, updated_at) "
                    "VALUES ('x1', '陳大文', 'person', '+852 9123-4567', :now, :now)"
                ),
                {"now": now},
            )
            await conn.run_sync(_upgrade, search.revision)
            unit = (await conn.execute(text("SELECT search_text FROM units"))).scalar_one()
            party = (
                await conn.execute(text("SELECT search_text, phone_digits FROM parties"))
            ).one()
        assert unit == "tower a 12b"
        assert tuple(party) == ("陳大文 85291234567", "85291234567")
    finally:
        await engine.dispose()
