"""Open311 through the gateway: residents' apps reach the front desk's /open311/v2/ with no
bearer token (GET, and POST with the app's api_key), while everything else still needs one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator

import httpx
import pytest

from frontdesk.app import create_app as create_frontdesk
from frontdesk.settings import FrontdeskSettings
from gateway.app import create_app
from gateway.proxy.api import _is_public
from gateway.settings import GatewaySettings
from propops.settings import DEPARTMENTS
from propops.testing.fixtures import RunningApp, free_port

ADMIN_PASSWORD = "admin-pass-123"
OPEN311 = "/api/frontdesk/open311/v2"


@pytest.fixture
async def gw(start_service) -> RunningApp:
    fd = await start_service(create_frontdesk, "frontdesk", settings_cls=FrontdeskSettings)
    urls = {f"{name}_url": f"http://127.0.0.1:{free_port()}" for name in DEPARTMENTS}
    urls["frontdesk_url"] = fd.url
    gw = await start_service(
        create_app,
        "gateway",
        settings_cls=GatewaySettings,
        admin_password=ADMIN_PASSWORD,
        user_cache_seconds=0,
        **urls,
    )
    r = await gw.client.post(
        "/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert r.status_code == 200, r.text
    gw.client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return gw


@pytest.fixture
async def app_client(gw: RunningApp) -> AsyncIterator[httpx.AsyncClient]:
    """A resident app talking to the gateway: no bearer token."""
    async with httpx.AsyncClient(base_url=gw.url, timeout=30) as client:
        yield client


async def test_open311_needs_no_bearer_token_but_v1_still_does(
    gw: RunningApp, app_client: httpx.AsyncClient
) -> None:
    r = await gw.client.post("/api/frontdesk/v1/properties", json={"code": "HKA", "name": "A"})
    assert r.status_code == 201, r.text
    r = await gw.client.post("/api/frontdesk/v1/open311/api-keys", json={"name": "Resident app"})
    assert r.status_code == 201, r.text
    api_key = r.json()["api_key"]

    r = await app_client.get(f"{OPEN311}/discovery.json")
    assert r.status_code == 200
    # the discovery document names the public (gateway) address, not the service's own
    assert r.json()["endpoints"][0]["url"] == f"{gw.url}/api/frontdesk/open311/v2"
    r = await app_client.get(f"{OPEN311}/services.xml", params={"jurisdiction_id": "HKA"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/xml; charset=utf-8"
    assert ET.fromstring(r.content).tag == "services"
    form = {
        "api_key": api_key,
        "jurisdiction_id": "HKA",
        "service_code": "lift_fault",
        "attribute[lift]": "Block A lift 2",
        "address_string": "Block A lobby",
        "description": "The lift stops between floors",
    }
    r = await app_client.post(f"{OPEN311}/requests.json", data=form)
    assert r.status_code == 200, r.text
    [created] = r.json()
    r = await app_client.get(f"{OPEN311}/requests.xml", params={"jurisdiction_id": "HKA"})
    root = ET.fromstring(r.content)
    assert [q.findtext("service_request_id") for q in root.findall("request")] == [
        created["service_request_id"]
    ]
    # the key is checked by the front desk; its Open311 error passes through unchanged
    r = await app_client.post(f"{OPEN311}/requests.xml", data={**form, "api_key": "wrong"})
    assert r.status_code == 403 and ET.fromstring(r.content).findtext("error/code") == "403"
    # the complaint is there for the desk, behind a token
    r = await app_client.get("/api/frontdesk/v1/complaints")
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = await gw.client.get("/api/frontdesk/v1/complaints")
    [complaint] = r.json()["items"]
    assert complaint["channel"] == "app" and complaint["service_code"] == "lift_fault"
    # only GET and POST are public, and only under the prefix
    r = await app_client.put(f"{OPEN311}/requests.json", data=form)
    assert r.status_code == 401
    r = await app_client.get("/api/frontdesk/v1/open311/api-keys")
    assert r.status_code == 401
    r = await app_client.get("/api/fees/open311/v2/services.json")
    assert r.status_code == 401
    r = await app_client.get(f"{OPEN311}/%2E%2E/%2E%2E/v1/complaints")
    assert r.status_code == 401


def test_public_paths_do_not_reach_past_their_prefix() -> None:
    assert _is_public("frontdesk", "open311/v2/services.json", "GET")
    assert _is_public("frontdesk", "open311/v2/requests.xml", "POST")
    assert not _is_public("frontdesk", "open311/v2/requests.json", "DELETE")
    assert not _is_public("frontdesk", "open311/v2/../../v1/complaints", "GET")
    assert not _is_public("frontdesk", "open311/v2/./x/../../../v1/units", "POST")
    assert not _is_public("frontdesk", "v1/complaints", "GET")
    assert not _is_public("security", "open311/v2/services.json", "GET")
