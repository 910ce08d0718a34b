"""Lists declared once: filters, sort order and text search of a list route.

A list declares a :class:`ListSpec`; ``spec.dependency`` is the FastAPI dependency the route
takes (one query parameter per filter, plus ``sort``, ``q`` when searchable, ``limit`` and
``offset``), so the OpenAPI documents each parameter (enums as enums). The dependency refuses a
query parameter the list does not know (400, ``field`` = its name) and a value outside an enum
(422, ``allowed`` = the values); integers are bounded. ``spec.apply(stmt, query)`` adds the
filters, the search and the order (always ending on the id, so pages are stable)::

    LIST = ListSpec(
        filters=(Filter("status", values=("due", "done"), column=Callback.status),),
        sort={"due_at": Callback.due_at},
        default_sort="due_at",
        id_column=Callback.id,
    )

    @router.get("/callbacks", response_model=Page[CallbackOut])
    async def list_callbacks(query: ListQuery = Depends(LIST.dependency), ...):
        return await paginate(session, LIST.apply(stmt, query), query.page, CallbackOut.of)

Text search (``q``) works on a normalized ``search_text`` column kept up to date on write
(:func:`search_text`, NFKC + casefold, so full-width digits and latin letters, upper and lower
case all match, Chinese included); each word of ``q`` must appear (``LIKE %word%``, the same on
SQLite and PostgreSQL). Phone numbers are matched on their digits alone (:func:`digits`).
"""

from __future__ import annotations

import inspect
import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, Select, and_, event, or_

from propops.errors import DomainError, Invalid
from propops.pagination import PageParams, page_params

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
Q_MAX_LENGTH = 200
_PAGE_PARAMS = frozenset(inspect.signature(page_params).parameters)


class UnknownParameter(DomainError):
    status = 400
    title = "Unknown query parameter"


# --- normalized text -------------------------------------------------------------------------


def normalize(text: str | None) -> str:
    """Text as it is searched: NFKC (full-width digits and letters become ASCII, compatibility
    forms fold), then casefold; runs of white space become one space."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def digits(text: str | None) -> str:
    """The digits of a phone number (full-width ones too), without spaces, dashes or signs."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


def search_text(*parts: str | None, phones: Iterable[str | None] = ()) -> str:
    """The value of a ``search_text`` column: the normalized parts, and phones as digits."""
    words = [normalize(p) for p in parts] + [digits(p) for p in phones]
    return " ".join(w for w in words if w)


def keep_search_text(model: type, compute: Callable[[Any], str]) -> None:
    """Keep ``model.search_text`` equal to ``compute(row)`` on every ORM insert and update."""

    def refresh(_mapper: Any, _connection: Any, target: Any) -> None:
        target.search_text = compute(target)

    event.listen(model, "before_insert", refresh)
    event.listen(model, "before_update", refresh)


def _like(column: ColumnElement[str], word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def contains(*columns: ColumnElement[str]) -> Callable[[str], ColumnElement[bool]]:
    """A search over normalized columns: a word matches when one of the columns contains it."""

    def match(word: str) -> ColumnElement[bool]:
        return or_(*(_like(c, word) for c in columns))

    return match


# --- declaring a list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """One query parameter of a list.

    ``type`` is ``str``, ``int``, ``bool``, ``date`` or ``datetime`` (ISO 8601); ``values``
    makes it an enum. It maps onto the query either as ``column == value`` or through
    ``where(value)`` (a condition, e.g. :func:`from_instant`).
    """

    name: str
    column: ColumnElement[Any] | None = None
    where: Callable[[Any], ColumnElement[bool]] | None = None
    type: type = str
    values: tuple[str, ...] | None = None
    description: str | None = None
    ge: int = INT_MIN
    le: int = INT_MAX
    max_length: int = 200
    pattern: str | None = None

    def condition(self, value: Any) -> ColumnElement[bool]:
        if self.where is not None:
            return self.where(value)
        assert self.column is not None, f"filter {self.name} maps onto nothing"
        return self.column == value

    @property
    def argument(self) -> str:
        """The dependency's argument for the parameter: its name, or ``from_`` for ``from``
        (a Python keyword; the query parameter keeps its name as the alias)."""
        return f"{self.name}_" if keyword.iskeyword(self.name) else self.name

    def parameter(self) -> inspect.Parameter:
        extra: dict[str, Any] = {}
        if self.argument != self.name:
            extra["alias"] = self.name
        if self.type is int:
            extra.update(ge=self.ge, le=self.le)
        elif self.type is str:
            extra.update(max_length=self.max_length, pattern=self.pattern)
        if self.values is not None:
            extra["json_schema_extra"] = {"enum": list(self.values)}
        return inspect.Parameter(
            self.argument,
            inspect.Parameter.KEYWORD_ONLY,
            default=Query(None, description=self.description, **extra),
            annotation=self.type,  # optional by its default (None): no anyOf-null in the schema
        )


@dataclass(frozen=True)
class ListQuery:
    """What a caller asked of a list: the filter values given, the order, the search, the page."""

    filters: Mapping[str, Any]
    sort: str
    q: str | None
    page: PageParams


@dataclass(frozen=True)
class ListSpec:
    """A list's filters, sortable fields (``sort=field`` or ``sort=-field``), default order and
    search (a function of one normalized word, see :func:`contains`)."""

    id_column: ColumnElement[Any]
    sort: Mapping[str, ColumnElement[Any] | tuple[ColumnElement[Any], ...]]
    default_sort: str
    filters: tuple[Filter, ...] = ()
    search: Callable[[str], ColumnElement[bool]] | None = None
    search_description: str | None = None
    phone_search: Callable[[str], ColumnElement[bool]] | None = None
    dependency: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.filters]
        reserved = {"sort", "q", *_PAGE_PARAMS}
        assert len(set(names)) == len(names) and not reserved & set(names), names
        assert self.default_sort.lstrip("-") in self.sort, self.default_sort
        object.__setattr__(self, "dependency", self._build_dependency())

    @property
    def sort_values(self) -> tuple[str, ...]:
        return tuple(v for name in self.sort for v in (name, f"-{name}"))

    def _build_dependency(self) -> Callable[..., Any]:
        filters = {f.name: f for f in self.filters}
        known = frozenset({*filters, "sort", *_PAGE_PARAMS} | ({"q"} if self.search else set()))
        sort_values = self.sort_values
        params = [
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            *(f.parameter() for f in self.filters),
            inspect.Parameter(
                "sort",
                inspect.Parameter.KEYWORD_ONLY,
                default=Query(
                    None,
                    description=f"order: a field, '-' before it for descending "
                    f"(default {self.default_sort})",
                    max_length=100,
                    json_schema_extra={"enum": list(sort_values)},
                ),
                annotation=str,
            ),
        ]
        if self.search:
            params.append(
                inspect.Parameter(
                    "q",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=Query(
                        None,
                        description=self.search_description
                        or "text search, case- and width-insensitive; every word must match",
                        max_length=Q_MAX_LENGTH,
                    ),
                    annotation=str,
                )
            )
        params.append(
            inspect.Parameter(
                "page",
                inspect.Parameter.KEYWORD_ONLY,
                default=Depends(page_params),
                annotation=PageParams,
            )
        )

        async def dependency(**kwargs: Any) -> ListQuery:
            request: Request = kwargs.pop("request")
            for name in request.query_params:
                if name not in known:
                    raise UnknownParameter(
                        f"unknown query parameter {name!r}; this list takes: "
                        + ", ".join(sorted(known)),
                        field=name,
                        allowed=sorted(known),
                    )
            values: dict[str, Any] = {}
            for name, flt in filters.items():
                value = kwargs.get(flt.argument)
                if value is None or value == "":  # an empty form field filters nothing
                    continue
                if flt.values is not None and value not in flt.values:
                    raise _not_one_of(name, value, flt.values)
                values[name] = value
            sort = kwargs.get("sort") or self.default_sort
            if sort not in sort_values:
                raise _not_one_of("sort", sort, sort_values)
            q = kwargs.get("q")
            return ListQuery(
                filters=values, sort=sort, q=q if q and q.strip() else None, page=kwargs["page"]
            )

        dependency.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        return dependency

    def query(self, *, sort: str | None = None, q: str | None = None, **filters: Any) -> ListQuery:
        """A query built in code (rules, tests): the default page, the filters given."""
        for name in filters:
            assert any(f.name == name for f in self.filters), f"no filter {name!r}"
        values = {k: v for k, v in filters.items() if v is not None}
        return ListQuery(filters=values, sort=sort or self.default_sort, q=q, page=PageParams())

    def apply(self, stmt: Select[Any], query: ListQuery) -> Select[Any]:
        """``stmt`` filtered, searched and ordered as ``query`` asks (any order it had is
        replaced; the id breaks ties)."""
        for name, value in query.filters.items():
            flt = next(f for f in self.filters if f.name == name)
            stmt = stmt.where(flt.condition(value))
        if query.q and self.search:
            stmt = stmt.where(self.search_condition(query.q))
        columns = self.sort[query.sort.lstrip("-")]
        if not isinstance(columns, tuple):
            columns = (columns,)
        descending = query.sort.startswith("-")
        order = [c.desc() if descending else c.asc() for c in (*columns, self.id_column)]
        return stmt.order_by(None).order_by(*order)

    def search_condition(self, q: str) -> ColumnElement[bool]:
        """Every word of ``q`` matches (or, for a phone-searchable list, ``q`` written as a phone
        number matches its digits)."""
        assert self.search is not None
        words = normalize(q).split(" ")
        condition = and_(*(self.search(w) for w in words))
        phone = digits(q)
        if self.phone_search and len(phone) >= 3 and re.fullmatch(r"[\d\s+()\-.]+", normalize(q)):
            return or_(condition, self.phone_search(phone))
        return condition


def _not_one_of(name: str, value: Any, allowed: tuple[str, ...]) -> Invalid:
    return Invalid(
        f"{name} must be one of: {', '.join(allowed)} (not {value!r})",
        field=name,
        allowed=list(allowed),
    )


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def from_instant(column: ColumnElement[datetime]) -> Callable[[datetime], ColumnElement[bool]]:
    """A ``where`` for the start of a time window: ``column`` at or after the instant (a time
    without an offset is UTC). With :func:`before_instant`, a local day is the two UTC
    instants of ``propops.timezones.day_window``."""

    def where(value: datetime) -> ColumnElement[bool]:
        return column >= _utc(value)

    return where


def before_instant(column: ColumnElement[datetime]) -> Callable[[datetime], ColumnElement[bool]]:
    """A ``where`` for the end of a time window: ``column`` before the instant (excluded)."""

    def where(value: datetime) -> ColumnElement[bool]:
        return column < _utc(value)

    return where


def boolean(
    condition: Callable[[], ColumnElement[bool]],
) -> Callable[[bool], ColumnElement[bool]]:
    """A ``where`` for a yes/no filter: the condition for true, its negation for false."""

    def where(value: bool) -> ColumnElement[bool]:
        return condition() if value else ~condition()

    return where


__all__ = [
    "Filter",
    "ListQuery",
    "ListSpec",
    "UnknownParameter",
    "before_instant",
    "boolean",
    "contains",
    "digits",
    "from_instant",
    "keep_search_text",
    "normalize",
    "search_text",
]
