"""Rules of training (培訓): courses and who attended them; who is due.

- A course's code is unique per property, and a property's course may not reuse the code of a
  course for every property (409 naming ``code``).
- A record's user is an active front-desk user (422 naming ``user``); ``attended_on`` is not
  after today at the course's property (422).
- Due at a property (``due``): every active front-desk user who may work there (no property
  limits, or that property among them), for every course of that property or of every
  property: never attended (with a pass or no assessment) -> due now (``never``); attended,
  with ``refresher_months`` -> due on the last attendance plus those months, listed when that
  falls within ``within_days`` of today (``overdue`` once past).
- Seen by property (``propops.auth``): a user limited to some properties lists and reads the
  courses of those properties and the courses for every property (403 for another property's
  course), and the records of those courses only.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.register.models import Property
from frontdesk.training.models import COURSE_KINDS, TrainingCourse, TrainingRecord
from frontdesk.training.schemas import CourseIn, DueList, DueOut, RecordIn
from propops.auth import Principal, check_property
from propops.directory.models import DirectoryUser
from propops.directory.service import require_member
from propops.errors import Conflict, Invalid, NotFound
from propops.lists import Filter, ListQuery, ListSpec
from propops.timezones import DEFAULT_TIME_ZONE, today_in

DEPARTMENT = "frontdesk"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def _property(session: AsyncSession, property_id: str, principal: Principal) -> Property:
    prop = await session.get(Property, property_id)
    if prop is None:
        raise Invalid(f"property {property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    return prop


async def add_course(session: AsyncSession, data: CourseIn, principal: Principal) -> TrainingCourse:
    if data.property_id is not None:
        await _property(session, data.property_id, principal)
    same = [TrainingCourse.code == data.code]
    if data.property_id is not None:  # a course for every property takes the code everywhere
        same.append(
            or_(
                TrainingCourse.property_id.is_(None),
                TrainingCourse.property_id == data.property_id,
            )
        )
    same_code = await session.scalar(select(TrainingCourse).where(*same).limit(1))
    if same_code is not None:
        raise Conflict(f"course code {data.code} is taken", field="code", course_id=same_code.id)
    course = TrainingCourse(**data.model_dump(), created_by=principal.username)
    session.add(course)
    await session.flush()
    return course


def visible_courses(principal: Principal) -> ColumnElement[bool] | None:
    """The courses a user sees: those for every property and of the properties they see (no
    condition for a user who sees every property)."""
    if not principal.property_ids:
        return None
    return or_(
        TrainingCourse.property_id.is_(None),
        TrainingCourse.property_id.in_(principal.property_ids),
    )


async def get_course(
    session: AsyncSession, course_id: str, principal: Principal, *, field: str
) -> TrainingCourse:
    """A course by id (404 naming ``field``), or 403 when it is of a property the user may not
    see (a course for every property is seen by all)."""
    course = await session.get(TrainingCourse, course_id)
    if course is None:
        raise NotFound(f"training course {course_id} not found", field=field)
    if course.property_id is not None:
        check_property(principal, course.property_id)
    return course


async def record(session: AsyncSession, data: RecordIn, principal: Principal) -> TrainingRecord:
    course = await session.get(TrainingCourse, data.course_id)
    if course is None:
        raise Invalid(f"training course {data.course_id} does not exist", field="course_id")
    zone = DEFAULT_TIME_ZONE
    if course.property_id is not None:
        zone = (await _property(session, course.property_id, principal)).time_zone
    if data.attended_on > today_in(zone):
        raise Invalid("attended_on is in the future", field="attended_on")
    await require_member(session, data.user, DEPARTMENT, field="user")
    row = TrainingRecord(**data.model_dump(), recorded_by=principal.username)
    session.add(row)
    await session.flush()
    return row


def _works_at(user: DirectoryUser, property_id: str) -> bool:
    return (
        user.active
        and DEPARTMENT in user.roles
        and (not user.property_ids or property_id in user.property_ids)
    )


async def due(
    session: AsyncSession, property_id: str, within_days: int, principal: Principal
) -> DueList:
    prop = await _property(session, property_id, principal)
    today = today_in(prop.time_zone)
    horizon = today + timedelta(days=within_days)
    courses = (
        await session.scalars(
            select(TrainingCourse)
            .where(or_(TrainingCourse.property_id.is_(None), TrainingCourse.property_id == prop.id))
            .order_by(TrainingCourse.kind, TrainingCourse.code)
        )
    ).all()
    users = sorted(
        (u for u in await session.scalars(select(DirectoryUser)) if _works_at(u, prop.id)),
        key=lambda u: u.username,
    )
    last: dict[tuple[str, str], date] = {}
    if courses and users:
        rows = await session.execute(
            select(
                TrainingRecord.user, TrainingRecord.course_id, func.max(TrainingRecord.attended_on)
            )
            .where(
                TrainingRecord.course_id.in_([c.id for c in courses]),
                TrainingRecord.user.in_([u.username for u in users]),
                or_(TrainingRecord.passed.is_(None), TrainingRecord.passed.is_(True)),
            )
            .group_by(TrainingRecord.user, TrainingRecord.course_id)
        )
        last = {(user, course): day for user, course, day in rows.all()}
    items: list[DueOut] = []
    for user in users:
        for course in courses:
            attended = last.get((user.username, course.id))
            if attended is None:
                due_on = None
            elif course.refresher_months is None:
                continue
            else:
                due_on = add_months(attended, course.refresher_months)
                if due_on > horizon:
                    continue
            items.append(
                DueOut(
                    user=user.username,
                    course_id=course.id,
                    course_code=course.code,
                    course_name=course.name,
                    kind=course.kind,
                    last_attended_on=attended,
                    due_on=due_on,
                    overdue=due_on is None or due_on < today,
                    never=attended is None,
                )
            )
    items.sort(key=lambda i: (i.due_on or date.min, i.user, i.course_code))
    return DueList(property_id=prop.id, today=today, within_days=within_days, items=items)


COURSES = ListSpec(
    filters=(
        Filter(
            "property_id",
            where=lambda pid: or_(
                TrainingCourse.property_id.is_(None), TrainingCourse.property_id == pid
            ),
            max_length=36,
            description="the property's courses and those for every property",
        ),
        Filter("kind", column=TrainingCourse.kind, values=COURSE_KINDS),
    ),
    sort={"code": TrainingCourse.code, "created_at": TrainingCourse.created_at},
    default_sort="code",
    id_column=TrainingCourse.id,
)

RECORDS = ListSpec(
    filters=(
        Filter("course_id", column=TrainingRecord.course_id, max_length=36),
        Filter("user", column=TrainingRecord.user, max_length=80),
    ),
    sort={"attended_on": TrainingRecord.attended_on, "user": TrainingRecord.user},
    default_sort="-attended_on",
    id_column=TrainingRecord.id,
)


def courses_query(query: ListQuery, principal: Principal) -> Select[tuple[TrainingCourse]]:
    stmt = select(TrainingCourse)
    scope = visible_courses(principal)
    if scope is not None:
        stmt = stmt.where(scope)
    return COURSES.apply(stmt, query)


def records_query(query: ListQuery, principal: Principal) -> Select[tuple[TrainingRecord]]:
    """The records of the courses the user sees."""
    stmt = select(TrainingRecord)
    scope = visible_courses(principal)
    if scope is not None:
        stmt = stmt.join(TrainingCourse, TrainingCourse.id == TrainingRecord.course_id).where(scope)
    return RECORDS.apply(stmt, query)
