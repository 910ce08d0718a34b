"""Rules of inspections (巡檢): checklist templates and rounds.

Templates are per property. The manual's defaults (``defaults.py``) are seeded for a property
the first time anyone asks for its templates (a list filtered by ``property_id``, a new template
or a round there), once: a seeded template edited or renamed is not seeded again. A round
copies its template's items when it starts, takes results (any number of times while a draft),
and on ``submit`` needs a result for every item; each ``fail`` becomes a nonconformance
(``frontdesk.nonconformances``) in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.documents.service import check_attachable
from frontdesk.inspections.defaults import DEFAULT_TEMPLATES
from frontdesk.inspections.models import (
    DRAFT,
    SUBMITTED,
    Inspection,
    InspectionStep,
    InspectionTemplate,
)
from frontdesk.inspections.schemas import InspectionIn, ResultsIn, TemplateIn, TemplateUpdate
from frontdesk.nonconformances import service as nonconformances
from frontdesk.register.models import Property
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec

INSPECTION = Lifecycle(
    "inspection",
    {
        "record": ((DRAFT,), None),
        "submit": ((DRAFT,), SUBMITTED),
    },
)


async def _property(session: AsyncSession, property_id: str, principal: Principal) -> Property:
    prop = await session.get(Property, property_id)
    if prop is None:
        raise Invalid(f"property {property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    return prop


async def ensure_defaults(session: AsyncSession, property_id: str) -> int:
    """Seed the manual's templates for a property once; the number added."""
    seeded = await session.scalar(
        select(
            exists().where(
                InspectionTemplate.property_id == property_id, InspectionTemplate.seeded.is_(True)
            )
        )
    )
    if seeded or await session.get(Property, property_id) is None:
        return 0
    taken = set(
        await session.execute(
            select(InspectionTemplate.department, InspectionTemplate.name).where(
                InspectionTemplate.property_id == property_id
            )
        )
    )
    added = 0
    try:
        async with session.begin_nested():  # a concurrent first ask loses on the unique name
            for default in DEFAULT_TEMPLATES:
                if (default["department"], default["name"]) in taken:
                    continue
                session.add(
                    InspectionTemplate(
                        property_id=property_id,
                        department=default["department"],
                        name=default["name"],
                        items=[dict(i) for i in default["items"]],
                        seeded=True,
                    )
                )
                added += 1
            await session.flush()
    except IntegrityError:
        return 0
    return added


def _items(items: list[Any]) -> list[dict[str, Any]]:
    return [i.model_dump(exclude_none=True) for i in items]


async def create_template(
    session: AsyncSession, data: TemplateIn, principal: Principal
) -> InspectionTemplate:
    await _property(session, data.property_id, principal)
    await ensure_defaults(session, data.property_id)
    await _check_name(session, data.property_id, data.department, data.name)
    template = InspectionTemplate(
        property_id=data.property_id,
        department=data.department,
        name=data.name,
        items=_items(data.items),
        seeded=False,
    )
    session.add(template)
    await session.flush()
    return template


async def _check_name(
    session: AsyncSession, property_id: str, department: str, name: str, *, but: str = ""
) -> None:
    clash = await session.scalar(
        select(InspectionTemplate.id).where(
            InspectionTemplate.property_id == property_id,
            InspectionTemplate.department == department,
            InspectionTemplate.name == name,
            InspectionTemplate.id != but,
        )
    )
    if clash:
        raise Conflict(f"a {department} template named {name!r} exists", field="name")


async def get_template(
    session: AsyncSession, template_id: str, principal: Principal
) -> InspectionTemplate:
    return await get_visible(
        session,
        InspectionTemplate,
        template_id,
        principal,
        noun="inspection template",
        field="template_id",
    )


async def update_template(
    session: AsyncSession, template: InspectionTemplate, data: TemplateUpdate
) -> InspectionTemplate:
    if data.name is not None and data.name != template.name:
        await _check_name(
            session, template.property_id, template.department, data.name, but=template.id
        )
        template.name = data.name
    if data.items is not None:
        template.items = _items(data.items)
    return template


TEMPLATES = ListSpec(
    filters=(
        Filter("property_id", column=InspectionTemplate.property_id, max_length=36),
        Filter("department", column=InspectionTemplate.department, max_length=20),
    ),
    sort={"name": InspectionTemplate.name, "department": InspectionTemplate.department},
    default_sort="department",
    id_column=InspectionTemplate.id,
)


def list_templates(principal: Principal, query: ListQuery) -> Select[tuple[InspectionTemplate]]:
    stmt = scope_to_properties(
        select(InspectionTemplate), InspectionTemplate.property_id, principal
    )
    return TEMPLATES.apply(stmt, query)


# --- rounds -------------------------------------------------------------------------------


def _step(inspection: Inspection, action: str, actor: str) -> InspectionStep:
    return InspectionStep(
        inspection_id=inspection.id,
        action=action,
        status=inspection.status,
        actor=actor,
        at=utcnow(),
    )


async def start(session: AsyncSession, data: InspectionIn, principal: Principal) -> Inspection:
    await _property(session, data.property_id, principal)
    await ensure_defaults(session, data.property_id)
    template = await session.get(InspectionTemplate, data.template_id)
    if template is None or template.property_id != data.property_id:
        raise Invalid(
            f"inspection template {data.template_id} is not one of this property's",
            field="template_id",
        )
    inspection = Inspection(
        property_id=data.property_id,
        template_id=template.id,
        template_name=template.name,
        department=template.department,
        location=data.location,
        status=DRAFT,
        items=[dict(i) for i in template.items],
        results={},
        inspector=principal.username,
    )
    session.add(inspection)
    await session.flush()
    session.add(_step(inspection, "started", principal.username))
    await session.flush()
    return inspection


async def get(session: AsyncSession, inspection_id: str, principal: Principal) -> Inspection:
    return await get_visible(
        session, Inspection, inspection_id, principal, noun="inspection", field="inspection_id"
    )


async def record_results(
    session: AsyncSession, inspection: Inspection, data: ResultsIn, actor: str
) -> Inspection:
    INSPECTION.check(inspection, "record")
    codes = {item["code"] for item in inspection.items}
    results = dict(inspection.results)
    for index, result in enumerate(data.items):
        if result.code not in codes:
            raise Invalid(
                f"{result.code!r} is not an item of this checklist ({', '.join(sorted(codes))})",
                field=f"items.{index}.code",
            )
        if result.document_id is not None:
            await check_attachable(
                session,
                result.document_id,
                inspection.property_id,
                field=f"items.{index}.document_id",
            )
        results[result.code] = result.model_dump(exclude={"code"})
    inspection.results = results
    await INSPECTION.apply(session, inspection, "record", step=lambda i: _step(i, "results", actor))
    return inspection


async def submit(
    session: AsyncSession,
    settings: FrontdeskSettings,
    inspection: Inspection,
    principal: Principal,
) -> list[str]:
    """Submit the round; the ids of the nonconformances its failed items raised."""
    INSPECTION.check(inspection, "submit")
    missing = [i["code"] for i in inspection.items if i["code"] not in inspection.results]
    if missing:
        raise Invalid(f"no result yet for: {', '.join(missing)}", field="items", missing=missing)
    inspection.submitted_at = utcnow()
    await INSPECTION.apply(
        session, inspection, "submit", step=lambda i: _step(i, "submitted", principal.username)
    )
    prop = await session.get(Property, inspection.property_id)
    assert prop is not None
    raised = []
    for item in inspection.items:
        result = inspection.results[item["code"]]
        if result["result"] == "fail":
            nc = await nonconformances.raise_for(
                session, settings, prop, inspection, item, result, actor=principal.username
            )
            raised.append(nc.id)
    return raised


ROUNDS = ListSpec(
    filters=(
        Filter("property_id", column=Inspection.property_id, max_length=36),
        Filter("department", column=Inspection.department, max_length=20),
        Filter("status", column=Inspection.status, values=(DRAFT, SUBMITTED)),
    ),
    sort={"created_at": Inspection.created_at},
    default_sort="-created_at",
    id_column=Inspection.id,
)


def list_rounds(principal: Principal, query: ListQuery) -> Select[tuple[Inspection]]:
    stmt = scope_to_properties(select(Inspection), Inspection.property_id, principal)
    return ROUNDS.apply(stmt, query)
