"""The front desk's security alerts: security's events (failed post checks, missed patrols,
high and critical incidents) become one alert each however often they arrive; the desk
acknowledges them (If-Match); the manager reads them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.events import CloudEvent, new_event
from propops.events.catalog import subject_for
from propops.events.payloads import IncidentReported, PatrolMissed, PostCheckFailed
from propops.testing.fixtures import RunningApp, token_for
from propops.testing.tasks import wait_handled


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)


async def publish(fd: RunningApp, payload: BaseModel, subject: str) -> CloudEvent:
    event = new_event(payload, subject=subject)
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), str(uuid.uuid4())
    )
    return event


def failed_check(**extra: Any) -> PostCheckFailed:
    values: dict[str, Any] = {
        "check_id": str(uuid.uuid4()),
        "property_id": "p-1",
        "post_id": "post-1",
        "post_code": "G1",
        "post_name": "Main gate",
        "checked_by": "supervisor-may",
        "present": True,
        "dressed": False,
        "alert": True,
        "guards_on_duty": ["gary"],
        "notes": "no cap",
        "at": datetime.now(UTC),
    }
    return PostCheckFailed(**{**values, **extra})


def missed(key: str = "route-1@2026-11-27T13:00:00Z") -> PatrolMissed:
    return PatrolMissed(
        key=key,
        property_id="p-1",
        route_id="route-1",
        route_name="Night round",
        reason="not_started",
        occurrence_at=datetime(2026, 11, 27, 13, tzinfo=UTC),
        missed_checkpoints=["CP1", "CP2"],
        at=datetime.now(UTC),
    )


def incident(severity: str) -> IncidentReported:
    return IncidentReported(
        incident_id=str(uuid.uuid4()),
        reference="SI-2026-00001",
        property_id="p-1",
        kind="intrusion",
        location="Car park B2",
        description="Door forced",
        severity=severity,
        at=datetime.now(UTC),
    )


async def alerts(fd: RunningApp, **params: str) -> list[dict[str, Any]]:
    r = await fd.client.get("/v1/security-alerts", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_security_events_become_one_alert_each_and_the_desk_acknowledges(
    fd: RunningApp,
) -> None:
    check = failed_check()
    sent = [
        await publish(fd, check, check.check_id),
        await publish(fd, check, check.check_id),  # the same check again (a new event id)
        await publish(fd, missed(), "route-1"),
        await publish(fd, missed(), "route-1"),  # the sweep's event again
        await publish(fd, incident("low"), "i-low"),
        await publish(fd, incident("medium"), "i-medium"),
        await publish(fd, incident("critical"), "i-critical"),
    ]
    await wait_handled(fd, *sent)
    items = await alerts(fd)
    assert sorted(a["kind"] for a in items) == ["incident", "patrol_missed", "post_check_failed"]
    by_kind = {a["kind"]: a for a in items}
    assert by_kind["incident"]["severity"] == "critical"
    assert by_kind["incident"]["reference"] == "SI-2026-00001"
    post = by_kind["post_check_failed"]
    assert post["place"] == "G1 Main gate" and post["details"]["dressed"] is False
    assert post["status"] == "open" and post["notes"] == "no cap"
    assert by_kind["patrol_missed"]["details"]["missed_checkpoints"] == ["CP1", "CP2"]

    base = f"/v1/security-alerts/{post['id']}"
    r = await fd.client.post(f"{base}/acknowledge", json={"note": "x"}, headers={"If-Match": '"7"'})
    assert r.status_code == 412, r.text
    r = await fd.client.post(
        f"{base}/acknowledge", json={"note": "Captain told"}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "acknowledged" and done["acknowledged_by"] == "test-user"
    assert done["acknowledge_note"] == "Captain told" and r.headers["ETag"] == '"2"'
    r = await fd.client.post(f"{base}/acknowledge")
    assert r.status_code == 409 and r.json()["current_state"] == "acknowledged"
    assert [a["kind"] for a in await alerts(fd, status="open")] != []
    assert all(a["status"] == "open" for a in await alerts(fd, status="open"))
    assert [a["id"] for a in await alerts(fd, status="acknowledged")] == [post["id"]]
    r = await fd.client.get("/v1/security-alerts", params={"status": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "status"

    manager = {"Authorization": f"Bearer {token_for(fd.settings, 'manager')}"}
    r = await fd.client.get("/v1/security-alerts", headers=manager)
    assert r.status_code == 200 and r.json()["total"] == 3
    other = by_kind["incident"]["id"]
    r = await fd.client.post(f"/v1/security-alerts/{other}/acknowledge", headers=manager)
    assert r.status_code == 403
    elsewhere = {
        "Authorization": f"Bearer {token_for(fd.settings, 'frontdesk', property_ids=['p-9'])}"
    }
    r = await fd.client.get("/v1/security-alerts", headers=elsewhere)
    assert r.json()["total"] == 0
