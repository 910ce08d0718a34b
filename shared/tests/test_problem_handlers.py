"""The shared problem handlers' answer to a versioned UPDATE that matched no row outside
``guard``: 412 for a request made conditional by If-Match, else 409 (RFC 9110)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm.exc import StaleDataError

from propops.errors import PROBLEM_JSON, install_problem_handlers


def app_losing_a_race() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things/{thing_id}/touch")
    async def touch(thing_id: str) -> dict[str, str]:
        raise StaleDataError("UPDATE statement on table 'things' expected to update 1 row(s)")

    return app


@pytest.mark.parametrize(
    ("headers", "status", "field"),
    [
        ({}, 409, "version"),
        ({"If-Match": "*"}, 409, "version"),
        ({"If-Match": '"3"'}, 412, "If-Match"),
    ],
)
async def test_a_lost_race_outside_guard_is_409_or_412_by_the_precondition(
    headers: dict[str, str], status: int, field: str
) -> None:
    transport = httpx.ASGITransport(app=app_losing_a_race())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post("/things/1/touch", headers=headers)
    assert r.status_code == status
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body = r.json()
    assert body["field"] == field and "changed meanwhile" in body["detail"]
    assert body["current_version"] is None and body["expected_version"] is None
