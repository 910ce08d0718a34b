from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.documents import service
from frontdesk.documents.models import Document
from frontdesk.documents.schemas import ArchiveIn, DocumentOut
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal, require_role
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.errors import PROBLEM_RESPONSES
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from propops.uploads import content_disposition

router = APIRouter(tags=["documents"])

Category = Literal["contract", "id_copy", "form", "notice", "artwork", "other"]
Id = Annotated[str | None, Form(min_length=1, max_length=36)]


def settings_of(request: Request) -> FrontdeskSettings:
    return request.app.state.settings


@router.post(
    "/documents",
    status_code=201,
    response_model=DocumentOut,
    description="multipart/form-data: `file`, `title`, `category`, and one of `unit_id`, "
    "`party_id` or `property_id` (a document of the property itself, e.g. an ad's artwork). "
    "The file is stored by content hash; its type is told from its content. Publishes "
    "`propops.frontdesk.document.stored.v1`. "
    "413 past the size limit (`PROPOPS_DOCUMENT_MAX_BYTES`, default 20 MB).",
)
async def upload(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="the document")],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    category: Annotated[Category, Form()],
    unit_id: Id = None,
    party_id: Id = None,
    property_id: Id = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DocumentOut:
    document = await service.upload(
        session,
        settings_of(request),
        principal,
        source=file.file,
        size=file.size,
        original_name=file.filename,
        title=title,
        category=category,
        unit_id=unit_id,
        party_id=party_id,
        property_id=property_id,
    )
    await session.commit()
    set_etag(response, document.version)
    return DocumentOut.model_validate(document)


@router.get("/documents", response_model=Page[DocumentOut])
async def list_documents(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[DocumentOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, DocumentOut.model_validate)


@router.get("/documents/{document_id}", response_model=DocumentOut)
async def get_document(
    document_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DocumentOut:
    document = await service.get(session, document_id, principal)
    set_etag(response, document.version)
    return DocumentOut.model_validate(document)


@router.get(
    "/documents/{document_id}/content",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
    description="The file, with its type (told from the content) and download name.",
)
async def content(
    document_id: str,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> FileResponse:
    document = await service.get(session, document_id, principal)
    return file_response(settings_of(request), document)


def file_response(settings: FrontdeskSettings, document: Document) -> FileResponse:
    """A stored document's file, never run by the browser (sandboxed, its type as stored)."""
    return FileResponse(
        service.content_path(settings, document),
        media_type=document.content_type,
        headers={
            "Content-Disposition": content_disposition(document.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


# An ad's artwork is leasing's to see too: leasing approves what goes up on an ad space, and
# the file is kept here. Mounted beside the service's rights (leasing has none on the desk);
# the gateway lets leasing reach this path alone (``gateway.proxy.api.DEPARTMENT_READS``).
artwork_router = APIRouter(
    tags=["documents"],
    dependencies=[Depends(require_role("frontdesk", "manager", "leasing"))],
    responses=PROBLEM_RESPONSES,
)


@artwork_router.get(
    "/v1/artwork/{document_id}/content",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
    description="An artwork document's file (category `artwork`), for the front desk, "
    "managers and leasing (who approve ads showing it); 404 for any other document.",
)
async def artwork_content(
    document_id: str,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> FileResponse:
    document = await service.get_artwork(session, document_id, principal)
    return file_response(settings_of(request), document)


@router.post(
    "/documents/{document_id}/archive",
    response_model=DocumentOut,
    description="Hidden from the default lists, kept (and still downloadable). Send the "
    "version last read as `If-Match`: 412 if it changed meanwhile. Publishes "
    "`propops.frontdesk.document.archived.v1`.",
)
async def archive(
    document_id: str,
    data: ArchiveIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DocumentOut:
    expected = parse_if_match(if_match)
    document = await service.get(session, document_id, principal)
    async with guard(session, document, expected, noun="document"):
        await service.archive(session, document, data.reason, principal.username)
    await session.commit()
    set_etag(response, document.version)
    return DocumentOut.model_validate(document)
