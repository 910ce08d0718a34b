"""The front desk's published notices are public through the gateway (GET only, that path only);
the flow itself is in tests/test_paid_service_flow.py. The portal's notice page edits a draft
until it is published (over HTTP, as a browser uses it)."""

from __future__ import annotations

from test_gateway import ADMIN_PASSWORD, start_departments, start_gateway  # noqa: F401
from test_portal import browser, csrf_of, sign_in

from gateway.proxy.api import _is_public


def test_public_notices_path_only() -> None:
    assert _is_public("frontdesk", "public/v1/notices", "GET")
    assert not _is_public("frontdesk", "public/v1/notices", "POST")
    assert not _is_public("frontdesk", "public/v1/notices/../../v1/notices", "GET")
    assert not _is_public("frontdesk", "v1/notices", "GET")
    assert not _is_public("fees", "public/v1/notices", "GET")


async def test_the_portal_edits_a_draft_until_it_is_published(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("frontdesk",))
    gw = await start_gateway({"frontdesk": apps["frontdesk"].url})
    api = "/api/frontdesk/v1"
    prop = (
        await gw.client.post(
            f"{api}/properties",
            json={"code": "HKN", "name": "Harbour North", "time_zone": "Asia/Hong_Kong"},
        )
    ).json()
    for building in ("A", "B"):
        r = await gw.client.post(
            f"{api}/units", json={"property_id": prop["id"], "building": building, "number": "1"}
        )
        assert r.status_code == 201, r.text
    r = await gw.client.post(
        f"{api}/notices",
        json={
            "property_id": prop["id"],
            "buildings": ["A"],
            "category": "water_cut",
            "title": {"zh_hant": "停水通知", "en": "Water cut"},
            "body": {"zh_hant": "A座停水。", "en": "Block A: no water."},
            "publish_from": "2031-03-01T09:00:00",  # the property's time
            "publish_until": "2031-03-01T18:00:00",
        },
    )
    assert r.status_code == 201, r.text
    notice = r.json()
    page_url = f"/notices/{notice['id']}"
    async with browser(gw) as b:
        assert (await sign_in(b, "admin", ADMIN_PASSWORD)).status_code == 303
        page = await b.get(page_url)
        assert page.status_code == 200, page.text
        assert f'action="/notices/{notice["id"]}/edit"' in page.text and "修改草稿" in page.text
        # the draft's values, its times as the property reads them
        assert 'value="2031-03-01T09:00"' in page.text and 'value="Water cut"' in page.text
        csrf = csrf_of(page.text)
        typed = {
            "csrf_token": csrf,
            "version": "1",
            "property_id": prop["id"],
            "category": "water_cut",
            "buildings": "A, B",
            "title_zh_hant": "停水通知（更新）",
            "title_en": "Water cut (updated)",
            "body_zh_hant": "A、B座停水。",
            "body_en": "Blocks A and B: no water.",
            "publish_from": "2031-03-01T09:00",
            "publish_until": "2031-03-01T08:00",  # before the start
        }
        r = await b.post(f"{page_url}/edit", data=typed)
        assert r.status_code == 422 and 'data-field-error="publish_until"' in r.text
        assert 'value="Water cut (updated)"' in r.text  # what was typed stays
        assert (await gw.client.get(f"{api}/notices/{notice['id']}")).json()["version"] == 1

        r = await b.post(f"{page_url}/edit", data={**typed, "publish_until": "2031-03-01T20:00"})
        assert r.status_code == 303 and r.headers["location"] == page_url
        got = (await gw.client.get(f"{api}/notices/{notice['id']}")).json()
        assert got["title"]["en"] == "Water cut (updated)" and got["buildings"] == ["A", "B"]
        assert got["publish_until"].startswith("2031-03-01T12:00:00")  # 20:00 in Hong Kong
        assert [s["action"] for s in got["history"]] == ["drafted", "edited"]
        page = await b.get(page_url)
        assert "已修改" in page.text  # the history's step

        # published: the form is gone, and an edit sent anyway is refused on the page
        r = await gw.client.post(f"{api}/notices/{notice['id']}/publish")
        assert r.status_code == 200, r.text
        page = await b.get(page_url)
        assert f'action="/notices/{notice["id"]}/edit"' not in page.text
        r = await b.post(f"{page_url}/edit", data={**typed, "version": "3"})
        assert r.status_code == 409 and 'role="alert"' in r.text
        got = (await gw.client.get(f"{api}/notices/{notice['id']}")).json()
        assert got["version"] == 3 and got["body"]["en"] == "Blocks A and B: no water."
