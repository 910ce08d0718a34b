"""Rules of department tasks (``propops.tasks.service``) against a real database (SQLite, or
PostgreSQL with ``PROPOPS_TEST_DATABASE_URL``), migrated the way services migrate it."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from propops.auth import Principal
from propops.db import Database
from propops.directory import DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE
from propops.directory.service import apply_change
from propops.errors import (
    ChangedMeanwhile,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
)
from propops.events import new_event
from propops.events.catalog import complaint_event_type
from propops.events.payloads import ComplaintChanged, ComplaintRerouted, SiteVisited, UserChanged
from propops.lifecycle import guard
from propops.messaging.models import OutboxRow
from propops.messaging.subscriptions import On, handlers_by_type
from propops.migrations import upgrade
from propops.tasks import service as rules
from propops.tasks import task_feature
from propops.tasks.handlers import task_subscriptions
from propops.tasks.models import Task, TaskHistory
from propops.testing.tasks import complaint

DEPT = "engineering"
ALL = Principal(user_id="u", username="boss", roles=frozenset({"admin"}))


@pytest.fixture
async def db(make_db_url: Callable[[str], Awaitable[str]]) -> AsyncIterator[Database]:
    database = Database(await make_db_url("tasks"))
    await upgrade(
        database.engine,
        None,
        "tasks",
        [(DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE), task_feature(DEPT, "workorders").migrations],
    )
    async with database.sessions() as s:  # the engineers the gateway told the service about
        for name in ("tech-lee", "tech-chan", "head-wong"):
            await apply_change(s, user(name, DEPT))
        await s.commit()
    yield database
    await database.dispose()


def user(name: str, *roles: str, active: bool = True, version: int = 1) -> UserChanged:
    return UserChanged(
        user_id=f"id-{name}",
        username=name,
        roles=list(roles),
        property_ids=[],
        active=active,
        version=version,
        changed_at=datetime.now(UTC),
    )


async def dispatched_task(db: Database, **fields: object) -> Task:
    async with db.sessions() as s:
        task = await rules.create_from_dispatch(s, DEPT, complaint(DEPT, **fields))
        await s.commit()
    assert task is not None
    return task


async def task_in(db: Database, status: str) -> Task:
    """A task brought to ``status`` through the rules."""
    task = await dispatched_task(db)
    steps = {
        "open": [],
        "assigned": ["assign"],
        "in_progress": ["assign", "start"],
        "completed": ["assign", "start", "complete"],
        "cancelled": ["cancel"],
    }[status]
    for step in steps:
        task = await act(db, task.id, step)
    assert task.status == status
    return task


async def act(db: Database, task_id: str, action: str, **kw: str) -> Task:
    async with db.sessions() as s:
        task = await rules.get(s, DEPT, task_id)
        await perform(s, task, action, **kw)
        await s.commit()
        return task


async def perform(s: AsyncSession, task: Task, action: str, **kw: str) -> Task:
    who = {"actor": kw.pop("actor", "tech-lee")}
    if action == "assign":
        return await rules.assign(s, task, kw.get("assignee", "tech-lee"), **who)
    if action == "start":
        return await rules.start(s, task, **who)
    if action == "complete":
        return await rules.complete(s, task, kw.get("notes", "fixed the pipe"), **who)
    if action == "reopen":
        return await rules.reopen(s, task, kw.get("reason", "still leaking"), **who)
    return await rules.cancel(s, task, kw.get("reason", "duplicate"), **who)


async def events(db: Database, task_id: str | None = None) -> list[tuple[str, dict]]:
    async with db.sessions() as s:
        rows = (await s.scalars(select(OutboxRow).order_by(OutboxRow.seq))).all()
    found = [(r.type.split(".")[3], json.loads(r.envelope)["data"]) for r in rows]
    return [(verb, data) for verb, data in found if task_id in (None, data["task_id"])]


async def timeline(db: Database, task_id: str) -> list[tuple[str, str, str | None]]:
    async with db.sessions() as s:
        return [(h.action, h.status, h.notes) for h in await rules.history(s, task_id)]


async def task_count(db: Database) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Task)) or 0)


# --- creation from a dispatch -------------------------------------------------------------


async def test_dispatch_makes_an_open_task_with_one_created_event(db: Database) -> None:
    c = complaint(DEPT)
    async with db.sessions() as s:
        task = await rules.create_from_dispatch(s, DEPT, c)
        await s.commit()
    assert task is not None
    assert (task.status, task.assignee, task.version) == ("open", None, 1)
    assert task.title == "Water leaking from the ceiling"
    assert task.due_at == c.resolution_due and task.property_id == "p-1"
    assert await timeline(db, task.id) == [("created", "open", None)]
    [(verb, data)] = await events(db)
    assert verb == "created" and data["complaint_id"] == c.complaint_id
    assert data["status"] == "open" and data["department"] == DEPT


async def test_a_repeated_dispatch_changes_nothing(db: Database) -> None:
    c = complaint(DEPT)
    first = await dispatched_task(db, complaint_id=c.complaint_id, at=c.at)
    await act(db, first.id, "assign")
    for later in (c, c.model_copy(update={"at": c.at + timedelta(minutes=5)})):
        async with db.sessions() as s:
            again = await rules.create_from_dispatch(s, DEPT, later)
            await s.commit()
        assert again is not None and again.id == first.id
    assert await task_count(db) == 1
    assert [v for v, _ in await events(db)] == ["created", "assigned"]


async def test_dispatch_naming_the_head_creates_an_assigned_task(db: Database) -> None:
    task = await dispatched_task(db, assignee="head-wong")
    assert (task.status, task.assignee) == ("assigned", "head-wong")
    [(verb, data)] = await events(db)
    assert (verb, data["status"], data["assignee"]) == ("created", "assigned", "head-wong")


async def test_the_database_refuses_a_second_live_task_for_a_complaint(db: Database) -> None:
    task = await dispatched_task(db)
    async with db.sessions() as s:
        s.add(Task(department=DEPT, property_id="p-1", complaint_id=task.complaint_id, title="x"))
        with pytest.raises(IntegrityError):
            await s.commit()


# --- transitions ----------------------------------------------------------------------------


async def test_assign_start_complete_reopen_and_complete_again(db: Database) -> None:
    task = await dispatched_task(db)
    task = await act(db, task.id, "assign", assignee="tech-lee", actor="head-wong")
    assert (task.status, task.assignee, task.version) == ("assigned", "tech-lee", 2)
    task = await act(db, task.id, "start")
    assert task.status == "in_progress" and task.started_at is not None
    task = await act(db, task.id, "complete", notes="replaced the valve")
    assert task.status == "completed" and task.resolution_notes == "replaced the valve"
    assert task.completed_at is not None and task.completed_at >= task.started_at
    task = await act(db, task.id, "reopen", reason="resident says it still drips")
    # reopened: back to its assignee, to be started again
    assert (task.status, task.assignee, task.reopen_count) == ("assigned", "tech-lee", 1)
    assert task.completed_at is None and task.resolution_notes is None
    task = await act(db, task.id, "start")
    task = await act(db, task.id, "complete", notes="resealed the joint")
    assert task.status == "completed" and task.version == 7
    assert await timeline(db, task.id) == [
        ("created", "open", None),
        ("assigned", "assigned", None),
        ("started", "in_progress", None),
        ("completed", "completed", "replaced the valve"),
        ("reopened", "assigned", "resident says it still drips"),
        ("started", "in_progress", None),
        ("completed", "completed", "resealed the joint"),
    ]
    found = await events(db, task.id)
    assert [v for v, _ in found] == [
        "created",
        "assigned",
        "started",
        "completed",
        "reopened",
        "started",
        "completed",
    ]
    assert found[1][1]["actor"] == "head-wong" and found[1][1]["assignee"] == "tech-lee"
    assert found[-1][1]["notes"] == "resealed the joint"


@pytest.mark.parametrize("status", ["open", "assigned", "in_progress"])
async def test_cancel_from_every_live_state(db: Database, status: str) -> None:
    task = await task_in(db, status)
    task = await act(db, task.id, "cancel", reason="complaint withdrawn")
    assert task.status == "cancelled" and task.cancelled_at is not None
    verb, data = (await events(db, task.id))[-1]
    assert (verb, data["status"], data["notes"]) == (
        "cancelled",
        "cancelled",
        "complaint withdrawn",
    )


async def test_reassigning_keeps_an_in_progress_task_in_progress(db: Database) -> None:
    task = await task_in(db, "in_progress")
    task = await act(db, task.id, "assign", assignee="tech-chan")
    assert (task.status, task.assignee) == ("in_progress", "tech-chan")


async def test_assigning_the_same_person_again_changes_nothing(db: Database) -> None:
    task = await task_in(db, "assigned")
    before = await events(db, task.id)
    again = await act(db, task.id, "assign", assignee=task.assignee or "")
    assert again.version == task.version
    assert await events(db, task.id) == before


async def test_reopen_without_an_assignee_goes_back_to_open(db: Database) -> None:
    task = await task_in(db, "completed")
    async with db.sessions() as s:  # e.g. the assignee left and was unassigned by an admin
        (await rules.get(s, DEPT, task.id)).assignee = None
        await s.commit()
    task = await act(db, task.id, "reopen")
    assert (task.status, task.reopen_count) == ("open", 1)


INVALID = [
    ("open", "start"),
    ("open", "complete"),
    ("open", "reopen"),
    ("assigned", "complete"),
    ("assigned", "reopen"),
    ("in_progress", "start"),
    ("in_progress", "reopen"),
    ("completed", "assign"),
    ("completed", "start"),
    ("completed", "complete"),
    ("completed", "cancel"),
    ("cancelled", "assign"),
    ("cancelled", "start"),
    ("cancelled", "complete"),
    ("cancelled", "reopen"),
    ("cancelled", "cancel"),
]


@pytest.mark.parametrize(("status", "action"), INVALID)
async def test_invalid_transition_is_a_conflict_naming_the_state(
    db: Database, status: str, action: str
) -> None:
    task = await task_in(db, status)
    before = (await events(db, task.id), await timeline(db, task.id))
    with pytest.raises(Conflict) as err:
        await act(db, task.id, action)
    assert err.value.status == 409
    assert err.value.detail.startswith(f"work order is {status}; cannot {action}")
    assert err.value.extra["current_state"] == status
    assert err.value.extra["action"] == action
    assert status not in err.value.extra["allowed_from"]
    assert (await events(db, task.id), await timeline(db, task.id)) == before


async def test_complete_before_start_says_start_it_first(db: Database) -> None:
    task = await task_in(db, "assigned")
    with pytest.raises(Conflict, match=r"is assigned; cannot complete \(start it first\)"):
        await act(db, task.id, "complete")


@pytest.mark.parametrize(
    ("status", "action", "field"),
    [
        ("in_progress", "complete", "resolution_notes"),
        ("completed", "reopen", "reason"),
        ("open", "cancel", "reason"),
        ("open", "assign", "assignee"),
    ],
)
async def test_blank_text_is_invalid_naming_the_field(
    db: Database, status: str, action: str, field: str
) -> None:
    task = await task_in(db, status)
    argument = {"resolution_notes": "notes"}.get(field, field)
    with pytest.raises(Invalid) as err:
        await act(db, task.id, action, **{argument: "   "})
    assert err.value.field == field and err.value.status == 422


async def test_version_check_and_concurrent_writers(db: Database) -> None:
    task = await task_in(db, "assigned")
    async with db.sessions() as s:
        fresh = await rules.get(s, DEPT, task.id)
        rules.check_version(fresh, 2)
        with pytest.raises(PreconditionFailed, match="at version 2, not 1") as err:
            rules.check_version(fresh, 1)
        assert err.value.status == 412
        assert err.value.extra == {"current_version": 2, "expected_version": 1}
    # two writers read version 2; the second one to write loses
    async with db.sessions() as a, db.sessions() as b:
        ta, tb = await rules.get(a, DEPT, task.id), await rules.get(b, DEPT, task.id)
        await rules.start(a, ta, actor="x")
        await a.commit()
        with pytest.raises(StaleDataError):  # the UPDATE ... WHERE version = 2 matches nothing
            await rules.cancel(b, tb, "changed my mind", actor="y")
    assert (await act(db, task.id, "complete")).status == "completed"


@pytest.mark.parametrize("named", [True, False])
async def test_a_lost_race_is_412_with_a_version_named_else_409(db: Database, named: bool) -> None:
    """RFC 9110: 412 only for a precondition the client set; a writer that named no version
    and lost the race gets a 409 with the same members (the version it read, the one now)."""
    task = await task_in(db, "assigned")
    async with db.sessions() as a, db.sessions() as b:
        ta, tb = await rules.get(a, DEPT, task.id), await rules.get(b, DEPT, task.id)
        await rules.start(a, ta, actor="x")
        await a.commit()
        with pytest.raises(DomainError) as err:
            async with guard(b, tb, 2 if named else None, noun="work order"):
                await rules.cancel(b, tb, "changed my mind", actor="y")
    assert type(err.value) is (PreconditionFailed if named else ChangedMeanwhile)
    assert err.value.status == (412 if named else 409)
    assert err.value.field == ("If-Match" if named else "version")
    assert err.value.extra == {"current_version": 3, "expected_version": 2}
    assert "work order was changed meanwhile" in err.value.detail
    assert (await act(db, task.id, "complete")).status == "completed"  # the winner's start held


async def test_get_is_scoped_to_the_department_and_property(db: Database) -> None:
    task = await dispatched_task(db, property_id="p-9")
    async with db.sessions() as s:
        with pytest.raises(NotFound):
            await rules.get(s, "cleaning", task.id)
        other = Principal("u2", "amy", frozenset({"engineering"}), frozenset({"p-1"}))
        with pytest.raises(Forbidden, match="no access to property p-9"):
            await rules.get(s, DEPT, task.id, other)
        stmt = rules.list_query(DEPT, other)
        assert (await s.scalars(stmt)).all() == []
        mine = (
            await s.scalars(rules.list_query(DEPT, ALL, rules.LIST.query(property_id="p-9")))
        ).all()
        assert [t.id for t in mine] == [task.id]
        assert (
            await s.scalars(rules.list_query(DEPT, ALL, rules.LIST.query(status="completed")))
        ).all() == []


async def test_a_completion_reopened_later_stays_in_its_windows_list(db: Database) -> None:
    """``completed_from``/``completed_before``: completed within the window, whether or not
    reopened since (the daily review's count of a day's completed work); one completion must
    fall within both bounds."""
    task = await task_in(db, "completed")
    async with db.sessions() as s:
        [done_at] = (
            await s.scalars(
                select(TaskHistory.at).where(
                    TaskHistory.task_id == task.id, TaskHistory.action == "completed"
                )
            )
        ).all()
    done_at = done_at if done_at.tzinfo else done_at.replace(tzinfo=UTC)
    window = {
        "completed_from": done_at - timedelta(minutes=1),
        "completed_before": done_at + timedelta(minutes=1),
    }

    async def listed(**filters: object) -> list[str]:
        async with db.sessions() as s:
            query = rules.LIST.query(**filters)
            return [t.id for t in (await s.scalars(rules.list_query(DEPT, ALL, query))).all()]

    assert await listed(**window) == [task.id]
    await act(db, task.id, "reopen")  # completed_at cleared: the day's completion still counts
    assert await listed(**window) == [task.id]
    assert await listed(completed_from=window["completed_from"]) == [task.id]
    assert await listed(completed_before=window["completed_before"]) == [task.id]
    # a window before it or after it: not listed
    assert await listed(completed_before=window["completed_from"]) == []
    assert await listed(completed_from=window["completed_before"]) == []
    later = done_at + timedelta(hours=1)
    assert await listed(completed_from=later, completed_before=later + timedelta(hours=1)) == []
    # completed two hours earlier, and again now: an hour between them holds no completion,
    # though each bound alone matches one of the two
    async with db.sessions() as s:
        first = await s.scalar(
            select(TaskHistory).where(
                TaskHistory.task_id == task.id, TaskHistory.action == "completed"
            )
        )
        assert first is not None
        first.at = done_at - timedelta(hours=2)
        await s.commit()
    await act(db, task.id, "start")
    await act(db, task.id, "complete")
    between = {
        "completed_from": done_at - timedelta(hours=1, minutes=30),
        "completed_before": done_at - timedelta(minutes=30),
    }
    assert await listed(completed_from=between["completed_from"]) == [task.id]
    assert await listed(completed_before=between["completed_before"]) == [task.id]
    assert await listed(**between) == []


# --- the front desk's events -------------------------------------------------------------


def visit(complaint_id: str, head: str = "head-wong", minutes: int = 0) -> SiteVisited:
    return SiteVisited(
        complaint_id=complaint_id,
        department=DEPT,
        department_head=head,
        visited_at=datetime.now(UTC) + timedelta(minutes=minutes),
        findings="pipe cracked above the ceiling",
    )


async def apply_visit(db: Database, v: SiteVisited) -> Task | None:
    async with db.sessions() as s:
        task = await rules.apply_site_visit(s, DEPT, v)
        await s.commit()
        return task


async def test_site_visit_after_dispatch_assigns_the_head(db: Database) -> None:
    task = await dispatched_task(db)
    v = visit(task.complaint_id or "")
    assigned = await apply_visit(db, v)
    assert assigned is not None and (assigned.status, assigned.assignee) == (
        "assigned",
        "head-wong",
    )
    await act(db, task.id, "assign", assignee="tech-lee")  # the head hands it on
    assert await apply_visit(db, v) is None  # the same visit again: nothing changes
    async with db.sessions() as s:
        assert (await rules.get(s, DEPT, task.id)).assignee == "tech-lee"
    assert [v for v, _ in await events(db)] == ["created", "assigned", "assigned"]


async def test_site_visit_before_dispatch_is_kept_for_the_task(db: Database) -> None:
    c = complaint(DEPT)
    assert await apply_visit(db, visit(c.complaint_id)) is None
    assert await task_count(db) == 0
    task = await dispatched_task(db, complaint_id=c.complaint_id)
    assert (task.status, task.assignee) == ("assigned", "head-wong")
    [(action, status, notes)] = await timeline(db, task.id)
    assert (action, status) == ("created", "assigned")
    assert notes == "site visit by head-wong: pipe cracked above the ceiling"


async def test_cancel_for_complaint_then_a_new_dispatch_makes_a_new_task(db: Database) -> None:
    c = complaint(DEPT)
    first = await dispatched_task(db, complaint_id=c.complaint_id, at=c.at)

    async def cancel_at(at: datetime) -> Task | None:
        async with db.sessions() as s:
            done = await rules.cancel_for_complaint(
                s, DEPT, c.complaint_id, "rerouted", actor="desk-amy", at=at
            )
            await s.commit()
            return done

    assert await cancel_at(c.at - timedelta(minutes=1)) is None  # older than the dispatch
    cancelled = await cancel_at(c.at + timedelta(minutes=1))
    assert cancelled is not None and cancelled.status == "cancelled"
    assert await cancel_at(c.at + timedelta(minutes=1)) is None  # a repeat: nothing live
    # a late repeat of the first dispatch makes nothing; a new dispatch makes a new task
    async with db.sessions() as s:
        assert await rules.create_from_dispatch(s, DEPT, c) is None
    second = await dispatched_task(db, complaint_id=c.complaint_id, at=c.at + timedelta(minutes=2))
    assert second.id != first.id and second.status == "open"
    assert await task_count(db) == 2


async def test_reopen_for_complaint_only_reopens_a_completed_task_once(db: Database) -> None:
    task = await task_in(db, "completed")
    assert task.completed_at is not None

    async def reopen_at(at: datetime) -> Task | None:
        async with db.sessions() as s:
            done = await rules.reopen_for_complaint(
                s, DEPT, task.complaint_id or "", "unsatisfied", actor="desk-amy", at=at
            )
            await s.commit()
            return done

    assert await reopen_at(task.completed_at - timedelta(minutes=1)) is None
    reopened = await reopen_at(task.completed_at + timedelta(minutes=1))
    assert reopened is not None and reopened.status == "assigned"
    assert await reopen_at(task.completed_at + timedelta(minutes=1)) is None  # not completed
    assert [v for v, _ in await events(db, task.id)][-1] == "reopened"


async def test_handlers_ignore_other_departments_and_unknown_complaints(db: Database) -> None:
    handlers = handlers_by_type(task_subscriptions(DEPT))
    now = datetime.now(UTC)
    to_cleaning = complaint("cleaning")
    unknown = str(uuid.uuid4())
    moved = ComplaintRerouted(
        complaint_id=unknown, from_department=DEPT, to_department="cleaning", at=now
    )
    cases = [
        ("dispatched", to_cleaning, to_cleaning.complaint_id),
        ("rerouted", moved, unknown),
        ("cancelled", complaint(DEPT, complaint_id=unknown, status="cancelled"), unknown),
        ("reopened", complaint(DEPT, complaint_id=unknown, status="reopened"), unknown),
    ]
    async with db.sessions() as s:
        for verb, payload, subject in cases:
            event = new_event(payload, subject=subject, event_type=complaint_event_type(verb))
            await handlers[event.type](s, payload, event)
        await s.commit()
    assert await task_count(db) == 0
    assert await events(db) == []


async def test_merged_handlers_run_every_feature_in_one_transaction(db: Database) -> None:
    seen: list[str] = []

    async def own(session: AsyncSession, payload: ComplaintChanged, event: object) -> None:
        seen.append(f"own:{payload.complaint_id}")

    handlers = handlers_by_type(
        [On(ComplaintChanged, own, verbs=("dispatched",)), *task_subscriptions(DEPT)]
    )
    c = complaint(DEPT)
    event = new_event(c, subject=c.complaint_id, event_type=complaint_event_type("dispatched"))
    async with db.sessions() as s:
        await handlers[event.type](s, c, event)
        await s.commit()
    assert seen == [f"own:{c.complaint_id}"] and await task_count(db) == 1


async def test_the_assignee_must_be_an_active_user_of_the_department(db: Database) -> None:
    async with db.sessions() as s:
        await apply_change(s, user("cleaner-ho", "cleaning"))
        await apply_change(s, user("tech-gone", DEPT, active=False))
        await s.commit()
    task = await dispatched_task(db)
    for name, why in (
        ("nobody", "no user named 'nobody'"),
        ("tech-gone", "deactivated"),
        ("cleaner-ho", "not in engineering"),
    ):
        with pytest.raises(Invalid) as caught:
            await act(db, task.id, "assign", assignee=name)
        assert caught.value.field == "assignee" and why in caught.value.detail
    assert (await act(db, task.id, "assign", assignee="tech-chan")).assignee == "tech-chan"
    # a later change to the user (here: moved out of engineering) counts, an older one not
    async with db.sessions() as s:
        assert await apply_change(s, user("tech-chan", "cleaning", version=2))
        assert not await apply_change(s, user("tech-chan", DEPT, version=1))
        await s.commit()
    assert (await act(db, task.id, "assign", assignee="tech-lee")).assignee == "tech-lee"
    with pytest.raises(Invalid):
        await act(db, task.id, "assign", assignee="tech-chan")


async def test_assignee_me_lists_my_tasks(db: Database) -> None:
    mine, other = await dispatched_task(db), await dispatched_task(db)
    await act(db, mine.id, "assign", assignee="tech-lee")
    await act(db, other.id, "assign", assignee="tech-chan")
    lee = Principal(user_id="id-tech-lee", username="tech-lee", roles=frozenset({DEPT}))
    async with db.sessions() as s:
        found = (
            await s.scalars(rules.list_query(DEPT, lee, rules.LIST.query(assignee="me")))
        ).all()
    assert [t.id for t in found] == [mine.id]
