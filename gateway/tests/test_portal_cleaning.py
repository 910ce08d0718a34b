"""The cleaning and greening pages over HTTP, as a browser uses them (cookie session, CSRF,
forms): areas, greening jobs with progress bars and late marks, a job's progress form, in both
languages; refusals shown next to their fields. Screenshots: tests/test_portal_browser.py."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
from test_gateway import start_departments, start_gateway  # noqa: F401
from test_portal import browser, csrf_of, sign_in

from cleaning.schedules.generate import generate
from propops.timezones import DEFAULT_TIME_ZONE, today_in


def day(n: int) -> str:
    return (today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)).isoformat()


def poster(b: httpx.AsyncClient, csrf: str) -> Callable[..., Awaitable[httpx.Response]]:
    """Post a form as this browser (its CSRF token stays the same for the session)."""

    async def post(action: str, **fields: str) -> httpx.Response:
        return await b.post(action, data={"csrf_token": csrf, **fields})

    return post


async def test_cleaning_and_greening_pages(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("cleaning",))
    gw = await start_gateway({"cleaning": apps["cleaning"].url})
    r = await gw.client.post(
        "/api/users", json={"username": "lin", "password": "lin-pass-123", "roles": ["cleaning"]}
    )
    assert r.status_code == 201, r.text
    async with browser(gw) as b:
        assert (await sign_in(b, "lin", "lin-pass-123")).status_code == 303
        page = await b.get("/cleaning/areas")
        assert page.status_code == 200 and "清潔區域" in page.text  # zh-Hant by default
        post = poster(b, csrf_of(page.text))

        # an area: the property typed (a cleaning user cannot read the register), then chosen
        r = await post(
            "/cleaning/areas",
            property_id="p-1",
            code="a-lobby",
            name="A座大堂",
            kind="lobby",
        )
        assert r.status_code == 303 and r.headers["location"] == "/cleaning/areas?added=1"
        r = await post(
            "/cleaning/areas",
            property_id="p-1",
            code="A-LOBBY",
            name="again",
            kind="lobby",
        )
        assert r.status_code == 422 and 'data-field-error="code"' in r.text
        assert 'value="again"' in r.text  # what was typed is kept
        page = await b.get("/cleaning/areas")
        assert "A-LOBBY" in page.text and "大堂" in page.text
        area_id = re.search(r'href="/cleaning/areas/([0-9a-f-]{36})"', page.text).group(1)

        # the area's page: a schedule, a passed and a failed hygiene check
        area_page = f"/cleaning/areas/{area_id}"
        r = await post(f"{area_page}/schedules", task="拖地", rrule="FREQ=HOURLY", starts_on="")
        assert r.status_code == 422 and 'data-field-error="rrule"' in r.text
        r = await post(f"{area_page}/schedules", task="拖地", rrule="FREQ=DAILY", starts_on="")
        assert r.status_code == 303 and r.headers["location"] == f"{area_page}?done=schedule"
        r = await post(f"{area_page}/hygiene-checks", notes="")
        assert r.status_code == 422 and 'data-field-error="passed"' in r.text
        r = await post(f"{area_page}/hygiene-checks", passed="no", notes="")
        assert r.status_code == 422 and 'data-field-error="notes"' in r.text
        r = await post(f"{area_page}/hygiene-checks", passed="no", notes="地面濕滑")
        assert r.headers["location"] == f"{area_page}?done=failed"
        page = await b.get(r.headers["location"])
        assert "已開立清潔工作單" in page.text and "FREQ=DAILY" in page.text
        task_id = re.search(r'href="/tasks/cleaning/([0-9a-f-]{36})"', page.text).group(1)
        task = await b.get(f"/tasks/cleaning/{task_id}")
        assert task.status_code == 200 and "地面濕滑" in task.text
        r = await post("/cleaning/hygiene", area_id=area_id, passed="yes", notes="")
        assert r.headers["location"] == "/cleaning/hygiene?done=passed"
        page = await b.get("/cleaning/hygiene?failed=true")
        assert "地面濕滑" in page.text and page.text.count("data-check=") == 1

        # today's scheduled tasks, once the schedules' job has run (the clock is today's)
        await generate(apps["cleaning"].ctx.db)
        page = await b.get("/cleaning/schedules")
        assert 'id="todays-tasks"' in page.text and "拖地" in page.text

        # greening: a contractor, a job behind schedule, its progress
        r = await post(
            "/greening/contractors",
            name="長青園藝",
            phone="2345 6789",
            scope="平台花園種植及養護",
        )
        assert r.status_code == 303
        r = await post("/greening/contractors", name="x", phone="no phone", scope="y")
        assert r.status_code == 422 and 'data-field-error="phone"' in r.text
        page = await b.get("/greening")
        contractor = re.search(r'<option value="([0-9a-f-]{36})"[^>]*>長青園藝', page.text).group(1)
        r = await post(
            "/greening/jobs",
            property_id="p-1",
            contractor_id=contractor,
            kind="planting",
            area_id=area_id,
            description="種植杜鵑",
            start_date=day(-10),
            expected_finish=day(10),
        )
        assert r.status_code == 303, r.text
        job_path = r.headers["location"]
        r = await post(
            "/greening/jobs",
            property_id="p-1",
            contractor_id=contractor,
            kind="maintenance",
            area_id="",
            description="修剪",
            start_date=day(0),
            expected_finish=day(-3),
        )
        assert r.status_code == 422 and 'data-field-error="expected_finish"' in r.text

        page = await b.get("/greening?late=true")
        assert "種植杜鵑" in page.text and 'data-late="true"' in page.text and "落後" in page.text
        assert 'class="progress is-late"' in page.text

        job = await b.get(job_path)
        version = re.search(r'name="version" value="(\d+)"', job.text).group(1)
        r = await b.post(
            f"{job_path}/progress",
            data={
                "csrf_token": csrf_of(job.text),
                "version": version,
                "percent": "60",
                "notes": "東面完成",
            },
        )
        assert r.status_code == 303
        job = await b.get(job_path)
        assert "60%" in job.text and "東面完成" in job.text and "落後" not in job.text
        r = await b.post(  # the version read before: someone changed it meanwhile
            f"{job_path}/progress",
            data={"csrf_token": csrf_of(job.text), "version": version, "percent": "70"},
        )
        assert r.status_code == 412 and "重新載入" in r.text
        r = await b.post(
            f"{job_path}/progress",
            data={"csrf_token": csrf_of(job.text), "percent": "10"},
        )
        assert r.status_code == 422 and 'data-field-error="percent"' in r.text
        assert "進度不可由 60% 倒退至 10%" in r.text

        r = await b.post("/language", data={"language": "en", "csrf_token": csrf_of(job.text)})
        page = await b.get("/greening")
        assert "Greening" in page.text and "Planting" in page.text and "60%" in page.text
        assert date.fromisoformat(day(10)).strftime("%b") in page.text
