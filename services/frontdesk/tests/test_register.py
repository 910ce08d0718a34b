"""The property register over HTTP: properties, units, paging, errors, rights, the event."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from propops.auth import issue_token
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually, token_for


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk")


async def make_property(fd: RunningApp, code: str = "HKA") -> dict:
    r = await fd.client.post("/v1/properties", json={"code": code, "name": f"Estate {code}"})
    assert r.status_code == 201, r.text
    return r.json()


async def make_unit(
    fd: RunningApp, property_id: str, number: str, building: str = "A", **extra: object
) -> dict:
    body = {"property_id": property_id, "building": building, "number": number, **extra}
    r = await fd.client.post("/v1/units", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_register_units_and_read_them_back(fd: RunningApp) -> None:
    prop = await make_property(fd)
    unit = await make_unit(fd, prop["id"], "12F-3", floor=12, area_m2="85.50")
    assert unit["area_m2"] == "85.50" and unit["floor"] == 12
    r = await fd.client.get(f"/v1/units/{unit['id']}")
    assert r.status_code == 200 and r.json()["number"] == "12F-3"
    r = await fd.client.get(f"/v1/properties/{prop['id']}")
    assert r.json()["code"] == "HKA"


async def test_unit_list_filters_and_pages(fd: RunningApp) -> None:
    a = await make_property(fd, "HKA")
    b = await make_property(fd, "HKB")
    for n in range(5):
        await make_unit(fd, a["id"], f"{n + 1:02d}", building="A" if n < 3 else "B", floor=n)
    await make_unit(fd, b["id"], "01")
    r = await fd.client.get("/v1/units", params={"property_id": a["id"], "limit": 2, "offset": 2})
    page = r.json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 2
    assert [u["number"] for u in page["items"]] == ["03", "04"]
    r = await fd.client.get("/v1/units", params={"property_id": a["id"], "building": "B"})
    assert [u["number"] for u in r.json()["items"]] == ["04", "05"]
    r = await fd.client.get("/v1/units", params={"floor": 0})
    assert r.json()["total"] == 1
    r = await fd.client.get("/v1/properties", params={"code": "HKB"})
    assert [p["id"] for p in r.json()["items"]] == [b["id"]]


async def test_bad_input_is_a_problem_naming_the_field(fd: RunningApp) -> None:
    r = await fd.client.post("/v1/properties", json={"code": "bad code!", "name": "x"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "code"
    prop = await make_property(fd)
    r = await fd.client.post("/v1/properties", json={"code": "HKA", "name": "again"})
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = await fd.client.post(
        "/v1/units", json={"property_id": "nope", "building": "A", "number": "1"}
    )
    assert r.status_code == 422 and r.json()["field"] == "property_id"
    r = await fd.client.post(
        "/v1/units",
        json={"property_id": prop["id"], "building": "A", "number": "1", "area_m2": "-3"},
    )
    assert r.status_code == 422 and r.json()["field"] == "area_m2"
    await make_unit(fd, prop["id"], "1")
    r = await fd.client.post(
        "/v1/units", json={"property_id": prop["id"], "building": "A", "number": "1"}
    )
    assert r.status_code == 409 and r.json()["field"] == "number"
    r = await fd.client.get("/v1/units/missing")
    assert r.status_code == 404 and r.json()["status"] == 404
    r = await fd.client.get("/v1/units", params={"limit": 0})
    assert r.status_code == 422 and r.json()["field"] == "limit"
    r = await fd.client.post(
        "/v1/units", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    # nothing half-written: one unit, one event
    assert (await fd.client.get("/v1/units")).json()["total"] == 1
    async with fd.ctx.db.sessions() as s:
        assert len((await s.scalars(select(OutboxRow))).all()) == 1


async def test_idempotency_key_gives_the_same_unit_once(fd: RunningApp) -> None:
    prop = await make_property(fd)
    body = {"property_id": prop["id"], "building": "A", "number": "7"}
    headers = {"Idempotency-Key": "unit-7-try"}
    first = await fd.client.post("/v1/units", json=body, headers=headers)
    again = await fd.client.post("/v1/units", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("idempotent-replayed") == "true"
    other = await fd.client.post("/v1/units", json={**body, "number": "8"}, headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    assert (await fd.client.get("/v1/units")).json()["total"] == 1


async def test_registering_a_unit_stores_its_event(fd: RunningApp) -> None:
    prop = await make_property(fd)
    unit = await make_unit(fd, prop["id"], "12F-3", floor=12, area_m2="85.5")
    async with fd.ctx.db.sessions() as s:
        row = (await s.scalars(select(OutboxRow))).one()
    envelope = json.loads(row.envelope)
    assert envelope["type"] == "propops.frontdesk.unit.registered.v1"
    assert envelope["source"] == "/propops/frontdesk" and envelope["subject"] == unit["id"]
    assert envelope["data"]["unit_id"] == unit["id"]
    assert envelope["data"]["property_code"] == "HKA"
    assert envelope["data"]["area_m2"] == "85.50"


async def test_tokens_and_rights(fd: RunningApp) -> None:
    prop = await make_property(fd)
    s = fd.settings
    anon = await fd.client.get("/v1/units", headers={"Authorization": ""})
    assert anon.status_code == 401 and anon.headers["content-type"] == "application/problem+json"
    bad = await fd.client.get("/v1/units", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    expired = issue_token(s, user_id="u", username="u", roles=["admin"], ttl_seconds=-10)
    r = await fd.client.get("/v1/units", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["detail"]

    def auth(*roles: str, props: list[str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(s, *roles, property_ids=props)}"}

    body = {"property_id": prop["id"], "building": "A", "number": "1"}
    assert (await fd.client.post("/v1/units", json=body, headers=auth("fees"))).status_code == 403
    assert (await fd.client.get("/v1/units", headers=auth("fees"))).status_code == 403
    assert (
        await fd.client.post("/v1/units", json=body, headers=auth("manager"))
    ).status_code == 403
    assert (await fd.client.get("/v1/units", headers=auth("manager"))).status_code == 200
    r = await fd.client.post("/v1/units", json=body, headers=auth("frontdesk"))
    assert r.status_code == 201
    unit_id = r.json()["id"]
    assert (await fd.client.get("/ops/dead-letters", headers=auth("frontdesk"))).status_code == 403
    # property scoping: a clerk of another property sees none of this one
    other = await make_property(fd, "HKB")
    r = await fd.client.get("/v1/units", headers=auth("frontdesk", props=[other["id"]]))
    assert r.json()["total"] == 0
    r = await fd.client.get(f"/v1/units/{unit_id}", headers=auth("frontdesk", props=[other["id"]]))
    assert r.status_code == 403
    assert (await fd.client.get(f"/v1/units/{unit_id}", headers=auth("manager"))).status_code == 200
    r = await fd.client.post(
        "/v1/units", json={**body, "number": "2"}, headers=auth("frontdesk", props=[other["id"]])
    )
    assert r.status_code == 403 and r.json()["field"] == "property_id"


async def test_health_readiness_and_docs(fd: RunningApp) -> None:
    assert (await fd.client.get("/healthz")).json() == {"status": "ok"}

    async def ready():
        return (await fd.client.get("/readyz")).status_code == 200

    await eventually(ready, what="ready")
    r = await fd.client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"] == {"database": "ok", "nats": "ok"}
    spec = (await fd.client.get("/openapi.json")).json()
    assert "/v1/units" in spec["paths"] and "/ops/dead-letters" in spec["paths"]
    assert (await fd.client.get("/docs")).status_code == 200
