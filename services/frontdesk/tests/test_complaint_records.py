"""Complaints change safely: the version is checked in the UPDATE (one of two concurrent writers
with the same If-Match wins, the other gets 412), a wrong state is 409, If-Match is ASCII digits,
and GET and actions answer the version as the ETag."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.complaints.models import ComplaintStep
from frontdesk.settings import FrontdeskSettings
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp

PAIRS = 20
WRONG_STATE = {"current_state", "action", "allowed_from"}
STALE = {"current_version", "expected_version"}


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = (await fd.client.post("/v1/properties", json={"code": "HKR", "name": "R"})).json()
    return {"property": prop["id"]}


async def new_complaint(fd: RunningApp, place: dict) -> dict:
    r = await fd.client.post(
        "/v1/complaints",
        json={"property_id": place["property"], "channel": "phone", "description": "Lift stuck"},
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    return r.json()


async def classify(fd: RunningApp, cid: str, body: dict, if_match: str | None = None):
    headers = {"If-Match": if_match} if if_match is not None else {}
    return await fd.client.post(f"/v1/complaints/{cid}/classify", json=body, headers=headers)


async def get(fd: RunningApp, cid: str) -> dict:
    r = await fd.client.get(f"/v1/complaints/{cid}")
    assert r.status_code == 200
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return r.json()


async def event_verbs(fd: RunningApp, cid: str) -> list[str]:
    async with fd.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow.type).where(OutboxRow.aggregate_id == cid).order_by(OutboxRow.seq)
        )
        return [t.split(".")[3] for t in rows.all()]


async def step_numbers(fd: RunningApp, cid: str) -> list[int]:
    async with fd.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(ComplaintStep.seq)
            .where(ComplaintStep.complaint_id == cid)
            .order_by(ComplaintStep.seq)
        )
        return list(rows.all())


async def test_concurrent_classify_with_the_same_if_match_one_wins(fd: RunningApp, place) -> None:
    bodies = (
        {"nature": "valid", "department": "engineering", "priority": "high"},
        {"nature": "communication", "kind": "help", "department": "cleaning", "priority": "low"},
    )
    for _ in range(PAIRS):
        cid = (await new_complaint(fd, place))["id"]
        answers = await asyncio.gather(*(classify(fd, cid, body, '"1"') for body in bodies))
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 412], [r.text for r in answers]
        [won] = [i for i, r in enumerate(answers) if r.status_code == 200]
        lost = answers[1 - won].json()
        assert lost["expected_version"] == 1 and lost["current_version"] == 2
        assert lost["field"] == "If-Match"
        assert answers[won].headers["etag"] == '"2"'
        complaint = await get(fd, cid)
        assert complaint["version"] == 2
        # the record is the winner's request, whole (not a mix of the two)
        winner = bodies[won]
        assert (complaint["nature"], complaint["kind"], complaint["department"]) == (
            winner["nature"],
            winner.get("kind"),
            winner["department"],
        )
        assert complaint["priority"] == winner["priority"]
        assert [s["action"] for s in complaint["timeline"]] == ["recorded", "classified"]
        assert await step_numbers(fd, cid) == [1, 2]
        assert await event_verbs(fd, cid) == ["recorded", "classified"]


@pytest.mark.parametrize("with_if_match", [True, False])
async def test_concurrent_reroute_of_a_dispatched_complaint_reroutes_once(
    fd: RunningApp, place, with_if_match: bool
) -> None:
    for _ in range(5):
        cid = (await new_complaint(fd, place))["id"]
        r = await classify(fd, cid, {"nature": "valid", "department": "engineering"})
        assert r.status_code == 200
        r = await fd.client.post(f"/v1/complaints/{cid}/dispatch")
        assert r.status_code == 200 and r.json()["status"] == "dispatched"
        version = r.json()["version"]
        tag = f'"{version}"' if with_if_match else None
        answers = await asyncio.gather(
            classify(fd, cid, {"nature": "valid", "department": "cleaning"}, tag),
            classify(fd, cid, {"nature": "valid", "department": "security"}, tag),
        )
        codes = sorted(r.status_code for r in answers)
        # With If-Match both name one version: one wins, the other is refused (412). Without
        # it, the two may overlap (one loses the race: 409, "changed meanwhile") or, on a loaded
        # machine, run one after the other (each re-routes what it reads: two re-routes, both
        # told). Never two re-routes from the one version read.
        expected = [[200, 412]] if with_if_match else [[200, 409], [200, 200]]
        assert codes in expected, [r.text for r in answers]
        applied = sorted((r.json() for r in answers if r.status_code == 200), key=version_of)
        for lost in (r.json() for r in answers if r.status_code in (409, 412)):
            assert lost["expected_version"] == version and lost["current_version"] > version
        verbs = await event_verbs(fd, cid)
        assert verbs.count("rerouted") == len(applied)
        assert verbs.count("dispatched") == 1 + len(applied)  # to engineering, then each winner
        complaint = await get(fd, cid)
        assert complaint["status"] == "dispatched"
        assert complaint["department"] == applied[-1]["department"]
        assert [s["action"] for s in complaint["timeline"]].count("rerouted") == len(applied)
        assert len({version_of(a) for a in applied}) == len(applied)


def version_of(record: dict) -> int:
    return int(record["version"])


def raw(value: str) -> bytes:
    """A header value as a client may send it: one byte per character where it can (then
    "²" reaches the service as "²"), else UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()


async def test_if_match_takes_ascii_digits_only(fd: RunningApp, place) -> None:
    cid = (await new_complaint(fd, place))["id"]
    body = {"nature": "valid", "department": "engineering"}
    for bad in ("²", '"²"', "٣", "abc", '"1", "2"', '"0"', "1" * 30, 'W/"x"'):
        r = await fd.client.post(
            f"/v1/complaints/{cid}/classify",
            json=body,
            headers={"If-Match": raw(bad)},
        )
        assert r.status_code == 422, (bad, r.status_code, r.text)
        assert r.json()["field"] == "If-Match"
    assert (await get(fd, cid))["version"] == 1  # nothing written
    for good, version in (('W/"1"', 1), ("2", 2), ("*", 3)):
        r = await classify(fd, cid, body, good)
        assert r.status_code == 200, (good, r.text)
        assert r.json()["version"] == version + 1


async def test_wrong_state_409_and_stale_412_name_the_same_members(fd: RunningApp, place) -> None:
    cid = (await new_complaint(fd, place))["id"]
    r = await fd.client.post(f"/v1/complaints/{cid}/dispatch")
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert WRONG_STATE <= problem.keys()
    assert (problem["current_state"], problem["action"], problem["allowed_from"]) == (
        "recorded",
        "dispatch",
        ["classified", "reopened"],
    )
    r = await fd.client.post(f"/v1/complaints/{cid}/cancel", json={"reason": "duplicate"})
    assert r.status_code == 200
    r = await fd.client.post(f"/v1/complaints/{cid}/escalate", json={"reason": "x"})
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    # a failed precondition is checked before the state (RFC 9110): 412, not 409
    r = await fd.client.post(
        f"/v1/complaints/{cid}/escalate", json={"reason": "x"}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 412 and r.headers["content-type"] == "application/problem+json"
    assert STALE <= r.json().keys()
    assert (r.json()["current_version"], r.json()["expected_version"]) == (2, 1)


async def test_etag_on_get_and_on_every_action(fd: RunningApp, place) -> None:
    cid = (await new_complaint(fd, place))["id"]
    tag = '"1"'
    for action, body in (
        ("classify", {"nature": "communication", "kind": "consult", "department": "frontdesk"}),
        ("escalate", {"reason": "the resident insists"}),
        ("dispatch", {}),
        ("resolve", {"resolution_notes": "explained at the desk"}),
    ):
        r = await fd.client.post(
            f"/v1/complaints/{cid}/{action}", json=body, headers={"If-Match": tag}
        )
        assert r.status_code == 200, (action, r.text)
        assert r.headers["etag"] == f'"{r.json()["version"]}"'
        assert int(r.headers["etag"].strip('"')) > int(tag.strip('"'))
        tag = r.headers["etag"]
        assert (await fd.client.get(f"/v1/complaints/{cid}")).headers["etag"] == tag
