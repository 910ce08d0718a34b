"""Rules of hygiene checks: a check names an area (422 on ``area_id``; another property's: 403).
A failed check must say what was found (422 on ``notes``) and raises a cleaning task at once,
in the same transaction (``propops.tasks.create_task``: kind ``hygiene``, ``asset_id`` the area,
``source_key`` ``hygiene:<check>``, high priority): the check and its task are written together
or not at all."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning import DEPARTMENT
from cleaning.areas.service import area_for_write
from cleaning.hygiene.models import HygieneCheck
from cleaning.hygiene.schemas import HygieneCheckIn
from propops.auth import Principal, get_visible, scope_to_properties
from propops.errors import Invalid
from propops.lists import Filter, ListQuery, ListSpec
from propops.tasks import NewTask, create_task


async def record(
    session: AsyncSession, data: HygieneCheckIn, principal: Principal, *, time_zone: str
) -> HygieneCheck:
    area = await area_for_write(session, data.area_id, principal)
    notes = (data.notes or "").strip() or None
    if not data.passed and notes is None:
        raise Invalid("notes must say what failed the check", field="notes")
    check = HygieneCheck(
        property_id=area.property_id,
        area_id=area.id,
        passed=data.passed,
        notes=notes,
        checked_by=principal.username,
    )
    session.add(check)
    await session.flush()
    if notes is not None and not data.passed:
        task = await create_task(
            session,
            DEPARTMENT,
            NewTask(
                property_id=area.property_id,
                kind="hygiene",
                title=notes.splitlines()[0].strip() or notes,  # what was found
                description=f"{area.code} · {area.name}: {notes}",
                location=area.name,
                priority="high",
                source_id=check.id,
                source_key=f"hygiene:{check.id}",
                asset_id=area.id,
                actor=principal.username,
                time_zone=time_zone,
            ),
        )
        check.task_id = task.id
        check.task_reference = task.reference
        await session.flush()
    return check


async def get_check(session: AsyncSession, check_id: str, principal: Principal) -> HygieneCheck:
    return await get_visible(
        session, HygieneCheck, check_id, principal, noun="hygiene check", field="check_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=HygieneCheck.property_id, max_length=36),
        Filter("area_id", column=HygieneCheck.area_id, max_length=36),
        Filter("passed", type=bool, column=HygieneCheck.passed),
    ),
    sort={"created_at": HygieneCheck.created_at},
    default_sort="-created_at",
    id_column=HygieneCheck.id,
)


def list_checks(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[HygieneCheck]]:
    stmt = scope_to_properties(select(HygieneCheck), HygieneCheck.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
