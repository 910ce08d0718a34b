"""Parties and occupancies follow property scope: a clerk of one estate never sees another
estate's owners (not in lists, not by id, not through an occupancy)."""

from __future__ import annotations

import httpx

from frontdesk.app import create_app
from propops.testing.fixtures import token_for


async def test_a_clerk_sees_only_parties_and_occupancies_of_their_property(
    start_service,
) -> None:
    fd = await start_service(create_app, "frontdesk")
    c = fd.client
    a = (await c.post("/v1/properties", json={"code": "HKA", "name": "A"})).json()
    b = (await c.post("/v1/properties", json={"code": "HKB", "name": "B"})).json()
    unit_a = (
        await c.post("/v1/units", json={"property_id": a["id"], "building": "1", "number": "1"})
    ).json()
    unit_b = (
        await c.post("/v1/units", json={"property_id": b["id"], "building": "1", "number": "1"})
    ).json()
    owners = {}
    for name, unit in (("Owner A", unit_a), ("Owner B", unit_b)):
        party = (await c.post("/v1/parties", json={"name": name, "phone": "+85291234567"})).json()
        r = await c.post(
            "/v1/occupancies",
            json={
                "unit_id": unit["id"],
                "party_id": party["id"],
                "role": "owner",
                "start_date": "2025-01-01",
            },
        )
        assert r.status_code == 201, r.text
        owners[name] = party
    token = token_for(fd.settings, "frontdesk", property_ids=[a["id"]], user_id="clerk-a")
    async with httpx.AsyncClient(
        base_url=fd.url, headers={"Authorization": f"Bearer {token}"}
    ) as clerk:
        r = await clerk.get("/v1/occupancies", params={"unit_id": unit_b["id"]})
        assert r.status_code == 200 and r.json()["total"] == 0
        r = await clerk.get("/v1/occupancies")
        assert [o["unit_id"] for o in r.json()["items"]] == [unit_a["id"]]
        r = await clerk.get(f"/v1/parties/{owners['Owner B']['id']}")
        assert r.status_code == 404 and "+85291234567" not in r.text
        r = await clerk.get(f"/v1/parties/{owners['Owner A']['id']}")
        assert r.status_code == 200 and r.json()["phone"] == "+85291234567"
        r = await clerk.get("/v1/parties")
        assert [p["name"] for p in r.json()["items"]] == ["Owner A"]
        # nor corrected: another estate's owner is not found for a PATCH either
        r = await clerk.patch(f"/v1/parties/{owners['Owner B']['id']}", json={"name": "Mine now"})
        assert r.status_code == 404
        assert (await c.get(f"/v1/parties/{owners['Owner B']['id']}")).json()["name"] == "Owner B"

        # a party the clerk registers belongs to their property (and must name it)
        r = await clerk.post("/v1/parties", json={"name": "New", "phone": "21234567"})
        assert r.status_code == 422 and r.json()["field"] == "property_id"
        r = await clerk.post(
            "/v1/parties", json={"name": "Elsewhere", "phone": "21234567", "property_id": b["id"]}
        )
        assert r.status_code == 403 and r.json()["field"] == "property_id"
        r = await clerk.post(
            "/v1/parties", json={"name": "New", "phone": "21234567", "property_id": a["id"]}
        )
        assert r.status_code == 201, r.text
        new = r.json()
        assert (await clerk.get(f"/v1/parties/{new['id']}")).status_code == 200
        names = [p["name"] for p in (await clerk.get("/v1/parties")).json()["items"]]
        assert names == ["New", "Owner A"]
    # a user of every property sees both estates
    assert (await c.get("/v1/parties")).json()["total"] == 3
    assert (await c.get("/v1/occupancies", params={"unit_id": unit_b["id"]})).json()["total"] == 1
