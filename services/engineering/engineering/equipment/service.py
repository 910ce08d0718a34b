"""Rules of the equipment register: register, list and read an item (with its work orders,
service log and plans), and record a service when its preventive work order is completed.

Choices:
- ``code`` is unique in a property (409 naming ``code``); the register is read by property.
- The service log gets one line per completion of a preventive work order (a reopened one
  completed again adds a line); ``last_serviced_at`` is the latest completion. It follows the
  work order's ``completed`` event (``handlers.py``), so a repeat changes nothing.
"""

from __future__ import annotations

import structlog
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from engineering.equipment.models import Category, Equipment, ServiceRecord
from engineering.equipment.schemas import EquipmentIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict
from propops.events.payloads import TaskChanged
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.tasks.models import Task
from propops.tasks.service import as_utc

log = structlog.get_logger("engineering.equipment")

DEPARTMENT = "engineering"
DETAIL_ROWS = 50


async def register(session: AsyncSession, data: EquipmentIn, principal: Principal) -> Equipment:
    check_property(principal, data.property_id)
    taken = await session.scalar(
        select(Equipment.id).where(
            Equipment.property_id == data.property_id, Equipment.code == data.code
        )
    )
    if taken is not None:
        raise Conflict(f"equipment code {data.code} is taken", field="code")
    item = Equipment(**data.model_dump())
    session.add(item)
    await session.flush()
    return item


async def get(session: AsyncSession, equipment_id: str, principal: Principal | None) -> Equipment:
    return await get_visible(
        session, Equipment, equipment_id, principal, noun="equipment", field="equipment_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Equipment.property_id, max_length=36),
        Filter("category", column=Equipment.category, values=tuple(c.value for c in Category)),
    ),
    sort={
        "code": Equipment.code,
        "name": Equipment.name,
        "last_serviced_at": Equipment.last_serviced_at,
        "created_at": Equipment.created_at,
    },
    default_sort="code",
    id_column=Equipment.id,
    search=contains(Equipment.search_text),
    search_description="words in the code, name, location and vendor",
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Equipment]]:
    stmt = scope_to_properties(select(Equipment), Equipment.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


async def work_orders(session: AsyncSession, equipment_id: str) -> list[Task]:
    rows = await session.scalars(
        select(Task)
        .where(Task.department == DEPARTMENT, Task.asset_id == equipment_id)
        .order_by(Task.created_at.desc(), Task.id)
        .limit(DETAIL_ROWS)
    )
    return list(rows.all())


async def service_log(session: AsyncSession, equipment_id: str) -> list[ServiceRecord]:
    rows = await session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.equipment_id == equipment_id)
        .order_by(ServiceRecord.serviced_at.desc())
        .limit(DETAIL_ROWS)
    )
    return list(rows.all())


async def record_service(session: AsyncSession, change: TaskChanged) -> ServiceRecord | None:
    """A preventive work order was completed: log the service on its equipment, once."""
    if change.department != DEPARTMENT or change.kind != "preventive" or not change.asset_id:
        return None
    item = await session.get(Equipment, change.asset_id)
    if item is None:
        log.info("service_of_unknown_equipment", equipment_id=change.asset_id)
        return None
    done = await session.scalar(
        select(ServiceRecord).where(
            ServiceRecord.task_id == change.task_id, ServiceRecord.serviced_at == change.at
        )
    )
    if done is not None:
        return done
    line = ServiceRecord(
        equipment_id=item.id,
        task_id=change.task_id,
        reference=change.reference,
        plan_id=change.source_id,
        serviced_at=change.at,
        serviced_by=change.assignee or change.actor,
        notes=change.notes,
    )
    session.add(line)
    if item.last_serviced_at is None or as_utc(change.at) > item.last_serviced_at:
        item.last_serviced_at = as_utc(change.at)
    await session.flush()
    return line
