"""Rules of posts: a post's code is unique within its property (409 naming the other post);
coverage of a day computed from the roster (``coverage.py``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.timezones import today_in
from security.posts.coverage import OnDuty, coverage, openings
from security.posts.models import Post, PostKind
from security.posts.schemas import CoverageOut, Hours, PostCoverage, PostIn, PostOut, StretchOut
from security.shifts.models import Shift


async def create_post(
    session: AsyncSession, data: PostIn, principal: Principal, default_time_zone: str
) -> Post:
    check_property(principal, data.property_id)
    other = await session.scalar(
        select(Post).where(Post.property_id == data.property_id, Post.code == data.code)
    )
    if other is not None:
        raise Conflict(
            f"property already has a post {data.code!r} ({other.name})",
            field="code",
            post_id=other.id,
        )
    post = Post(
        property_id=data.property_id,
        code=data.code,
        name=data.name,
        kind=data.kind.value,
        hours=[h.stored() for h in data.hours],
        time_zone=data.time_zone or default_time_zone,
    )
    session.add(post)
    await session.flush()
    return post


async def get_post(session: AsyncSession, post_id: str, principal: Principal) -> Post:
    return await get_visible(session, Post, post_id, principal, noun="post", field="post_id")


def check_day(day: date | None, field: str = "date") -> None:
    """A day the calendar arithmetic can take (years 1970-2199)."""
    if day is not None and not 1970 <= day.year < 2200:
        raise Invalid("date must be between 1970-01-01 and 2199-12-31", field=field)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Post.property_id, max_length=36),
        Filter("kind", column=Post.kind, values=tuple(PostKind)),
    ),
    sort={"code": Post.code, "name": Post.name, "created_at": Post.created_at},
    default_sort="code",
    search=contains(Post.code, Post.name),
    search_description="words of the post's code or name",
    id_column=Post.id,
)


def list_posts(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Post]]:
    stmt = scope_to_properties(select(Post), Post.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


async def property_coverage(
    session: AsyncSession, property_id: str, day: date | None, principal: Principal
) -> CoverageOut:
    """Every post of the property with its staffed and unstaffed stretches on ``day`` (default:
    today in each post's time zone)."""
    check_property(principal, property_id)
    check_day(day)
    posts = (
        await session.scalars(
            select(Post).where(Post.property_id == property_id).order_by(Post.code, Post.id)
        )
    ).all()
    result: list[PostCoverage] = []
    for post in posts:
        the_day = day or today_in(post.time_zone)
        hours = [Hours.of(h) for h in post.hours]
        windows = openings([(h.from_, h.to) for h in hours], the_day, post.time_zone)
        shifts: list[OnDuty] = []
        if windows:
            rows = await session.scalars(
                select(Shift).where(
                    Shift.post_id == post.id,
                    Shift.start < windows[-1].end,
                    Shift.end > windows[0].start,
                )
            )
            shifts = [OnDuty(s.guard, s.start, s.end) for s in rows]
        stretches = coverage(windows, shifts)
        result.append(
            PostCoverage(
                post=PostOut.of(post),
                date=the_day,
                stretches=[
                    StretchOut(
                        start=s.start,
                        end=s.end,
                        staffed=s.staffed,
                        guards=list(s.guards),
                        minutes=s.minutes,
                    )
                    for s in stretches
                ],
                staffed_minutes=sum(s.minutes for s in stretches if s.staffed),
                unstaffed_minutes=sum(s.minutes for s in stretches if not s.staffed),
            )
        )
    return CoverageOut(property_id=property_id, date=day, posts=result)
