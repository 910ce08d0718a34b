"""Leasing's copy of the front desk's artwork (``ArtworkDocument``), kept from the archive's
``DocumentChanged`` events: only documents of category ``artwork``; idempotent (a redelivered or
replayed event changes nothing) and in either order (an ``archived`` event arriving before its
``stored`` one makes the copy archived, and archived stays archived). ``check_artwork`` is the one
rule an ad's ``artwork_document_id`` passes."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.artwork.models import ACTIVE, ARCHIVED, STATES, ArtworkDocument
from propops.auth import Principal, scope_to_properties
from propops.errors import Invalid
from propops.events.payloads import DocumentChanged
from propops.lists import Filter, ListQuery, ListSpec, contains

ARTWORK = "artwork"


async def learn(session: AsyncSession, change: DocumentChanged) -> ArtworkDocument | None:
    """Keep the copy of an artwork document up to date; other documents are none of leasing's."""
    if change.category != ARTWORK:
        return None
    copy = await session.get(ArtworkDocument, change.document_id)
    if copy is None:
        copy = ArtworkDocument(id=change.document_id, status=ACTIVE)
        session.add(copy)
    copy.property_id = change.property_id
    copy.title = change.title[:200]
    copy.filename = (change.filename or "")[:255] or None
    copy.content_type = change.content_type[:200]
    copy.size = change.size
    if change.status == ARCHIVED and copy.status != ARCHIVED:
        copy.status = ARCHIVED
        copy.archived_at = change.at
    await session.flush()
    return copy


async def check_artwork(
    session: AsyncSession, document_id: str, property_id: str, *, field: str
) -> ArtworkDocument:
    """An artwork an ad may show: an artwork document leasing knows, of the ad space's property,
    not archived; else 422 naming ``field``."""
    copy = await session.get(ArtworkDocument, document_id)
    if copy is None:
        raise Invalid(
            f"document {document_id} is not an artwork of the archive that leasing knows",
            field=field,
        )
    if copy.property_id != property_id:
        raise Invalid(f"artwork {copy.title} is of another property", field=field)
    if copy.status != ACTIVE:
        raise Invalid(f"artwork {copy.title} is archived", field=field)
    return copy


LIST = ListSpec(
    filters=(
        Filter("property_id", column=ArtworkDocument.property_id, max_length=36),
        Filter(
            "status",
            column=ArtworkDocument.status,
            values=STATES,
            description="default: active (archived artwork only when asked for)",
        ),
    ),
    sort={"title": ArtworkDocument.title, "created_at": ArtworkDocument.created_at},
    default_sort="-created_at",
    id_column=ArtworkDocument.id,
    search=contains(ArtworkDocument.title),
    search_description="words of the title",
)


def list_artwork(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[ArtworkDocument]]:
    query = query or LIST.query()
    stmt = scope_to_properties(select(ArtworkDocument), ArtworkDocument.property_id, principal)
    if "status" not in query.filters:
        stmt = stmt.where(ArtworkDocument.status == ACTIVE)
    return LIST.apply(stmt, query)
