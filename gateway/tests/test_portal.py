"""The portal's shell in the gateway: sign-in and session cookie, CSRF, ``next`` kept local,
expiry and deactivation back to sign-in, the language remembered per user, formats and labels,
and a Chinese catalog with every message translated. Pages in a browser:
tests/test_portal_browser.py."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import httpx
import pytest
from babel.messages.pofile import read_po

from gateway.app import create_app
from gateway.portal import i18n, labels
from gateway.portal.client import ApiError
from gateway.portal.session import safe_next
from gateway.portal.web import FormState
from gateway.settings import GatewaySettings
from propops.auth import issue_token
from propops.http import client_limits
from propops.settings import DEPARTMENTS
from propops.testing.fixtures import RunningApp, free_port

ADMIN_PASSWORD = "admin-pass-123"


@pytest.fixture
async def gateway(start_service) -> RunningApp:
    overrides = {f"{name}_url": f"http://127.0.0.1:{free_port()}" for name in DEPARTMENTS}
    gw = await start_service(
        create_app,
        "gateway",
        settings_cls=GatewaySettings,
        admin_password=ADMIN_PASSWORD,
        user_cache_seconds=0,
        **overrides,
    )
    r = await gw.client.post(
        "/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
    )
    gw.client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"  # a real user
    r = await gw.client.post(
        "/api/users", json={"username": "amy", "password": "amy-pass-123", "roles": ["fees"]}
    )
    assert r.status_code == 201, r.text
    return gw


def browser(gw: RunningApp) -> httpx.AsyncClient:
    """A client like a browser: cookies kept, no bearer token, redirects not followed."""
    return httpx.AsyncClient(base_url=gw.url, timeout=30, limits=client_limits())


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str, next: str = "/"):
    page = await client.get(f"/signin?next={next}")
    return await client.post(
        "/signin",
        data={
            "csrf_token": csrf_of(page.text),
            "username": username,
            "password": password,
            "next": next,
        },
    )


async def test_sign_in_session_cookie_and_sign_out(gateway: RunningApp) -> None:
    async with browser(gateway) as b:
        r = await b.get("/account")
        assert r.status_code == 303 and r.headers["location"] == "/signin?next=/account"
        r = await sign_in(b, "amy", "wrong")
        assert r.status_code == 401
        assert 'data-field-error="password"' in r.text and 'value="amy"' in r.text
        r = await sign_in(b, "amy", "amy-pass-123", next="/account")
        assert r.status_code == 303 and r.headers["location"] == "/account"
        cookie = r.headers["set-cookie"].lower()
        assert "propops_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        page = await b.get("/account")
        assert page.status_code == 200 and "amy" in page.text
        assert '<html lang="zh-Hant">' in page.text and "管理費" in page.text  # the role's name
        r = await b.post("/signout", data={"csrf_token": csrf_of(page.text)})
        assert r.status_code == 303
        assert (await b.get("/account")).status_code == 303


async def test_every_form_needs_the_csrf_token(gateway: RunningApp) -> None:
    async with browser(gateway) as b:
        await b.get("/signin")
        r = await b.post("/signin", data={"username": "amy", "password": "amy-pass-123"})
        assert r.status_code == 403 and "propops_session" not in r.headers.get("set-cookie", "")
        r = await sign_in(b, "amy", "amy-pass-123")
        assert r.status_code == 303
        r = await b.post("/language", data={"language": "en", "csrf_token": "forged"})
        assert r.status_code == 403
        r = await b.post("/signout")
        assert r.status_code == 403
        assert (await b.get("/account")).status_code == 200  # still signed in
    async with browser(gateway) as other:  # another browser's token is not this one's
        page = await other.get("/signin")
        token = csrf_of(page.text)
    async with browser(gateway) as b:
        await b.get("/signin")
        r = await b.post(
            "/signin", data={"csrf_token": token, "username": "amy", "password": "amy-pass-123"}
        )
        assert r.status_code == 403


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/tasks?view=mine", "/tasks?view=mine"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_is_only_a_local_path(value: str, expected: str) -> None:
    assert safe_next(value) == expected


async def test_sign_in_never_redirects_off_site(gateway: RunningApp) -> None:
    async with browser(gateway) as b:
        r = await sign_in(b, "amy", "amy-pass-123", next="//evil.example/")
        assert r.status_code == 303 and r.headers["location"].startswith("/")
        assert "evil" not in r.headers["location"]


async def test_expired_or_deactivated_goes_back_to_sign_in(gateway: RunningApp) -> None:
    async with browser(gateway) as b:
        assert (await sign_in(b, "amy", "amy-pass-123")).status_code == 303
        users = (await gateway.client.get("/api/users")).json()["items"]
        amy = next(u for u in users if u["username"] == "amy")
        r = await gateway.client.post(f"/api/users/{amy['id']}/deactivate")
        assert r.status_code == 200
        r = await b.get("/account?tab=x")
        assert r.status_code == 303 and r.headers["location"] == "/signin?next=/account%3Ftab%3Dx"
    expired = issue_token(
        gateway.settings, user_id=amy["id"], username="amy", roles=["fees"], ttl_seconds=-10
    )
    async with browser(gateway) as b:
        b.cookies.set("propops_session", expired)
        r = await b.get("/account", headers={"hx-request": "true"})
        assert r.status_code == 204 and r.headers["hx-redirect"] == "/signin?next=/account"


async def test_language_is_remembered_per_user(gateway: RunningApp) -> None:
    async with browser(gateway) as b:
        await sign_in(b, "amy", "amy-pass-123")
        page = await b.get("/account")
        assert '<html lang="zh-Hant">' in page.text
        r = await b.post(
            "/language",
            data={"language": "en", "next": "/account", "csrf_token": csrf_of(page.text)},
        )
        assert r.status_code == 303 and r.headers["location"] == "/account"
        page = await b.get("/account")
        assert '<html lang="en">' in page.text and "Management fees" in page.text
    async with browser(gateway) as elsewhere:  # a new browser: the user's choice, not a cookie
        await sign_in(elsewhere, "amy", "amy-pass-123")
        assert '<html lang="en">' in (await elsewhere.get("/account")).text
    async with browser(gateway) as stranger:  # before sign-in: Chinese by default
        assert '<html lang="zh-Hant">' in (await stranger.get("/signin")).text


def test_dates_money_and_times_in_both_languages() -> None:
    zh = i18n.Formatter("zh-Hant")
    en = i18n.Formatter("en")
    assert zh.date(date(2026, 11, 27)) == "2026年11月27日"
    assert en.date(date(2026, 11, 27)) == "27 Nov 2026"
    # 23:30 UTC is the next morning in Hong Kong
    assert zh.datetime(datetime(2026, 11, 27, 23, 30, tzinfo=UTC)) == "2026年11月28日 07:30"
    assert en.datetime("2026-11-27T23:30:00Z") == "28 Nov 2026 07:30"
    assert en.money("1280") == zh.money("1280.00") == "HK$1,280.00"
    assert en.money({"amount": "-5.5", "currency": "HKD"}) == "-HK$5.50"
    assert i18n.Formatter("fr").language == "zh-Hant"


def test_labels_come_from_one_place_in_the_offices_words() -> None:
    zh = i18n.translations("zh-Hant").gettext
    assert labels.label(zh, "complaint_status", "dispatched") == "已派單"
    assert labels.label(zh, "department", "cleaning") == "保潔部"
    assert labels.label(zh, "kind", "vent") == "發泄型"
    assert labels.label(zh, "payment_status", "arrears") == "欠費"
    assert labels.label(lambda s: s, "complaint_status", "in_progress") == "In progress"
    assert labels.label(zh, "complaint_status", "something_new") == "something new"


def test_every_message_has_its_chinese() -> None:
    po = i18n.LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    for group in labels.LABELS.values():  # every label is in the catalog
        for msgid in group.values():
            assert catalog.get(msgid) is not None, msgid


def test_no_api_error_is_lost_on_a_form() -> None:
    """Errors of the form's fields go next to them (in the user's language); one naming
    something the form has no field for (a state conflict) becomes the form's message."""
    zh = i18n.Formatter("zh-Hant")
    refused = ApiError(
        422,
        {
            "detail": "description: String should have at least 1 character",
            "errors": [
                {"field": "description", "message": "String should have at least 1 character"},
                {"field": "reached", "message": "Input should be a valid boolean"},
            ],
        },
    )
    form = FormState.from_error(refused, {"description": "", "location": "大堂"}, zh, ("reached",))
    assert form.errors == {"description": "此欄必須填寫", "reached": "請選擇是或否"}
    assert form.values["location"] == "大堂" and form.message == ""
    conflict = ApiError(409, {"detail": "complaint is closed", "field": "status"})
    form = FormState.from_error(conflict, {"reason": "x"}, zh)
    # a message the catalog does not know: a sentence by status, the English in brackets
    assert form.errors == {} and form.message == "與紀錄目前的狀態衝突（complaint is closed）"
    stale = ApiError(412, {"detail": "the complaint changed since you read it"})
    assert FormState.from_error(stale, {}, zh).message == (
        "紀錄剛被其他人更改，請重新載入後再試（the complaint changed since you read it）"
    )


def test_times_in_the_propertys_time_zone() -> None:
    hk = i18n.Formatter("en")
    assert hk.zone("Asia/Tokyo").datetime("2026-11-27T23:30:00Z") == "28 Nov 2026 08:30"
    assert hk.zone(None) is hk and hk.zone("Nowhere/City") is hk


def test_callbacks_due_today_where_the_property_is() -> None:
    from gateway.portal.routes.desk_lists import _due_by_end_of_today

    hk = i18n.Formatter("en")  # the portal's zone, Hong Kong
    now = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 23:30 in Hong Kong, 00:30 on 28th in Tokyo
    cb = {"property_id": "tokyo", "due_at": "2026-11-28T14:00:00+00:00"}  # 22:00 HK, 23:00 Tokyo
    props = {"tokyo": {"time_zone": "Asia/Tokyo"}, "hk": {"time_zone": "Asia/Hong_Kong"}}
    assert _due_by_end_of_today(cb, props, hk, now) is True  # Tokyo's today is the 28th
    assert _due_by_end_of_today({**cb, "property_id": "hk"}, props, hk, now) is False
    assert _due_by_end_of_today({**cb, "property_id": "unknown"}, props, hk, now) is False


def test_every_value_a_service_answers_has_its_label() -> None:
    """A label group named after a service's values names every one of them (a missing one shows
    the raw value in a badge, e.g. ``voided``)."""
    from fees.charges.models import ChargeKind, ChargeStatus
    from fees.collection.schemas import Method as CollectionMethod
    from fees.collection.service import CASE as COLLECTION_CASE
    from fees.payments.models import PaymentMethod
    from propops.tasks.models import STATUSES, TASK_KINDS

    for group, values in {
        "charge_status": [s.value for s in ChargeStatus],
        "charge_kind": [k.value for k in ChargeKind],
        "payment_method": [m.value for m in PaymentMethod],
        "collection_method": [m.value for m in CollectionMethod],
        "collection_action": ["opened", *COLLECTION_CASE.table],
        "task_status": list(STATUSES),
        "task_kind": list(TASK_KINDS),
    }.items():
        missing = set(values) - set(labels.LABELS[group])
        assert not missing, f"{group} has no label for {sorted(missing)}"
