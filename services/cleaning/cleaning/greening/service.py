"""Rules of the greening contractor and its jobs.

- A contractor is the office's, not a property's: any cleaning user may name it on a job.
- A job names an existing contractor (422 on ``contractor_id``), optionally an area of the
  same property (422 on ``area_id``), and an expected finish not before its start (422 on
  ``expected_finish``). It starts ``active`` at 0 %, with a first history line.
- Progress reports (``GREENING_JOB``, ``propops.lifecycle``) add a history line each and bump
  the version (``If-Match``); the percentage never goes back (422 on ``percent``); 100 % makes
  the job ``completed``, after which a report is a 409 naming the state.
- Late: see ``cleaning.greening.progress`` (linear expected progress).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.areas.service import area_for_write
from cleaning.greening.models import (
    Contractor,
    GreeningJob,
    GreeningProgress,
    JobKind,
    JobStatus,
    late_on,
)
from cleaning.greening.progress import ACTIVE, COMPLETED
from cleaning.greening.schemas import ContractorIn, GreeningJobIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid, NotFound
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, boolean, contains

GREENING_JOB = Lifecycle(
    "greening job",
    {
        # action: (allowed from, next state; None: stays, or 100 % chooses completed)
        "progress": ((ACTIVE,), None),
    },
)


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise Invalid(f"{field} must not be empty", field=field)
    return text


# --- contractors ---------------------------------------------------------------------------


async def add_contractor(session: AsyncSession, data: ContractorIn) -> Contractor:
    contractor = Contractor(
        name=_text(data.name, "name"), phone=data.phone.strip(), scope=_text(data.scope, "scope")
    )
    session.add(contractor)
    await session.flush()
    return contractor


async def get_contractor(session: AsyncSession, contractor_id: str) -> Contractor:
    contractor = await session.get(Contractor, contractor_id)
    if contractor is None:
        raise NotFound(f"contractor {contractor_id} not found", field="contractor_id")
    return contractor


CONTRACTORS = ListSpec(
    filters=(),
    sort={"name": Contractor.name, "created_at": Contractor.created_at},
    default_sort="name",
    id_column=Contractor.id,
    search=contains(Contractor.search_text),
    search_description="words of the name, or the phone's digits",
)


def list_contractors(query: ListQuery | None = None) -> Select[tuple[Contractor]]:
    # phones are kept as their digits: "2345 6789" matches word by word
    return CONTRACTORS.apply(select(Contractor), query or CONTRACTORS.query())


# --- jobs --------------------------------------------------------------------------------


async def create_job(
    session: AsyncSession, data: GreeningJobIn, principal: Principal, *, time_zone: str
) -> GreeningJob:
    check_property(principal, data.property_id)
    if await session.get(Contractor, data.contractor_id) is None:
        raise Invalid(f"contractor {data.contractor_id} not found", field="contractor_id")
    if data.area_id is not None:
        area = await area_for_write(session, data.area_id, principal)
        if area.property_id != data.property_id:
            raise Invalid(f"area {area.code} is in another property than the job", field="area_id")
    if data.expected_finish < data.start_date:
        raise Invalid(
            f"expected finish {data.expected_finish} is before the start {data.start_date}",
            field="expected_finish",
        )
    job = GreeningJob(
        property_id=data.property_id,
        contractor_id=data.contractor_id,
        kind=data.kind.value,
        area_id=data.area_id,
        description=_text(data.description, "description"),
        start_date=data.start_date,
        expected_finish=data.expected_finish,
        start_day=data.start_date.toordinal(),
        finish_day=data.expected_finish.toordinal(),
        progress=0,
        status=ACTIVE,
        created_by=principal.username,
        time_zone=time_zone,
    )
    session.add(job)
    await session.flush()
    session.add(
        GreeningProgress(
            job_id=job.id, actor=principal.username, percent=0, status=ACTIVE, notes=None
        )
    )
    await session.flush()
    return job


async def report_progress(
    session: AsyncSession, job: GreeningJob, percent: int, notes: str | None, *, actor: str
) -> GreeningJob:
    """Record how far the job is (a history line); 100 % completes it."""
    GREENING_JOB.check(job, "progress")
    if percent < job.progress:
        raise Invalid(
            f"progress cannot go back from {job.progress} to {percent} percent", field="percent"
        )
    job.progress = percent
    done = percent == 100
    if done:
        job.completed_at = utcnow()
    return await GREENING_JOB.apply(
        session,
        job,
        "progress",
        to=COMPLETED if done else None,
        step=lambda j: GreeningProgress(
            job_id=j.id,
            actor=actor,
            percent=percent,
            status=j.status,
            notes=(notes or "").strip() or None,
        ),
    )


async def get_job(session: AsyncSession, job_id: str, principal: Principal) -> GreeningJob:
    return await get_visible(
        session, GreeningJob, job_id, principal, noun="greening job", field="job_id"
    )


async def history(session: AsyncSession, job_id: str) -> list[GreeningProgress]:
    rows = await session.scalars(
        select(GreeningProgress)
        .where(GreeningProgress.job_id == job_id)
        .order_by(GreeningProgress.seq)
    )
    return list(rows.all())


async def contractor_names(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(Contractor.id, Contractor.name).where(Contractor.id.in_(set(ids)))
    )
    return {ident: name for ident, name in rows.tuples()}


JOBS = ListSpec(
    filters=(
        Filter("property_id", column=GreeningJob.property_id, max_length=36),
        Filter("contractor_id", column=GreeningJob.contractor_id, max_length=36),
        Filter("area_id", column=GreeningJob.area_id, max_length=36),
        Filter("kind", column=GreeningJob.kind, values=tuple(JobKind)),
        Filter("status", column=GreeningJob.status, values=tuple(JobStatus)),
        Filter(
            "late",
            type=bool,
            where=boolean(lambda: late_on()),
            description="only jobs behind their expected progress today (false: the others)",
        ),
    ),
    sort={
        "expected_finish": (GreeningJob.expected_finish, GreeningJob.created_at),
        "start_date": GreeningJob.start_date,
        "progress": GreeningJob.progress,
        "created_at": GreeningJob.created_at,
    },
    default_sort="expected_finish",
    id_column=GreeningJob.id,
)


def list_jobs(
    principal: Principal, query: ListQuery | None = None, *, late_as_of: date | None = None
) -> Select[tuple[GreeningJob]]:
    """The jobs the caller may see; ``late_as_of`` (tests): only those late on that day."""
    stmt = scope_to_properties(select(GreeningJob), GreeningJob.property_id, principal)
    if late_as_of is not None:
        stmt = stmt.where(late_on(late_as_of))
    return JOBS.apply(stmt, query or JOBS.query())
