"""Rules of the document archive: a document belongs to one unit, one party or the property
itself (an ad's artwork: ``property_id`` alone), and so to a property (scope); its file is stored
by content hash, its type is told from the content; archived documents leave the default lists
but are kept (and can still be downloaded). Storing and archiving publish ``DocumentChanged``
(leasing keeps a copy of the artwork for its ads)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from frontdesk.documents.models import DOCUMENT_CATEGORIES, DOCUMENT_STATES, Document
from frontdesk.documents.storage import DocumentStore, EmptyFile, FileTooLarge
from frontdesk.parties.models import Occupancy, Party
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid, NotFound
from propops.events.catalog import document_event_type
from propops.events.payloads import DocumentChanged
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.messaging.outbox import emit
from propops.uploads import TooLarge

DOCUMENT = Lifecycle("document", {"archive": (("active",), "archived")})


def store_of(settings: FrontdeskSettings) -> DocumentStore:
    return DocumentStore(settings.documents_dir or settings.data_dir / "documents")


def download_name(original: str | None, title: str, extension: str | None) -> str:
    """The name a download gets: the uploaded file's name (no directories), its extension the
    one of the type told from the content when that is known."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name.strip()
    name = "".join(c for c in name if c.isprintable()) or title
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return ((stem + extension) if extension else name)[:255]


async def owner_property(
    session: AsyncSession,
    unit_id: str | None,
    party_id: str | None,
    property_id: str | None = None,
) -> str:
    """The property the document belongs to: the property of its unit or party, or the property
    itself (exactly one of the three); a party registered at no property belongs to the
    property of a unit it occupies."""
    if sum(owner is not None for owner in (unit_id, party_id, property_id)) != 1:
        raise Invalid("give exactly one of unit_id, party_id and property_id", field="unit_id")
    if property_id is not None:
        if await session.get(Property, property_id) is None:
            raise Invalid(f"property {property_id} does not exist", field="property_id")
        return property_id
    if unit_id is not None:
        unit = await session.get(Unit, unit_id)
        if unit is None:
            raise Invalid(f"unit {unit_id} does not exist", field="unit_id")
        return unit.property_id
    party = await session.get(Party, party_id)
    if party is None:
        raise Invalid(f"party {party_id} does not exist", field="party_id")
    if party.property_id is not None:
        return party.property_id
    # registered without a property: the property of a unit the party occupies (or did)
    occupied = await session.scalar(
        select(Unit.property_id)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .where(Occupancy.party_id == party_id)
        .order_by(Occupancy.end_date.is_not(None), Occupancy.start_date.desc())
        .limit(1)
    )
    if occupied is None:
        raise Invalid(f"party {party_id} is registered at no property", field="party_id")
    return occupied


async def upload(
    session: AsyncSession,
    settings: FrontdeskSettings,
    principal: Principal,
    *,
    source: BinaryIO,
    size: int | None,
    original_name: str | None,
    title: str,
    category: str,
    unit_id: str | None,
    party_id: str | None,
    property_id: str | None = None,
) -> Document:
    assert category in DOCUMENT_CATEGORIES
    property_id = await owner_property(session, unit_id, party_id, property_id)
    check_property(principal, property_id)
    limit = settings.document_max_bytes
    if size is not None and size > limit:
        raise TooLarge(f"the file is larger than {limit} bytes", field="file", limit=limit)
    try:
        stored = await run_in_threadpool(store_of(settings).put, source, limit)
    except FileTooLarge:
        raise TooLarge(
            f"the file is larger than {limit} bytes", field="file", limit=limit
        ) from None
    except EmptyFile:
        raise Invalid("the file is empty", field="file") from None
    document = Document(
        property_id=property_id,
        unit_id=unit_id,
        party_id=party_id,
        title=title,
        category=category,
        content_hash=stored.digest,
        size=stored.size,
        content_type=stored.content_type,
        filename=download_name(original_name, title, stored.extension),
        status="active",
        uploaded_by=principal.username,
    )
    session.add(document)
    await session.flush()
    emit(
        session,
        changed(document, principal.username),
        subject=document.id,
        event_type=document_event_type("stored"),
    )
    return document


def changed(document: Document, actor: str) -> DocumentChanged:
    return DocumentChanged(
        document_id=document.id,
        property_id=document.property_id,
        unit_id=document.unit_id,
        party_id=document.party_id,
        title=document.title,
        category=document.category,
        content_type=document.content_type,
        size=document.size,
        filename=document.filename,
        status=document.status,
        actor=actor,
        at=utcnow(),
    )


async def get(session: AsyncSession, document_id: str, principal: Principal) -> Document:
    return await get_visible(
        session, Document, document_id, principal, noun="document", field="document_id"
    )


async def get_artwork(session: AsyncSession, document_id: str, principal: Principal) -> Document:
    """An artwork document (an ad's), of a property the user may see; any other document is
    not found here (leasing may see artwork, never a contract or an ID copy)."""
    document = await session.get(Document, document_id)
    if document is None or document.category != "artwork":
        raise NotFound(f"artwork {document_id} not found", field="document_id")
    check_property(principal, document.property_id)
    return document


async def check_attachable(
    session: AsyncSession, document_id: str, property_id: str, *, field: str
) -> Document:
    """A document another record may point to (an inspection item's photo): it exists in the
    archive, belongs to the same property and is not archived; else 422 naming ``field``."""
    document = await session.get(Document, document_id)
    if document is None or document.property_id != property_id:
        raise Invalid(f"document {document_id} is not in this property's archive", field=field)
    if document.status != "active":
        raise Invalid(f"document {document_id} is archived", field=field)
    return document


def content_path(settings: FrontdeskSettings, document: Document) -> Path:
    path = store_of(settings).path_of(document.content_hash)
    if not path.is_file():
        raise NotFound(f"the content of document {document.id} is not stored", field="content")
    return path


async def archive(
    session: AsyncSession, document: Document, reason: str | None, actor: str
) -> Document:
    DOCUMENT.check(document, "archive")
    document.archived_by = actor
    document.archived_at = utcnow()
    document.archive_reason = reason
    return await DOCUMENT.apply(
        session,
        document,
        "archive",
        events=lambda d: [
            Event(changed(d, actor), subject=d.id, event_type=document_event_type("archived"))
        ],
    )


def of_property(value: bool) -> ColumnElement[bool]:
    """Documents of the property itself (no unit, no party); false: of a unit or a party."""
    own = and_(Document.unit_id.is_(None), Document.party_id.is_(None))
    return own if value else ~own


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Document.property_id, max_length=36),
        Filter("unit_id", column=Document.unit_id, max_length=36),
        Filter("party_id", column=Document.party_id, max_length=36),
        Filter("category", column=Document.category, values=DOCUMENT_CATEGORIES),
        Filter(
            "of_property",
            type=bool,
            where=of_property,
            description="documents of the property itself, e.g. ads' artwork (false: of a "
            "unit or a party)",
        ),
        Filter(
            "status",
            column=Document.status,
            values=DOCUMENT_STATES,
            description="default: active (archived documents only when asked for)",
        ),
    ),
    sort={"created_at": Document.created_at, "title": Document.title},
    default_sort="-created_at",
    id_column=Document.id,
    search=contains(Document.search_text),
    search_description="title or file name",
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[Document]]:
    stmt = scope_to_properties(select(Document), Document.property_id, principal)
    if "status" not in query.filters:
        stmt = stmt.where(Document.status == "active")
    return LIST.apply(stmt, query)
