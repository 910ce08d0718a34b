"""Open311 GeoReport v2 at the front desk: discovery, services and definitions, requests filed
by residents' apps (recorded complaints), the public request views following the complaint, the
mySociety updates, errors as Open311 lists in JSON and XML, and the admins' API keys."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.open311.models import ApiKey
from frontdesk.settings import FrontdeskSettings
from propops.events import new_event
from propops.events.catalog import subject_for, task_event_type
from propops.events.payloads import TaskChanged
from propops.testing.fixtures import RunningApp, eventually, token_for

FORM = {"content-type": "application/x-www-form-urlencoded"}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
W3 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


@pytest.fixture
async def public(fd: RunningApp) -> AsyncIterator[httpx.AsyncClient]:
    """A resident app: no bearer token."""
    async with httpx.AsyncClient(base_url=f"{fd.url}/open311/v2", timeout=30) as client:
        yield client


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    ids = {}
    for code in ("HKA", "HKB"):
        r = await fd.client.post("/v1/properties", json={"code": code, "name": f"Estate {code}"})
        assert r.status_code == 201, r.text
        ids[code] = r.json()["id"]
    unit = await fd.client.post(
        "/v1/units", json={"property_id": ids["HKA"], "building": "A", "number": "8F-1"}
    )
    other = await fd.client.post(
        "/v1/units", json={"property_id": ids["HKB"], "building": "B", "number": "1F-2"}
    )
    party = await fd.client.post(
        "/v1/parties", json={"name": "陳大文", "phone": "+85291234567", "id_number": "A1234567"}
    )
    return {
        **ids,
        "unit": unit.json()["id"],
        "other_unit": other.json()["id"],
        "party": party.json()["id"],
    }


async def issue_key(fd: RunningApp, name: str = "Resident app") -> str:
    r = await fd.client.post("/v1/open311/api-keys", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["api_key"]


@pytest.fixture
async def key(fd: RunningApp) -> str:
    return await issue_key(fd)


def leak_form(key: str, **extra: str) -> dict[str, str]:
    return {
        "api_key": key,
        "jurisdiction_id": "HKA",
        "service_code": "water_leak",
        "description": "Water dripping from the bathroom ceiling",
        "address_string": "Block A 8F-1 bathroom",
        "attribute[unit_number]": "A-8F-1",
        "attribute[severity]": "flooding",
        **extra,
    }


async def file(public: httpx.AsyncClient, form: dict[str, str], fmt: str = "json") -> dict:
    r = await public.post(f"/requests.{fmt}", data=form)
    assert r.status_code == 200, r.text
    if fmt == "xml":
        root = xml_root(r)
        assert root.tag == "service_requests"
        return {child.tag: child.text for child in root.find("request")}  # type: ignore[union-attr]
    [created] = r.json()
    return created


def xml_root(response: httpx.Response) -> ET.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(XML_DECLARATION)
    root = ET.fromstring(response.content)
    assert "{" not in root.tag  # no namespace
    return root


def errors(response: httpx.Response, fmt: str = "json") -> list[tuple[int, str]]:
    if fmt == "xml":
        root = xml_root(response)
        assert root.tag == "errors"
        return [
            (int(e.findtext("code") or 0), e.findtext("description") or "")
            for e in root.findall("error")
        ]
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    return [(e["code"], e["description"]) for e in response.json()]


def assert_error(response: httpx.Response, code: int, fmt: str = "json", text: str = "") -> None:
    assert response.status_code == code, response.text
    [(got, description)] = errors(response, fmt)
    assert got == code and text in description, description


# --- discovery, services, definitions ------------------------------------------------------------


async def test_discovery_in_json_and_xml(public: httpx.AsyncClient, fd: RunningApp) -> None:
    r = await public.get("/discovery.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{fd.url}/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_root(await public.get("/discovery.xml"))
    assert root.tag == "discovery" and root.findtext("changeset") == doc["changeset"]
    formats = root.findall("endpoints/endpoint/formats/format")
    assert [f.text for f in formats] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/url") == endpoint["url"]


async def test_service_list_in_json_and_xml(public: httpx.AsyncClient, place) -> None:
    r = await public.get("/services.json", params={"jurisdiction_id": "HKA"})
    assert r.status_code == 200
    services = r.json()
    assert isinstance(services, list) and len(services) >= 12
    by_code = {s["service_code"]: s for s in services}
    assert list(by_code["water_leak"]) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    leak = by_code["water_leak"]
    assert leak["service_name"] == "Water leak 漏水" and leak["metadata"] is True
    assert leak["type"] == "realtime" and "leak" in leak["keywords"].split(", ")
    assert by_code["lighting"]["metadata"] is False
    assert {"service_complaint", "billing_question", "noise", "parking"} <= set(by_code)
    root = xml_root(await public.get("/services.xml", params={"jurisdiction_id": "HKA"}))
    assert root.tag == "services"
    xml_services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(xml_services) == set(by_code)
    assert xml_services["water_leak"].findtext("metadata") == "true"
    assert xml_services["lighting"].findtext("metadata") == "false"
    assert xml_services["water_leak"].findtext("service_name") == "Water leak 漏水"


async def test_service_definition_in_json_and_xml(public: httpx.AsyncClient, place) -> None:
    r = await public.get("/services/water_leak.json", params={"jurisdiction_id": "HKA"})
    assert r.status_code == 200
    definition = r.json()
    assert definition["service_code"] == "water_leak"
    attributes = {a["code"]: a for a in definition["attributes"]}
    unit = attributes["unit_number"]
    assert unit["datatype"] == "string" and unit["required"] is True and unit["variable"] is True
    assert set(unit) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    severity = attributes["severity"]
    assert severity["datatype"] == "singlevaluelist"
    assert [v["key"] for v in severity["values"]] == ["dripping", "flowing", "flooding"]
    assert any(a["variable"] is False for a in definition["attributes"])
    root = xml_root(await public.get("/services/water_leak.xml", params={"jurisdiction_id": "HKA"}))
    assert root.tag == "service_definition" and root.findtext("service_code") == "water_leak"
    xml_attrs = {a.findtext("code"): a for a in root.findall("attributes/attribute")}
    assert xml_attrs["unit_number"].findtext("required") == "true"
    assert xml_attrs["severity"].findtext("order") == "2"
    keys = [v.findtext("key") for v in xml_attrs["severity"].findall("values/value")]
    assert keys == ["dripping", "flowing", "flooding"]
    # a service without metadata still has a (empty) definition; an unknown one is 404
    plain = await public.get("/services/lighting.json", params={"jurisdiction_id": "HKA"})
    assert plain.json() == {"service_code": "lighting", "attributes": []}
    r = await public.get("/services/teleport.xml", params={"jurisdiction_id": "HKA"})
    assert_error(r, 404, "xml", "teleport")


async def test_jurisdiction_and_errors_are_open311_lists(
    public: httpx.AsyncClient, fd: RunningApp, place
) -> None:
    for params in ({}, {"jurisdiction_id": ""}):  # empty acts exactly like absent
        assert_error(await public.get("/services.json", params=params), 400, "json", "required")
        assert_error(await public.get("/requests.xml", params=params), 400, "xml", "required")
    r = await public.get("/services.xml", params={"jurisdiction_id": "NOPE"})
    assert_error(r, 404, "xml", "NOPE")
    r = await public.get("/discovery.json", params={"jurisdiction_id": ""})
    assert r.status_code == 200  # discovery describes the endpoint: no jurisdiction needed
    assert_error(await public.get("/discovery.json", params={"jurisdiction_id": "X"}), 404)
    assert_error(await public.get("/services.csv", params={"jurisdiction_id": "HKA"}), 400)
    assert_error(await public.get("/nothing.xml"), 404, "xml")
    r = await public.post("/services.json", data={"jurisdiction_id": "HKA"})
    assert_error(r, 405)
    assert r.headers["allow"] == "GET"
    assert_error(await public.get("/tokens/abc.json"), 404, "json", "realtime")
    # /v1 keeps its bearer token and problem+json
    r = await public.get(f"{fd.url}/v1/complaints")
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = await fd.client.get("/v1/complaints/nope")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


# --- filing requests -----------------------------------------------------------------------------


async def test_a_request_becomes_a_recorded_complaint(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    form = leak_form(
        key,
        first_name="大文",
        last_name="陳",
        phone="+85291234567",
        email="tai.man@example.com",
        account_id="resident-42",
        device_id="",  # empty fields act like absent ones
        lat="",
        long="",
        media_url="",
    )
    created = await file(public, form)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] == "resident-42" and "前臺" in created["service_notice"]
    listed = (await fd.client.get("/v1/complaints", params={"property_id": place["HKA"]})).json()
    [complaint] = listed["items"]
    assert complaint["id"] == created["service_request_id"]
    assert complaint["status"] == "recorded" and complaint["channel"] == "app"
    assert complaint["service_code"] == "water_leak" and complaint["nature"] is None
    assert complaint["location"] == "Block A 8F-1 bathroom"
    assert complaint["description"].startswith("Water dripping from the bathroom ceiling")
    assert "Unit or place 單位或位置: A-8F-1" in complaint["description"]
    assert "Severity 程度: Flooding 水浸" in complaint["description"]
    detail = (await fd.client.get(f"/v1/complaints/{complaint['id']}")).json()
    step = next(s for s in detail["timeline"] if s["action"] == "open311_request")
    assert step["details"]["suggested"] == {
        "nature": "communication",
        "kind": "help",
        "department": "engineering",
    }
    assert step["details"]["app"] == "Resident app"
    assert step["details"]["contact"]["phone"] == "+85291234567"
    assert step["details"]["attributes"] == {"unit_number": "A-8F-1", "severity": "flooding"}
    # the app that filed it
    async with fd.ctx.db.sessions() as s:
        app_key = await s.scalar(select(ApiKey))
    async with fd.ctx.db.sessions() as s:
        from frontdesk.complaints.models import Complaint

        row = await s.get(Complaint, complaint["id"])
        assert row is not None and app_key is not None and row.requested_by_app == app_key.id
    # in XML, with a unit as the address and coordinates
    xml = await file(
        public,
        {
            "api_key": key,
            "jurisdiction_id": "HKA",
            "service_code": "lighting",
            "address_id": place["unit"],
            "lat": "22.3193",
            "long": "114.1694",
        },
        fmt="xml",
    )
    assert xml["service_request_id"] and xml["account_id"] is None
    lit = (await fd.client.get(f"/v1/complaints/{xml['service_request_id']}")).json()
    assert lit["unit_id"] == place["unit"] and lit["location"] == "A 8F-1"
    assert lit["description"] == "Lighting fault 照明故障"  # no text: the service's name


async def test_api_key_missing_bad_or_revoked_is_403(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    for fmt in ("json", "xml"):
        for api_key in (None, "", "o311_not-a-key"):
            form = leak_form(key)
            form.pop("api_key")
            if api_key is not None:
                form["api_key"] = api_key
            r = await public.post(f"/requests.{fmt}", data=form)
            assert_error(r, 403, fmt, "api_key")
    [listed] = (await fd.client.get("/v1/open311/api-keys")).json()["items"]
    assert (await fd.client.post(f"/v1/open311/api-keys/{listed['id']}/revoke")).status_code == 200
    r = await public.post("/requests.xml", data=leak_form(key))
    assert_error(r, 403, "xml", "revoked")
    assert (await fd.client.get("/v1/complaints")).json()["total"] == 0


async def test_invalid_requests_are_400_or_404(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    cases: list[tuple[dict[str, str], int, str]] = [
        ({"service_code": ""}, 400, "service_code is required"),
        ({"service_code": "teleport"}, 404, "teleport"),
        ({"jurisdiction_id": ""}, 400, "jurisdiction_id is required"),
        ({"jurisdiction_id": "ZZZ"}, 404, "ZZZ"),
        ({"attribute[unit_number]": ""}, 400, "attribute[unit_number] is required"),
        ({"attribute[severity]": "tsunami"}, 400, "attribute[severity]"),
        ({"address_string": ""}, 400, "location is required"),
        ({"address_string": "", "lat": "22.3"}, 400, "lat and long"),
        ({"address_string": "", "lat": "95", "long": "114"}, 400, "WGS84"),
        ({"lat": "north", "long": "114"}, 400, "lat must be a number"),
        ({"address_string": "", "address_id": place["other_unit"]}, 400, "address_id"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"media_url": "ftp://example.com/a.jpg"}, 400, "media_url"),
    ]
    for i, (change, code, text) in enumerate(cases):
        fmt = "xml" if i % 2 else "json"
        r = await public.post(f"/requests.{fmt}", data=leak_form(key, **change))
        assert_error(r, code, fmt, text)
    assert (await fd.client.get("/v1/complaints")).json()["total"] == 0
    # a multi-value list and a date-time, checked and written for the clerk
    created = await file(
        public,
        {
            "api_key": key,
            "jurisdiction_id": "HKA",
            "service_code": "noise",
            "address_string": "Block A 12F corridor",
            "attribute[source][]": "renovation",
            "attribute[noise_time]": "2026-11-20T23:30:00+08:00",
        },
    )
    pairs = [
        ("api_key", key),
        ("jurisdiction_id", "HKA"),
        ("service_code", "noise"),
        ("address_string", "Block A"),
        ("attribute[source][]", "neighbour"),
        ("attribute[source][]", "moon"),
    ]
    r = await public.post("/requests.json", content=urlencode(pairs), headers=FORM)
    assert_error(r, 400, "json", "moon")
    detail = (await fd.client.get(f"/v1/complaints/{created['service_request_id']}")).json()
    assert "Source 來源: Renovation 裝修" in detail["description"]
    assert "When 時間: 2026-11-20T23:30:00+08:00" in detail["description"]


async def test_a_retry_from_the_same_device_is_the_same_request(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    form = leak_form(key, device_id="phone-1")
    first = await public.post("/requests.json", data=form)
    again = await public.post("/requests.json", data=form)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other_text = await file(public, {**form, "description": "Now the wall too"})
    other_device = await file(public, {**form, "device_id": "phone-2"})
    no_device = leak_form(key)
    ids = {(await file(public, no_device))["service_request_id"] for _ in range(2)}
    assert len(ids) == 2  # without a device_id, every POST is a new request
    assert len({first.json()[0]["service_request_id"], other_text["service_request_id"]}) == 2
    assert other_device["service_request_id"] != first.json()[0]["service_request_id"]
    assert (await fd.client.get("/v1/complaints")).json()["total"] == 5


# --- reading requests back -----------------------------------------------------------------------


async def test_get_requests_filters(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    leak1 = (await file(public, leak_form(key)))["service_request_id"]
    leak2 = (await file(public, leak_form(key, description="Another leak")))["service_request_id"]
    noise = (
        await file(
            public,
            {
                "api_key": key,
                "jurisdiction_id": "HKA",
                "service_code": "noise",
                "address_string": "Block A",
            },
        )
    )["service_request_id"]
    elsewhere = await file(public, leak_form(key, jurisdiction_id="HKB"))
    walk_in = await fd.client.post(
        "/v1/complaints",
        json={"property_id": place["HKA"], "channel": "walk_in", "description": "Private"},
    )
    assert walk_in.status_code == 201
    await fd.client.post(f"/v1/complaints/{leak2}/cancel", json={"reason": "duplicate"})

    async def ids(fmt: str = "json", **params: str) -> list[str]:
        r = await public.get(f"/requests.{fmt}", params={"jurisdiction_id": "HKA", **params})
        assert r.status_code == 200, r.text
        if fmt == "xml":
            root = xml_root(r)
            assert root.tag == "service_requests"
            return [q.findtext("service_request_id") or "" for q in root.findall("request")]
        return [q["service_request_id"] for q in r.json()]

    assert await ids() == [noise, leak2, leak1]  # newest first; only Open311 requests, only HKA
    assert await ids("xml") == [noise, leak2, leak1]
    assert elsewhere["service_request_id"] not in await ids()
    assert await ids(service_code="noise") == [noise]
    assert await ids(service_code="noise,water_leak") == [noise, leak2, leak1]
    assert await ids(status="closed") == [leak2]
    assert await ids(status="open") == [noise, leak1]
    assert await ids(status="open,closed") == [noise, leak2, leak1]
    # ids override the other filters
    assert await ids(service_request_id=f"{leak1},{leak2}", status="closed") == [leak2, leak1]
    empty = {"service_code": "", "status": "", "start_date": "", "end_date": ""}
    assert await ids(**empty) == [noise, leak2, leak1]  # empty acts like absent
    now = datetime.now(UTC)
    assert await ids(start_date=(now + timedelta(hours=1)).isoformat()) == []
    recent = {"start_date": (now - timedelta(days=1)).isoformat(), "end_date": now.isoformat()}
    assert len(await ids(**recent)) == 3
    long_ago = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await ids(end_date=long_ago) == []
    r = await public.get(
        "/requests.json",
        params={"jurisdiction_id": "HKA", "start_date": long_ago, "end_date": now.isoformat()},
    )
    assert_error(r, 400, "json", "90 days")
    r = await public.get(
        "/requests.xml",
        params={"jurisdiction_id": "HKA", "start_date": now.isoformat(), "end_date": long_ago},
    )
    assert_error(r, 400, "xml", "before")
    bad_date = await public.get(
        "/requests.json", params={"jurisdiction_id": "HKA", "end_date": "x"}
    )
    assert_error(bad_date, 400, "json", "end_date")
    r = await public.get("/requests.json", params={"jurisdiction_id": "HKA", "status": "pending"})
    assert_error(r, 400, "json", "status")
    # one request, still a list; unknown or another property's: 404
    one = await public.get(f"/requests/{leak1}.json", params={"jurisdiction_id": "HKA"})
    [view] = one.json()
    assert list(view) == REQUEST_FIELDS
    assert view["status"] == "open" and view["service_code"] == "water_leak"
    assert view["service_name"] == "Water leak 漏水"
    assert view["description"] == "Water dripping from the bathroom ceiling"  # not the answers
    assert view["address"] == "Block A 8F-1 bathroom" and view["lat"] is None
    assert view["agency_responsible"] == "Front desk 前臺"  # not classified yet
    assert view["status_notes"] == "Received by the front desk 前臺已收到"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3.match(view[name]), view[name]
    root = xml_root(await public.get(f"/requests/{leak1}.xml", params={"jurisdiction_id": "HKA"}))
    [request] = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    r = await public.get(f"/requests/{uuid.uuid4()}.xml", params={"jurisdiction_id": "HKA"})
    assert_error(r, 404, "xml", "not found")
    other = elsewhere["service_request_id"]
    r = await public.get(f"/requests/{other}.json", params={"jurisdiction_id": "HKA"})
    assert_error(r, 404)
    private = walk_in.json()["id"]
    r = await public.get(f"/requests/{private}.json", params={"jurisdiction_id": "HKA"})
    assert_error(r, 404)


async def view_of(public: httpx.AsyncClient, request_id: str) -> dict:
    r = await public.get(f"/requests/{request_id}.json", params={"jurisdiction_id": "HKA"})
    assert r.status_code == 200, r.text
    return r.json()[0]


async def act(fd: RunningApp, complaint_id: str, action: str, body: dict | None = None) -> dict:
    r = await fd.client.post(f"/v1/complaints/{complaint_id}/{action}", json=body or {})
    assert r.status_code == 200, r.text
    return r.json()


async def task_event(
    fd: RunningApp, verb: str, complaint_id: str, notes: str | None = None
) -> None:
    payload = TaskChanged(
        task_id="wo-1",
        department="engineering",
        property_id="p",
        complaint_id=complaint_id,
        status=verb,
        notes=notes,
        actor="lee",
        at=datetime.now(UTC),
    )
    event = new_event(payload, subject="wo-1", event_type=task_event_type("engineering", verb))
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), str(uuid.uuid4())
    )


async def record_callback(fd: RunningApp, complaint_id: str, satisfaction: int) -> None:
    params = {"complaint_id": complaint_id, "status": "due"}
    [cb] = (await fd.client.get("/v1/callbacks", params=params)).json()["items"]
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": True, "satisfaction": satisfaction}
    )
    assert r.status_code == 200, r.text


async def test_status_follows_the_complaint_through_a_department(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    rid = (await file(public, leak_form(key)))["service_request_id"]
    classify = {"nature": "communication", "kind": "help", "department": "engineering"}
    await act(fd, rid, "classify", classify)
    view = await view_of(public, rid)
    assert view["status_notes"] == "Assessed; to be handled by Engineering 已評估，將由工程部跟進"
    assert view["agency_responsible"] == "Engineering 工程部"
    await act(fd, rid, "confirm-identity", {"party_id": place["party"], "document_checked": True})
    dispatched = await act(fd, rid, "dispatch")
    view = await view_of(public, rid)
    assert (
        view["status"] == "open"
        and view["status_notes"] == "Dispatched to Engineering 已轉交工程部"
    )
    due = datetime.fromisoformat(dispatched["resolution_due"])
    assert view["expected_datetime"] == due.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert view["updated_datetime"] >= view["requested_datetime"]
    await task_event(fd, "started", rid)

    async def notes_are(expected: str) -> bool:
        return (await view_of(public, rid))["status_notes"] == expected

    await eventually(lambda: notes_are("Work started by Engineering 工程部已開始處理"))
    await task_event(fd, "completed", rid, notes="Replaced the pipe joint")
    await eventually(lambda: notes_are("Resolved 已解決: Replaced the pipe joint"))
    assert (await view_of(public, rid))["status"] == "open"  # resolved is not closed yet
    await record_callback(fd, rid, satisfaction=5)
    view = await view_of(public, rid)
    assert (
        view["status"] == "closed" and view["status_notes"] == "Closed after callback 已回訪並結案"
    )
    closed = await public.get(
        "/requests.json", params={"jurisdiction_id": "HKA", "status": "closed"}
    )
    assert [q["service_request_id"] for q in closed.json()] == [rid]
    # the mySociety updates: the resident's timeline
    r = await public.get("/servicerequestupdates.json", params={"jurisdiction_id": "HKA"})
    updates = [u for u in r.json() if u["service_request_id"] == rid]
    assert [u["status"] for u in updates] == [
        "OPEN",
        "OPEN",
        "ACTION_SCHEDULED",
        "IN_PROGRESS",
        "FIXED",
        "CLOSED",
    ]
    assert set(updates[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert updates[-1]["description"] == view["status_notes"]
    # a department's late task event is kept in the timeline, not shown to the resident
    await task_event(fd, "started", rid)

    async def late_step_recorded() -> bool:
        detail = (await fd.client.get(f"/v1/complaints/{rid}")).json()
        return [s["action"] for s in detail["timeline"]][-1] == "task_started"

    await eventually(late_step_recorded, what="the late task event")
    assert (await view_of(public, rid))["status_notes"] == "Closed after callback 已回訪並結案"
    r = await public.get("/servicerequestupdates.json", params={"jurisdiction_id": "HKA"})
    assert [u["status"] for u in r.json() if u["service_request_id"] == rid][-1] == "CLOSED"
    root = xml_root(
        await public.get("/servicerequestupdates.xml", params={"jurisdiction_id": "HKA"})
    )
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")][-1] == "CLOSED"
    r = await public.get(
        "/servicerequestupdates.json",
        params={"jurisdiction_id": "HKA", "start_date": datetime.now(UTC).isoformat()},
    )
    assert r.json() == []
    r = await public.get("/servicerequestupdates.json")
    assert_error(r, 400, "json", "jurisdiction_id")


async def test_status_follows_the_complaint_at_the_desk_and_when_cancelled(
    public: httpx.AsyncClient, fd: RunningApp, key: str, place
) -> None:
    form = {
        "api_key": key,
        "jurisdiction_id": "HKA",
        "service_code": "service_complaint",
        "description": "The guard at the gate was rude",
        "address_string": "Main gate",
    }
    rid = (await file(public, form))["service_request_id"]
    await act(fd, rid, "classify", {"nature": "valid", "department": "frontdesk"})
    await act(fd, rid, "dispatch")
    view = await view_of(public, rid)
    assert view["status_notes"] == "Being handled by the front desk 前臺跟進中"
    await act(fd, rid, "resolve", {"resolution_notes": "Apologised; guard retrained"})
    view = await view_of(public, rid)
    assert view["status_notes"] == "Resolved 已解決: Apologised; guard retrained"
    await record_callback(fd, rid, satisfaction=2)  # unsatisfied: reopened, desk resumes
    view = await view_of(public, rid)
    assert view["status"] == "open"
    assert view["status_notes"] == "Work resumed by Front desk 前臺已重新處理"
    cancelled = (await file(public, {**form, "description": "Sent twice"}))["service_request_id"]
    await act(fd, cancelled, "cancel", {"reason": "duplicate of the first"})
    view = await view_of(public, cancelled)
    assert view["status"] == "closed"
    assert view["status_notes"] == "Cancelled by the front desk 前臺已取消"
    assert "duplicate" not in str(view)  # the desk's reason stays inside


# --- API keys ------------------------------------------------------------------------------------


async def test_api_keys_are_issued_listed_and_revoked_by_admins_only(fd: RunningApp) -> None:
    r = await fd.client.post("/v1/open311/api-keys", json={"name": "Resident app"})
    assert r.status_code == 201
    issued = r.json()
    assert set(issued) == {"id", "name", "api_key", "created_at"}
    assert issued["api_key"].startswith("o311_") and len(issued["api_key"]) > 30
    await issue_key(fd, "Kiosk")
    page = (await fd.client.get("/v1/open311/api-keys", params={"limit": 1})).json()
    assert page["total"] == 2 and page["limit"] == 1 and page["offset"] == 0
    [first] = page["items"]
    assert first["name"] == "Resident app" and first["active"] is True
    assert "api_key" not in first and issued["api_key"].startswith(first["key_prefix"])
    async with fd.ctx.db.sessions() as s:
        row = await s.get(ApiKey, issued["id"])
    assert row is not None
    assert row.key_hash == hashlib.sha256(issued["api_key"].encode()).hexdigest()
    assert issued["api_key"] not in str([getattr(row, c) for c in ApiKey.__table__.columns.keys()])
    r = await fd.client.post(f"/v1/open311/api-keys/{issued['id']}/revoke")
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["revoked_by"]
    r = await fd.client.post(f"/v1/open311/api-keys/{issued['id']}/revoke")
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert (await fd.client.post("/v1/open311/api-keys/nope/revoke")).status_code == 404
    revoked = (await fd.client.get("/v1/open311/api-keys", params={"active": "false"})).json()
    assert [k["id"] for k in revoked["items"]] == [issued["id"]]
    r = await fd.client.post("/v1/open311/api-keys", json={"name": ""})
    assert r.status_code == 422 and r.json()["field"] == "name"
    for role in ("frontdesk", "manager"):
        headers = {"Authorization": f"Bearer {token_for(fd.settings, role)}"}
        r = await fd.client.get("/v1/open311/api-keys", headers=headers)
        assert r.status_code == 403, role
        r = await fd.client.post("/v1/open311/api-keys", json={"name": "x"}, headers=headers)
        assert r.status_code == 403, role
        r = await fd.client.post(f"/v1/open311/api-keys/{issued['id']}/revoke", headers=headers)
        assert r.status_code == 403, role
    clerk = {"Authorization": f"Bearer {token_for(fd.settings, 'frontdesk')}"}
    assert (await fd.client.get("/v1/complaints", headers=clerk)).status_code == 200


def drive_with_georeport(root: str, key: str, fmt: str) -> dict:
    """What a resident app built on the off-the-shelf ``georeport`` client does, unchanged.
    (georeport reads but cannot post; the app posts the spec's form itself.)"""
    import requests
    from georeport import GeoReport

    client = GeoReport(root, jurisdiction="HKA", api_key=key, output_format=fmt)
    services = client.get_service_list()
    definition = client.get_service_definition("water_leak")
    posted = requests.post(
        f"{root}/requests.{fmt}",
        timeout=30,
        data={**leak_form(key), "description": f"leak seen through georeport ({fmt})"},
    )
    listed = client.get_service_requests(service_code="water_leak", status="open")
    if isinstance(listed, dict):  # georeport's XML answer for a single item
        listed = [listed]
    one = client.get_service_request(listed[0]["service_request_id"])
    return {
        "services": services,
        "definition": definition,
        "posted": posted,
        "listed": listed,
        "one": one,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_an_off_the_shelf_client_works_unchanged(fd: RunningApp, place, key, fmt) -> None:
    got = await asyncio.to_thread(drive_with_georeport, f"{fd.url}/open311/v2", key, fmt)
    codes = [s["service_code"] for s in got["services"]]
    assert "water_leak" in codes and "noise" in codes
    leak = next(s for s in got["services"] if s["service_code"] == "water_leak")
    assert str(leak["metadata"]).lower() == "true"
    attributes = got["definition"]["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes][:2] == ["unit_number", "severity"]
    assert got["posted"].status_code == 200, got["posted"].text
    assert got["one"]["status"] == "open"
    assert got["one"]["service_code"] == "water_leak"
    complaints = (await fd.client.get("/v1/complaints")).json()["items"]
    assert any(c["service_code"] == "water_leak" and c["channel"] == "app" for c in complaints)
