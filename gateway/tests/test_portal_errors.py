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
