"""Every error a portal form can receive shows in the user's language: pydantic's validation
messages and the services' rule messages by pattern (``gateway.portal.errors``), a wrong state
(409) and a stale version (412) composed from the problem's members, anything else as a
sentence by status with the English in brackets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core._pydantic_core import list_all_errors

from gateway.portal import errors, i18n, labels
from gateway.portal.client import ApiError
from gateway.portal.errors import PATTERNS, problem_message, translate_error
from gateway.portal.web import FormState
from propops.errors import PreconditionFailed, WrongState
from propops.lifecycle import Lifecycle, check_version
from propops.recurrence import validate_rule

zh = i18n.Formatter("zh-Hant")
en = i18n.Formatter("en")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_pattern_has_its_chinese() -> None:
    """The catalog cannot rot: each pattern (and each composed sentence) has a Chinese
    different from the English, using only the placeholders the English has."""
    composed = (
        *errors.FALLBACKS.values(),
        errors.WRONG_STATE,
        errors.ALLOWED_FROM,
        errors.STALE_VERSION,
        errors.STALE,
        errors.QUOTED,
        errors.OR,
    )
    for msgid in (*(p.msgid for p in PATTERNS), *composed):
        chinese = zh.gettext(msgid)
        assert chinese != msgid, f"no zh-Hant translation: {msgid!r}"
        assert set(PLACEHOLDER.findall(chinese)) <= set(PLACEHOLDER.findall(msgid)), msgid
    for group in ("action", "record_noun"):
        for msgid in labels.LABELS[group].values():
            assert zh.gettext(msgid) != msgid, msgid


def test_every_pydantic_template_is_catalogued() -> None:
    """A new pydantic-core error type shows up here, not in English on a form."""
    catalogued = {p.msgid for p in PATTERNS}
    for error in list_all_errors():
        template = re.sub(r"\{(\w+)\}", r"%(\1)s", error["message_template_python"])
        assert template in catalogued, (error["type"], template)


class Form(BaseModel):
    required: str
    name: str = Field("abc", min_length=3, max_length=5)
    description: str = Field("x", min_length=1)
    count: int = Field(1, gt=0)
    rating: int = Field(1, ge=1, le=5)
    share: float = Field(0, lt=1)
    choice: Literal["a", "b", "c"] = "a"
    day: date | None = None
    at: datetime | None = None
    slot: time | None = None
    amount: Decimal = Field(Decimal("1"), decimal_places=2, max_digits=6)
    price: float = 0
    flag: bool = False
    ref: UUID | None = None
    items: list[int] = Field(default_factory=lambda: [1], min_length=1)
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> Form:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


BAD: list[dict[str, object]] = [
    {},  # Field required
    {"name": "ab"},
    {"name": "abcdefgh"},
    {"description": ""},
    {"count": 0},
    {"rating": 0},
    {"rating": 6},
    {"share": 2},
    {"choice": "z"},
    {"day": "2026-13-01"},
    {"day": "soon"},
    {"day": "2026-11-27T10:30:00"},
    {"at": "tomorrow"},
    {"slot": "25:99"},
    {"amount": "1.234"},
    {"amount": "12345.6"},
    {"amount": "lots"},
    {"price": "cheap"},
    {"count": "many"},
    {"count": "1.5"},
    {"flag": "perhaps"},
    {"ref": "not-a-uuid"},
    {"items": []},
    {"start_date": "2026-11-27", "end_date": "2026-11-01"},
]
ENGLISH_WORD = re.compile(r"\b(?!UUID\b)[A-Za-z]{3,}\b")


def _messages(bad: dict[str, object]) -> list[str]:
    data = {"required": "x", **bad} if bad else {}
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return [e["msg"] for e in caught.value.errors()]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: ",".join(b) or "missing")
def test_pydantic_messages_in_chinese(bad: dict[str, object]) -> None:
    for message in _messages(bad):
        chinese = translate_error(zh, message, 422)
        assert not ENGLISH_WORD.search(chinese), (message, chinese)
        assert translate_error(en, message, 422) == message.removeprefix("Value error, ")


def test_parameters_are_kept() -> None:
    assert translate_error(zh, "String should have at least 3 characters") == "最少須有 3 個字"
    assert translate_error(zh, "String should have at most 200 characters") == "最多只可有 200 個字"
    assert translate_error(zh, "Input should be less than or equal to 5") == "須小於或等於 5"
    assert translate_error(zh, "Input should be 'a', 'b' or 'c'").endswith("'a'、'b'或'c'")
    assert translate_error(zh, "String should have at least 1 character") == "此欄必須填寫"
    assert translate_error(zh, "work order 12 not found", 404) == "找不到工單 12"
    assert (
        translate_error(zh, "this call has no open question (it is followed_up)", 409)
        == "此來電沒有待跟進的問題（狀態為「已跟進」）"
    )


def test_an_unknown_message_is_said_by_status() -> None:
    assert translate_error(zh, "something new broke", 422) == "資料有誤（something new broke）"
    assert translate_error(zh, "Value error, something new", 422) == "資料有誤（something new）"
    assert translate_error(zh, "nope", 403) == "你沒有權限進行此操作（nope）"
    assert translate_error(en, "something new broke", 422) == "something new broke"


def test_a_422_goes_next_to_its_fields_in_chinese() -> None:
    body = {
        "detail": "name: String should have at least 3 characters",
        "errors": [
            {"field": "name", "message": "String should have at least 3 characters"},
            {"field": "rating", "message": "Input should be less than or equal to 5"},
        ],
    }
    form = FormState.from_error(ApiError(422, body), {"name": "ab", "rating": "9"}, zh)
    assert form.errors == {"name": "最少須有 3 個字", "rating": "須小於或等於 5"}
    assert form.message == ""


@dataclass
class Record:
    status: str
    version: int = 4


COMPLAINT = Lifecycle("complaint", {"dispatch": (("classified", "reopened"), "dispatched")})


def _body(exc: WrongState | PreconditionFailed) -> dict[str, object]:
    """What the services' problem handler answers for the domain error."""
    return {
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "field": exc.field,
        "errors": [{"field": exc.field, "message": exc.detail}],
        **exc.extra,
    }


def test_a_wrong_state_is_told_from_its_members() -> None:
    with pytest.raises(WrongState) as caught:
        COMPLAINT.check(Record("closed"), "dispatch")
    refused = ApiError(409, _body(caught.value))
    form = FormState.from_error(refused, {"department": "engineering"}, zh)
    assert form.errors == {}
    assert (
        form.message == "此投訴目前為「已結案」，不能派單。只可在「已分類」或「重新處理」時進行。"
    )
    form = FormState.from_error(refused, {"department": "engineering"}, en)
    assert form.message == (
        "The complaint is “Closed”: “Dispatch” is not possible now. "
        "It is possible when it is “Classified” or “Reopened”."
    )
    # a form with a status field shows it there
    form = FormState.from_error(refused, {"status": "dispatched"}, zh)
    assert form.errors["status"].startswith("此投訴目前為「已結案」")


def test_a_stale_version_is_told_from_its_members() -> None:
    with pytest.raises(PreconditionFailed) as caught:
        check_version(Record("open"), 3, "work order")
    stale = ApiError(412, _body(caught.value))
    assert FormState.from_error(stale, {"notes": "x"}, zh).message == (
        "此工單已被其他人更改（現為第 4 版，你看到的是第 3 版），請重新載入後再試。"
    )
    assert FormState.from_error(stale, {"notes": "x"}, en).message == (
        "The work order was changed by someone else (it is now at version 4, you had version 3); "
        "reload it and try again."
    )
    unknown = {"detail": "the record was changed meanwhile; reload it and try again"}
    lost = {**unknown, "current_version": None, "expected_version": None}
    assert problem_message(zh, 412, lost) == "此紀錄剛被其他人更改，請重新載入後再試。"
    assert problem_message(zh, 412, unknown) is None
    # a race lost without If-Match is a 409 with the same members: told the same way
    raced = ApiError(409, {**_body(caught.value), "title": "Changed meanwhile"})
    assert FormState.from_error(raced, {"notes": "x"}, zh).message == (
        "此工單已被其他人更改（現為第 4 版，你看到的是第 3 版），請重新載入後再試。"
    )
    assert problem_message(zh, 409, lost) == "此紀錄剛被其他人更改，請重新載入後再試。"


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=MINUTELY",
        "FREQ=DAILY;BYSECOND=5",
        "FREQ=DAILY;;",
        "FREQ=DAILY;FREQ=WEEKLY",
        "BYDAY=MO",
        "FREQ=DAILY;COUNT=2;UNTIL=20261203",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=1MO",
        "FREQ=DAILY;BYHOUR=24",
        "FREQ=YEARLY;BYDAY=60MO",
        "FREQ=DAILY;UNTIL=2026",
        "FREQ=DAILY;UNTIL=20261332",
        "FREQ=DAILY;WKST=XX",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "x" * 501,
    ],
)
def test_recurrence_rule_messages_in_chinese(rule: str) -> None:
    """Each message ``propops.recurrence`` gives has its pattern: no fallback sentence."""
    with pytest.raises(ValueError) as caught:
        validate_rule(rule)
    said = translate_error(zh, f"Value error, {caught.value}", 422)
    assert not said.startswith("資料有誤"), (rule, str(caught.value))


# The recent features' rule messages, as the services format them (f-string for f-string), and
# the parts of each that are the user's own data (names, ids, codes): the rest must be Chinese.
NAME = "Men's toilets"
FEATURE_MESSAGES: list[tuple[int, str, tuple[str, ...]]] = [
    # front desk: inspections and an item's photo from the archive
    (422, "item codes must be unique", ()),
    (409, f"a greening template named {'Lobby round'!r} exists", ("Lobby round",)),
    (409, f"a daily template named {NAME!r} exists", (NAME,)),
    (422, "inspection template 7c1e-template is not one of this property's", ("7c1e-template",)),
    (422, f"{'lift_b'!r} is not an item of this checklist (door, lift_a)", ("lift_b", "door")),
    (422, f"no result yet for: {', '.join(['door', 'lift_a'])}", ("door", "lift_a")),
    (422, "document 9d0c-doc is not in this property's archive", ("9d0c-doc",)),
    (422, "document 9d0c-doc is archived", ("9d0c-doc",)),
    # front desk: desk staff (shifts, clock-in/out, leave, training)
    (409, "mary is on approved leave from 2026-12-01 to 2026-12-03", ("mary",)),
    (
        409,
        "mary is already on shift at post reception from 2026-12-01T00:00:00+00:00 to "
        "2026-12-01T08:00:00+00:00 (shift 5e2b)",
        ("mary", "reception", "5e2b"),
    ),
    (422, "the shift is already mary's", ("mary",)),
    (403, "only mary clocks in and out of this shift", ("mary",)),
    (422, "at is in the future", ()),
    (422, "too early: at most 4 hours before the shift starts", ()),
    (422, "the shift has ended", ()),
    (422, "before the clock-in", ()),
    (409, "mary already has leave approved from 2026-12-01 to 2026-12-03", ("mary",)),
    (409, "mary already has leave requested from 2026-12-01 to 2026-12-03", ("mary",)),
    (403, "no one decides on their own leave", ()),
    (403, "only mary or whoever entered the request cancels it", ("mary",)),
    (422, "user 'mary' does not work at property HKA", ("mary", "HKA")),
    (409, "course code FIRE-01 is taken", ("FIRE-01",)),
    (422, "training course 3a4b does not exist", ("3a4b",)),
    (422, "attended_on is in the future", ()),
    # front desk: the daily review
    (409, "2026-11-27 is signed already, by lee (review 8f9a)", ("lee", "8f9a")),
    (422, "2026-11-28 has not begun yet at the property (Asia/Hong_Kong)", ("Asia/Hong_Kong",)),
    (403, "the daily review is for the front desk's supervisor and managers", ()),
    # fees: collection cases, billing runs, rates
    (409, "unit 4c5d is not in arrears", ("4c5d",)),
    (409, "unit 4c5d has an open collection case", ("4c5d",)),
    (422, "the property has no fee rate in force on 2026-12-01: add one first", ()),
    (
        409,
        "the property already has a rate from 2026-12-01 (rate 6e7f); add the new rate from "
        "another day",
        ("6e7f",),
    ),
    # leasing: spaces, negotiations, contracts, venues, ads
    (422, "space AD-01 is a warehouse, not a ad_space", ("AD-01",)),
    (422, "space HALL is a ad_space, not a venue", ("HALL",)),
    (409, "negotiation is lost, not agreed: nothing was agreed to sign", ()),
    (409, "negotiation is open, not agreed: nothing was agreed to sign", ()),
    (
        409,
        "booking VB-2026-0003 started at 2026-12-01 09:00: a signed booking is cancelled "
        "before its start",
        ("VB-2026-0003",),
    ),
    (
        409,
        "venue HALL is booked by Wing On under VB-2026-0002 from 2026-12-01 09:00 to "
        "2026-12-01 12:00",
        ("HALL", "Wing On", "VB-2026-0002"),
    ),
    (409, "ad space AD-01 shows Acme's ad from 2026-12-01 to 2026-12-31", ("AD-01", "Acme")),
    (422, "an ad comes down on or after the day it goes up", ()),
]


@pytest.mark.parametrize("status,message,own", FEATURE_MESSAGES, ids=lambda v: str(v)[:40])
def test_the_features_rule_messages_in_chinese(
    status: int, message: str, own: tuple[str, ...]
) -> None:
    """A pattern for each: no fallback sentence, and no English left once the user's own data
    is taken out (a state or kind the message names is said in Chinese too)."""
    for said in (message, f"Value error, {message}"):
        chinese = translate_error(zh, said, status)
        assert chinese != errors.fallback(zh, status, said.removeprefix("Value error, "))
        for value in own:
            assert value in chinese, (message, chinese)
            chinese = chinese.replace(value, "")
        assert not ENGLISH_WORD.search(chinese), (message, chinese)
    assert translate_error(en, message, status) == message


def test_the_features_words_in_a_message() -> None:
    said = translate_error(zh, "space HALL is a ad_space, not a venue", 422)
    assert said == "租賃空間 HALL 是廣告位，不是場地"
    said = translate_error(zh, "mary already has leave approved from 2026-12-01 to 2026-12-03")
    assert said == "mary 於 2026-12-01 至 2026-12-03 已有假期（已批准）"
    said = translate_error(zh, f"a greening template named {NAME!r} exists", 409)
    assert said == f"綠化已有名為「{NAME}」的檢查表"
    assert translate_error(zh, "leave request 3a4b not found", 404) == "找不到請假申請 3a4b"


def _schema_messages(model: type[BaseModel], data: dict[str, object]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [e["msg"] for e in caught.value.errors()]


def test_the_features_schema_messages_in_chinese() -> None:
    """The validators' messages as pydantic words them (``Value error, ...``)."""
    from frontdesk.inspections.schemas import TemplateIn
    from frontdesk.leave_requests.schemas import LeaveIn
    from frontdesk.training.schemas import RecordIn
    from propops.roster import ShiftTimes

    items = [{"code": "door", "text_zh": "門", "text_en": "Door"}] * 2
    bad: list[tuple[type[BaseModel], dict[str, object]]] = [
        (LeaveIn, {"from": "2026-12-03", "to": "2026-12-01", "kind": "annual"}),
        (LeaveIn, {"from": "2026-01-01", "to": "2027-06-01", "kind": "annual"}),
        (LeaveIn, {"from": "1900-01-01", "to": "1900-01-02", "kind": "annual"}),
        (TemplateIn, {"property_id": "p", "department": "daily", "name": "n", "items": items}),
        (RecordIn, {"course_id": "c", "user": "mary", "attended_on": "1800-01-01"}),
        (ShiftTimes, {"start": "2026-12-01T08:00:00Z", "end": "2026-12-01T08:00:00Z"}),
        (ShiftTimes, {"start": "2026-12-01T08:00:00Z", "end": "2026-12-02T09:00:00Z"}),
    ]
    for model, data in bad:
        for message in _schema_messages(model, data):
            chinese = translate_error(zh, message, 422)
            assert not chinese.startswith("資料有誤"), (message, chinese)
            assert not ENGLISH_WORD.search(chinese.replace("'", "")), (message, chinese)


def test_the_features_wrong_states_and_stale_versions_in_chinese() -> None:
    """Their 409s name their record, state and action in Chinese, their 412s their record."""
    from fees.collection.service import CASE
    from frontdesk.inspections.service import INSPECTION
    from frontdesk.leave_requests.service import LEAVE
    from frontdesk.nonconformances.service import NONCONFORMANCE
    from frontdesk.security_alerts.service import ALERT
    from frontdesk.staff_shifts.service import STAFF_SHIFT

    refused = [
        (LEAVE, "refused", "cancel"),
        (LEAVE, "approved", "refuse"),
        (STAFF_SHIFT, "done", "clock_in"),
        (STAFF_SHIFT, "scheduled", "clock_out"),
        (STAFF_SHIFT, "on_duty", "reassign"),
        (CASE, "closed", "attempt"),
        (CASE, "closed", "appoint"),
        (CASE, "closed", "promise"),
        (CASE, "closed", "opinion"),
        (INSPECTION, "submitted", "record"),
        (NONCONFORMANCE, "closed", "verify"),
        (NONCONFORMANCE, "rectified", "rectify"),
        (ALERT, "acknowledged", "acknowledge"),
    ]
    for lifecycle, state, action in refused:
        with pytest.raises(WrongState) as caught:
            lifecycle.check(Record(state), action)
        said = problem_message(zh, 409, _body(caught.value))
        assert said is not None and not ENGLISH_WORD.search(said), (lifecycle.noun, said)
    with pytest.raises(WrongState) as caught:
        LEAVE.check(Record("refused"), "cancel")
    assert problem_message(zh, 409, _body(caught.value)) == (
        "此請假申請目前為「已拒絕」，不能取消。只可在「已申請」或「已批准」時進行。"
    )
    for noun in ("shift", "leave request", "training course", "daily review", "billing run"):
        with pytest.raises(PreconditionFailed) as stale:
            check_version(Record("open"), 3, noun)
        said = problem_message(zh, 412, _body(stale.value))
        assert said is not None and not ENGLISH_WORD.search(said), (noun, said)
        said = translate_error(zh, f"{noun} 3a4b not found", 404)
        assert not ENGLISH_WORD.search(said.replace("3a4b", "")), (noun, said)
