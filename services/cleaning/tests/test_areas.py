"""Areas of a property: codes unique per property, kinds from the list, search, scope."""

from __future__ import annotations

from cleaning.app import create_app
from propops.testing.fixtures import token_for


async def test_areas_register_list_search_and_scope(start_service) -> None:
    app = await start_service(create_app, "cleaning")
    c = app.client
    r = await c.post(
        "/v1/areas",
        json={"property_id": "p-1", "code": "a-lobby", "name": "Block A lobby", "kind": "lobby"},
    )
    assert r.status_code == 201, r.text
    lobby = r.json()
    assert lobby["code"] == "A-LOBBY"
    r = await c.post(
        "/v1/areas",
        json={"property_id": "p-1", "code": "A-LOBBY", "name": "again", "kind": "lobby"},
    )
    assert r.status_code == 409 and r.json()["field"] == "code"
    assert r.json()["area_id"] == lobby["id"]
    # the same code in another property is another area
    r = await c.post(
        "/v1/areas",
        json={"property_id": "p-2", "code": "A-LOBBY", "name": "Lobby", "kind": "lobby"},
    )
    assert r.status_code == 201
    r = await c.post(
        "/v1/areas", json={"property_id": "p-1", "code": "CP", "name": "Car park", "kind": "pool"}
    )
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = await c.post(
        "/v1/areas", json={"property_id": "p-1", "code": "a b", "name": "x", "kind": "other"}
    )
    assert r.status_code == 422 and r.json()["field"] == "code"
    await c.post(
        "/v1/areas",
        json={"property_id": "p-1", "code": "B1-CP", "name": "B1 car park", "kind": "carpark"},
    )

    page = (await c.get("/v1/areas", params={"property_id": "p-1"})).json()
    assert [a["code"] for a in page["items"]] == ["A-LOBBY", "B1-CP"] and page["total"] == 2
    found = (await c.get("/v1/areas", params={"q": "car PARK"})).json()
    assert [a["code"] for a in found["items"]] == ["B1-CP"]
    kinds = (await c.get("/v1/areas", params={"kind": "lobby"})).json()
    assert kinds["total"] == 2

    p2_only = {
        "Authorization": f"Bearer {token_for(app.settings, 'cleaning', property_ids=['p-2'])}"
    }
    assert (await c.get(f"/v1/areas/{lobby['id']}", headers=p2_only)).status_code == 403
    assert (await c.get("/v1/areas", headers=p2_only)).json()["total"] == 1
    r = await c.post(
        "/v1/areas",
        json={"property_id": "p-1", "code": "X", "name": "x", "kind": "other"},
        headers=p2_only,
    )
    assert r.status_code == 403
    assert (await c.get("/v1/areas/nope")).status_code == 404
