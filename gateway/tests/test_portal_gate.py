"""The gate's page over HTTP, as a guard's phone uses it: a visitor the desk has not confirmed
is let in only with the document seen (the fields the desk's confirm-identity form has, in
Chinese); one the desk confirmed, with the button alone. Screenshots:
tests/test_gate_browser.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from test_gateway import start_departments, start_gateway  # noqa: F401
from test_portal import browser, csrf_of, sign_in

from propops.events.payloads import VisitChanged
from propops.testing.events import publish_event


def visit(visit_id: str, confirmed: bool) -> VisitChanged:
    return VisitChanged(
        visit_id=visit_id,
        reference=f"V-2026-{visit_id}",
        property_id="p-1",
        status="expected",
        visitor_name=f"Visitor {visit_id}",
        purpose="interview",
        host_department="engineering",
        visit_date=date(2026, 11, 28),
        identity_confirmed=confirmed,
        actor="amy",
        at=datetime.now(UTC),
    )


def card(html: str, visit_id: str) -> str:
    """The visitor's card on the page (up to the next card)."""
    start = html.index(f'data-visitor="{visit_id}"')
    end = html.find("data-visitor=", start + 1)
    return html[start : end if end != -1 else len(html)]


async def test_the_gate_asks_for_the_document_when_the_desk_has_not_confirmed(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("security",))
    sec = apps["security"]
    assert await sec.ctx.bus.wait_ready(within=15)
    verb = "propops.frontdesk.visit.registered.v1"
    for visit_id, confirmed in (("v-new", False), ("v-ok", True)):
        await publish_event(sec, visit(visit_id, confirmed), subject=visit_id, event_type=verb)
    gw = await start_gateway({"security": sec.url})
    r = await gw.client.post(
        "/api/users", json={"username": "ho", "password": "ho-pass-1234", "roles": ["security"]}
    )
    assert r.status_code == 201, r.text
    async with browser(gw) as b:
        assert (await sign_in(b, "ho", "ho-pass-1234")).status_code == 303
        page = await b.get("/gate")
        assert page.status_code == 200, page.text
        unconfirmed, confirmed = card(page.text, "v-new"), card(page.text, "v-ok")
        assert 'name="document_kind"' in unconfirmed and "已查驗身份證明文件" in unconfirmed
        assert "證件" in unconfirmed and 'name="document_kind"' not in confirmed
        csrf = csrf_of(page.text)

        # the document not ticked: refused next to the box, the visitor still expected
        r = await b.post(
            "/gate/visitors/v-new/enter",
            data={"csrf_token": csrf, "version": "1", "document_kind": "passport"},
        )
        assert r.status_code == 422
        assert 'data-field-error="document_checked"' in card(r.text, "v-new")
        assert '<option value="passport" selected>' in card(r.text, "v-new")
        row = (await gw.client.get("/api/security/v1/gate/visitors/v-new")).json()
        assert row["status"] == "expected" and row["identity_confirmed"] is False

        r = await b.post(
            "/gate/visitors/v-new/enter",
            data={
                "csrf_token": csrf,
                "version": "1",
                "document_kind": "passport",
                "document_checked": "on",
            },
        )
        assert r.status_code == 303 and r.headers["location"] == "/gate?done=enter"
        row = (await gw.client.get("/api/security/v1/gate/visitors/v-new")).json()
        assert row["status"] == "on_site" and row["document_kind"] == "passport"
        assert row["identity_confirmed"] is True and row["entered_by"] == "ho"

        r = await b.post("/gate/visitors/v-ok/enter", data={"csrf_token": csrf, "version": "1"})
        assert r.status_code == 303
        row = (await gw.client.get("/api/security/v1/gate/visitors/v-ok")).json()
        assert row["status"] == "on_site" and row["document_kind"] is None
