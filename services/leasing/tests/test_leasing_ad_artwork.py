"""An ad's artwork is a document of the front desk's archive: leasing keeps its own copy of the
archive's artwork from the archive's events (on the real bus; other categories ignored, a
replayed or late event changes nothing, archived stays archived), an ad names one of its
property's active artwork documents (else 422 naming ``artwork_document_id``), and an artwork
archived later flags the ads showing it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from leasing_helpers import PROPERTY, auth, day, space

from leasing.app import create_app
from propops.events import CloudEvent, new_event
from propops.events.catalog import document_event_type
from propops.events.payloads import DocumentChanged
from propops.testing.fixtures import RunningApp, eventually
from propops.testing.tasks import publish


@pytest.fixture
async def leasing(start_service) -> RunningApp:
    app = await start_service(create_app, "leasing")
    assert await app.ctx.bus.wait_ready(within=15)
    return app


def document(
    title: str, *, property_id: str = PROPERTY, category: str = "artwork", status: str = "active"
) -> DocumentChanged:
    return DocumentChanged(
        document_id=str(uuid.uuid4()),
        property_id=property_id,
        title=title,
        category=category,
        content_type="image/png",
        size=48_213,
        filename=f"{title}.png",
        status=status,
        actor="desk",
        at=datetime.now(UTC),
    )


async def send(app: RunningApp, change: DocumentChanged, verb: str) -> CloudEvent:
    event = new_event(change, subject=change.document_id, event_type=document_event_type(verb))
    return await publish(app, change, verb, subject=change.document_id, event=event)


async def known(app: RunningApp, **params: Any) -> dict[str, dict[str, Any]]:
    r = await app.client.get("/v1/artwork-documents", params=params)
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["items"]}


async def test_ads_show_the_archives_artwork(leasing: RunningApp) -> None:
    poster = document("Mooncake poster")
    elsewhere = document("Gym banner", property_id="p-2")
    lease = document("Tenancy agreement", category="contract")
    for change in (poster, elsewhere, lease):
        await send(leasing, change, "stored")

    async def learnt() -> dict[str, dict[str, Any]]:
        docs = await known(leasing)
        assert set(docs) == {poster.document_id, elsewhere.document_id}, docs
        return docs

    docs = await eventually(learnt, what="leasing's copy of the artwork")
    copy = docs[poster.document_id]
    assert copy["title"] == "Mooncake poster" and copy["status"] == "active"
    assert copy["content_type"] == "image/png" and copy["filename"] == "Mooncake poster.png"
    assert list(await known(leasing, property_id="p-2")) == [elsewhere.document_id]
    # a clerk of one property sees that property's artwork only
    r = await leasing.client.get(
        "/v1/artwork-documents", headers=auth(leasing, "leasing", property_ids=["p-2"])
    )
    assert [d["id"] for d in r.json()["items"]] == [elsewhere.document_id]

    board = await space(leasing, kind="ad_space", name="Lift lobby light box")

    async def submit(document_id: str | None, expect: int = 201) -> dict[str, Any]:
        body: dict[str, Any] = {
            "space_id": board["id"],
            "advertiser": "Tea House",
            "artwork": "A1 poster, Chinese and English",
            "starts_on": day(0).isoformat(),
            "ends_on": day(10).isoformat(),
        }
        if document_id is not None:
            body["artwork_document_id"] = document_id
        r = await leasing.client.post("/v1/ad-placements", json=body)
        assert r.status_code == expect, r.text
        return r.json()

    # unknown to leasing (never stored, or not an artwork), of another property: 422
    for bad in (str(uuid.uuid4()), lease.document_id, elsewhere.document_id):
        problem = await submit(bad, expect=422)
        assert problem["field"] == "artwork_document_id", problem
    assert "another property" in (await submit(elsewhere.document_id, expect=422))["detail"]

    ad = await submit(poster.document_id)
    assert ad["artwork_document"]["id"] == poster.document_id
    assert ad["artwork_document"]["title"] == "Mooncake poster"
    assert ad["artwork_archived"] is False
    words_only = await submit(None)
    assert words_only["artwork_document"] is None and words_only["artwork_archived"] is False

    # archived at the front desk: the ad is flagged, in its page and in the lists
    archived = poster.model_copy(update={"status": "archived", "at": datetime.now(UTC)})
    await send(leasing, archived, "archived")

    async def flagged() -> dict[str, Any]:
        got = (await leasing.client.get(f"/v1/ad-placements/{ad['id']}")).json()
        assert got["artwork_archived"] is True, got
        return got

    got = await eventually(flagged, what="the ad flagged")
    assert got["artwork_document"]["status"] == "archived"
    assert got["artwork_document"]["archived_at"] is not None

    async def listed(**params: object) -> list[str]:
        r = await leasing.client.get("/v1/ad-placements", params=params)
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]]

    assert await listed(artwork_archived=True) == [ad["id"]]
    assert await listed(artwork_archived=False) == [words_only["id"]]
    assert [
        p["artwork_archived"]
        for p in (
            await leasing.client.get(
                "/v1/ad-placements", params={"status": "pending", "sort": "created_at"}
            )
        ).json()["items"]
    ] == [True, False]
    # out of the picker's list (still listed when asked for), and no new ad may show it
    assert poster.document_id not in await known(leasing)
    assert poster.document_id in await known(leasing, status="archived")
    assert (await submit(poster.document_id, expect=422))["field"] == "artwork_document_id"

    # the stored event again (replayed late): archived stays archived
    await send(leasing, poster, "stored")
    marker = document("Later poster")
    await send(leasing, marker, "stored")

    async def marker_learnt() -> bool:
        return marker.document_id in await known(leasing)

    await eventually(marker_learnt, what="the later event handled")
    assert poster.document_id in await known(leasing, status="archived")
    assert (await leasing.client.get(f"/v1/ad-placements/{ad['id']}")).json()[
        "artwork_archived"
    ] is True

    # withdrawn at the desk while pending: it is not put up (409 naming the artwork); rejected
    r = await leasing.client.post(f"/v1/ad-placements/{ad['id']}/approve", json={})
    assert r.status_code == 409 and r.json()["field"] == "artwork_document_id", r.text
    assert r.json()["detail"] == "artwork Mooncake poster is archived"
    r = await leasing.client.post(
        f"/v1/ad-placements/{ad['id']}/reject", json={"note": "artwork withdrawn"}
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    r = await leasing.client.post(f"/v1/ad-placements/{words_only['id']}/approve", json={})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
