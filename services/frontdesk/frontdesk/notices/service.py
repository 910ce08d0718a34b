"""Rules of notices (發布通知): drafted for a property (or some of its buildings), published,
withdrawn; what residents see now.

Life cycle (``NOTICE``, ``propops.lifecycle``)::

    edit      draft             -> draft       (checked as when drafting)
    publish   draft             -> published   (refused once its window has ended)
    withdraw  draft | published -> withdrawn

Times given without an offset are read in the property's time zone ("09:00" is 09:00 at the
estate), stored as UTC; residents' apps get them back in the property's time zone. A notice is
shown between ``publish_from`` (inclusive) and ``publish_until`` (exclusive) while published.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.notices.models import STATUSES, Notice, NoticeStep
from frontdesk.notices.schemas import CATEGORIES, Body, Category, NoticeIn, NoticePatch, Title
from frontdesk.register.models import Property, Unit
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid, NotFound
from propops.events.catalog import notice_event_type
from propops.events.payloads import NoticeChanged
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, boolean
from propops.timezones import zone

NOTICE = Lifecycle(
    "notice",
    {
        "edit": (("draft",), None),
        "publish": (("draft",), "published"),
        "withdraw": (("draft", "published"), "withdrawn"),
    },
)


def in_zone(value: datetime, time_zone: str) -> datetime:
    """A time as given (in UTC): with an offset it is that instant; without one, local to the
    property."""
    local = value if value.tzinfo is not None else value.replace(tzinfo=zone(time_zone))
    return local.astimezone(UTC)


async def _property(session: AsyncSession, property_id: str, principal: Principal) -> Property:
    prop = await session.get(Property, property_id)
    if prop is None:
        raise Invalid(f"property {property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    return prop


async def _check_buildings(session: AsyncSession, prop: Property, buildings: list[str]) -> None:
    if not buildings:
        return
    known = set(
        (await session.scalars(select(Unit.building).where(Unit.property_id == prop.id))).all()
    )
    unknown = [b for b in dict.fromkeys(buildings) if b not in known]
    if unknown:
        raise Invalid(
            f"property {prop.code} has no building {', '.join(unknown)}", field="buildings"
        )


def _step(notice: Notice, action: str, actor: str | None, note: str | None = None) -> NoticeStep:
    return NoticeStep(
        notice_id=notice.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=notice.status,
        note=note,
    )


def _event(notice: Notice, verb: str, actor: str | None) -> Event:
    return Event(
        NoticeChanged(
            notice_id=notice.id,
            property_id=notice.property_id,
            buildings=list(notice.buildings or []),
            category=notice.category,
            title_zh_hant=notice.title_zh_hant,
            title_en=notice.title_en,
            status=notice.status,
            publish_from=notice.publish_from,
            publish_until=notice.publish_until,
            actor=actor,
            at=utcnow(),
        ),
        subject=notice.id,
        event_type=notice_event_type(verb),
    )


async def _checked(
    session: AsyncSession, data: NoticeIn, principal: Principal
) -> dict[str, object]:
    """A notice's fields as stored, once checked (the same for a new draft and an edited one):
    a property the user may act for, its buildings, a window that ends after it starts."""
    prop = await _property(session, data.property_id, principal)
    start = in_zone(data.publish_from, prop.time_zone)
    end = in_zone(data.publish_until, prop.time_zone)
    if end <= start:
        raise Invalid("publish_until must be after publish_from", field="publish_until")
    buildings = list(dict.fromkeys(data.buildings))
    await _check_buildings(session, prop, buildings)
    return {
        "property_id": prop.id,
        "buildings": buildings,
        "category": data.category.value,
        "title_zh_hant": data.title.zh_hant,
        "title_en": data.title.en,
        "body_zh_hant": data.body.zh_hant,
        "body_en": data.body.en,
        "publish_from": start,
        "publish_until": end,
    }


async def draft(session: AsyncSession, data: NoticeIn, principal: Principal) -> Notice:
    fields = await _checked(session, data, principal)
    notice = Notice(**fields, status="draft", created_by=principal.username)
    session.add(notice)
    await session.flush()
    session.add(_step(notice, "drafted", principal.username))
    await session.flush()
    return notice


def as_input(notice: Notice) -> NoticeIn:
    """A stored notice as the body that would draft it again."""
    return NoticeIn(
        property_id=notice.property_id,
        buildings=list(notice.buildings or []),
        category=Category(notice.category),
        title=Title(zh_hant=notice.title_zh_hant, en=notice.title_en),
        body=Body(zh_hant=notice.body_zh_hant, en=notice.body_en),
        publish_from=notice.publish_from,
        publish_until=notice.publish_until,
    )


async def edit(
    session: AsyncSession, notice: Notice, changes: NoticePatch, principal: Principal
) -> Notice:
    """Change a draft (409 naming the state once published or withdrawn): the fields given
    replace the draft's, and the whole is checked as when drafting."""
    NOTICE.check(notice, "edit", hint="only a draft is edited; withdraw it and draft anew")
    merged = {**as_input(notice).model_dump(), **changes.model_dump(exclude_unset=True)}
    fields = await _checked(session, NoticeIn.model_validate(merged), principal)
    changed = sorted(k for k, v in fields.items() if getattr(notice, k) != v)
    if not changed:  # nothing new: no step, the version stays
        return notice
    for name in changed:
        setattr(notice, name, fields[name])
    note = ", ".join(changed)
    return await NOTICE.apply(
        session, notice, "edit", step=lambda n: _step(n, "edited", principal.username, note)
    )


async def get(session: AsyncSession, notice_id: str, principal: Principal) -> Notice:
    return await get_visible(
        session, Notice, notice_id, principal, noun="notice", field="notice_id"
    )


async def publish(session: AsyncSession, notice: Notice, actor: str) -> Notice:
    NOTICE.check(notice, "publish")
    if notice.publish_until <= utcnow():
        raise Invalid(
            "the notice's window has ended: publish_until is in the past", field="publish_until"
        )
    notice.published_by = actor
    notice.published_at = utcnow()
    return await NOTICE.apply(
        session,
        notice,
        "publish",
        step=lambda n: _step(n, "published", actor),
        events=lambda n: [_event(n, "published", actor)],
    )


async def withdraw(session: AsyncSession, notice: Notice, actor: str, reason: str | None) -> Notice:
    NOTICE.check(notice, "withdraw")
    was_published = notice.status == "published"
    notice.withdrawn_by = actor
    notice.withdrawn_at = utcnow()
    notice.withdraw_reason = reason
    return await NOTICE.apply(
        session,
        notice,
        "withdraw",
        step=lambda n: _step(n, "withdrawn", actor, reason),
        # residents only hear of it if it was ever out
        events=lambda n: [_event(n, "withdrawn", actor)] if was_published else [],
    )


async def history(session: AsyncSession, notice_id: str) -> list[NoticeStep]:
    stmt = select(NoticeStep).where(NoticeStep.notice_id == notice_id).order_by(NoticeStep.at)
    return list((await session.scalars(stmt)).all())


def showing(now: datetime | None = None) -> ColumnElement[bool]:
    at = now or utcnow()
    return and_(Notice.status == "published", Notice.publish_from <= at, Notice.publish_until > at)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Notice.property_id, max_length=36),
        Filter("status", column=Notice.status, values=STATUSES),
        Filter("category", column=Notice.category, values=CATEGORIES),
        Filter(
            "showing",
            type=bool,
            where=boolean(showing),
            description="only notices residents see now (false: the others)",
        ),
    ),
    sort={
        "publish_from": Notice.publish_from,
        "publish_until": Notice.publish_until,
        "created_at": Notice.created_at,
    },
    default_sort="-publish_from",
    id_column=Notice.id,
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Notice]]:
    stmt = scope_to_properties(select(Notice), Notice.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


# --- public: what residents see now -------------------------------------------------------------


async def jurisdiction(session: AsyncSession, code: str) -> Property:
    prop = await session.scalar(select(Property).where(Property.code == code))
    if prop is None:
        raise NotFound(f"unknown jurisdiction_id {code!r}", field="jurisdiction_id")
    return prop


async def published_now(
    session: AsyncSession, prop: Property, building: str | None = None
) -> list[Notice]:
    """The property's notices shown now (a building's: those for all and those naming it),
    the soonest-ending first."""
    stmt = (
        select(Notice)
        .where(Notice.property_id == prop.id, showing())
        .order_by(Notice.publish_until, Notice.id)
        .limit(200)
    )
    notices = list((await session.scalars(stmt)).all())
    if building is None:
        return notices
    return [n for n in notices if not n.buildings or building in n.buildings]
