from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.training import service
from frontdesk.training.schemas import CourseIn, CourseOut, DueList, RecordIn, RecordOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["training"])


@router.post("/training-courses", status_code=201, response_model=CourseOut)
async def add_course(
    data: CourseIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """A course: pre-job induction or periodic in-service training, with the months after
    which it is to be attended again (``refresher_months``)."""

    async def create() -> CourseOut:
        return CourseOut.model_validate(await service.add_course(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/training-courses", response_model=Page[CourseOut])
async def list_courses(
    query: ListQuery = Depends(service.COURSES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CourseOut]:
    """The courses for every property and those of the properties the user sees."""
    stmt = service.courses_query(query, principal)
    return await paginate(session, stmt, query.page, CourseOut.model_validate)


@router.get("/training-courses/{course_id}", response_model=CourseOut)
async def get_course(
    course_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CourseOut:
    course = await service.get_course(session, course_id, principal, field="course_id")
    return CourseOut.model_validate(course)


@router.post("/training-records", status_code=201, response_model=RecordOut)
async def add_record(
    data: RecordIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Who attended a course when (the trainer, and whether they passed, if assessed)."""

    async def create() -> RecordOut:
        return RecordOut.model_validate(await service.record(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/training-records", response_model=Page[RecordOut])
async def list_records(
    query: ListQuery = Depends(service.RECORDS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[RecordOut]:
    """The records of the courses the user sees."""
    stmt = service.records_query(query, principal)
    return await paginate(session, stmt, query.page, RecordOut.model_validate)


@router.get("/training-due", response_model=DueList)
async def training_due(
    property_id: str = Query(min_length=1, max_length=36),
    within_days: int = Query(30, ge=0, le=3660, description="refreshers due within this"),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DueList:
    """Who at the property is due (or overdue) for a course: never attended it (an induction
    course, or an in-service one), or its refresher falls due within ``within_days``."""
    return await service.due(session, property_id, within_days, principal)
