"""Spaces and negotiations over HTTP: codes unique per property, kinds, search, scope; a
negotiation's offers, and nothing agreed until the stage says so (a contract may quote only an
agreed negotiation)."""

from __future__ import annotations

from leasing_helpers import PARTY, PROPERTY, auth, contract, space

from leasing.app import create_app
from leasing.negotiations.service import NEGOTIATION
from propops.events import new_event
from propops.events.payloads import UnitRegistered
from propops.testing.fixtures import RunningApp, eventually
from propops.testing.tasks import publish


def test_the_stages_of_a_negotiation() -> None:
    assert NEGOTIATION.can("open", "offer") and not NEGOTIATION.can("agreed", "offer")
    assert NEGOTIATION.allowed_from("agree") == ("open",)
    assert not NEGOTIATION.can("lost", "agree") and not NEGOTIATION.can("agreed", "lose")


async def test_spaces_and_negotiations(start_service) -> None:
    app: RunningApp = await start_service(create_app, "leasing")
    # the register's units tell leasing its properties (twice: one property), with their zones
    for number in ("1", "2"):
        unit = UnitRegistered(
            unit_id=f"u-{number}",
            property_id="p-tokyo",
            property_code="TKY",
            building="A",
            number=number,
            time_zone="Asia/Tokyo",
        )
        event = new_event(unit, subject=unit.unit_id)
        await publish(app, unit, "registered", subject=unit.unit_id, event=event)
    known = await eventually(
        lambda: _properties(app), what="the property learnt from the register's units"
    )
    assert [(p["id"], p["code"], p["time_zone"]) for p in known] == [
        ("p-tokyo", "TKY", "Asia/Tokyo")
    ]
    tokyo = await space(app, property_id="p-tokyo")
    assert tokyo["time_zone"] == "Asia/Tokyo"  # "today" of its contracts is Tokyo's
    shop = await space(app, code="WH-01", name="Basement store", list_rent="5000", size="40 m²")
    assert shop["list_rent"] == "5000.00" and shop["time_zone"] == "Asia/Hong_Kong"
    r = await app.client.post(
        "/v1/spaces",
        json={
            "property_id": PROPERTY,
            "kind": "warehouse",
            "code": "WH-01",
            "name": "x",
            "location": "y",
        },
    )
    assert r.status_code == 409 and r.json()["field"] == "code", r.text
    r = await app.client.post(
        "/v1/spaces",
        json={"property_id": PROPERTY, "kind": "shop", "code": "S", "name": "x", "location": "y"},
    )
    assert r.status_code == 422 and "kind" in r.text
    await space(app, kind="venue", code="HALL", name="Clubhouse hall")
    page = (
        await app.client.get("/v1/spaces", params={"kind": "warehouse", "property_id": PROPERTY})
    ).json()
    assert [s["code"] for s in page["items"]] == ["WH-01"]
    assert (await app.client.get("/v1/spaces", params={"q": "clubhouse"})).json()["total"] == 1
    other = auth(app, "leasing", property_ids=["p-2"])
    r = await app.client.post(
        "/v1/spaces",
        json={"property_id": PROPERTY, "kind": "venue", "code": "X", "name": "x", "location": "y"},
        headers=other,
    )
    assert r.status_code == 403

    r = await app.client.post(
        "/v1/negotiations",
        json={
            "space_id": shop["id"],
            "counterparty": PARTY,
            "proposed_rent": "4200.00",
            "notes": "wants 2 years",
        },
    )
    assert r.status_code == 201, r.text
    n = r.json()
    assert n["status"] == "open" and n["agreed_rent"] is None and n["latest_rent"] == "4200.00"
    # an open negotiation promises nothing: no contract may quote it
    r = await app.client.post("/v1/contracts", json=_contract_body(shop["id"], n["id"]))
    assert r.status_code == 409 and r.json()["field"] == "negotiation_id", r.text

    for by, rent in (("office", "4800"), ("counterparty", "4500")):
        r = await app.client.post(
            f"/v1/negotiations/{n['id']}/offers", json={"offered_by": by, "rent": rent}
        )
        assert r.status_code == 201, r.text
    detail = r.json()
    assert [(o["offered_by"], o["rent"]) for o in detail["offers"]] == [
        ("counterparty", "4200.00"),
        ("office", "4800.00"),
        ("counterparty", "4500.00"),
    ]
    assert detail["agreed_rent"] is None and detail["status"] == "open"
    r = await app.client.post(
        f"/v1/negotiations/{n['id']}/offers",
        json={"offered_by": "office", "rent": "4600"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 412, r.text
    r = await app.client.post(f"/v1/negotiations/{n['id']}/agree", json={})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "agreed" and r.json()["agreed_rent"] == "4500.00"
    for action, body in (
        ("offers", {"offered_by": "office", "rent": "1"}),
        ("lose", {"reason": "x"}),
    ):
        r = await app.client.post(f"/v1/negotiations/{n['id']}/{action}", json=body)
        assert r.status_code == 409 and r.json()["current_state"] == "agreed", r.text

    c = await contract(app, shop["id"], 0, 729, negotiation_id=n["id"], rent="4500.00")
    assert c["negotiation_id"] == n["id"]
    hall = (await app.client.get("/v1/spaces", params={"q": "hall"})).json()["items"][0]
    r = await app.client.post("/v1/contracts", json=_contract_body(hall["id"], n["id"]))
    assert r.status_code == 422 and r.json()["field"] == "negotiation_id", r.text

    lost = (
        await app.client.post(
            "/v1/negotiations",
            json={"space_id": shop["id"], "counterparty": PARTY, "proposed_rent": "3000"},
        )
    ).json()
    r = await app.client.post(f"/v1/negotiations/{lost['id']}/lose", json={"reason": " "})
    assert r.status_code == 422 and "reason" in r.text
    r = await app.client.post(
        f"/v1/negotiations/{lost['id']}/lose", json={"reason": "rent too low"}
    )
    assert r.json()["status"] == "lost" and r.json()["agreed_rent"] is None
    page = (await app.client.get("/v1/negotiations", params={"status": "open"})).json()
    assert page["total"] == 0
    assert (await app.client.get("/v1/negotiations", params={"q": "91234567"})).json()["total"] == 2


async def _properties(app: RunningApp) -> list[dict]:
    return (await app.client.get("/v1/properties")).json()["items"]


def _contract_body(space_id: str, negotiation_id: str) -> dict:
    return {
        "space_id": space_id,
        "negotiation_id": negotiation_id,
        "counterparty": PARTY,
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "rent": "4500.00",
        "billing_cycle": "monthly",
    }
