"""The document archive: multipart upload stored by content hash, the type told from the
content, the size limit (413, also for a streamed body), lists with filters, the download with
its type and name, archive, property scope and bad input; documents of the property itself (an
ad's artwork) and the events storing and archiving publish."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, token_for
from propops.uploads import upload_body_limit

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
LIMIT = 4000


@pytest.fixture
async def fd(start_service, tmp_path: Path) -> RunningApp:
    return await start_service(
        create_app,
        "frontdesk",
        settings_cls=FrontdeskSettings,
        documents_dir=tmp_path / "archive",
        document_max_bytes=LIMIT,
        max_body_bytes=2048,
    )


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = (await fd.client.post("/v1/properties", json={"code": "HKA", "name": "A"})).json()
    unit = (
        await fd.client.post(
            "/v1/units", json={"property_id": prop["id"], "building": "A", "number": "8F-1"}
        )
    ).json()
    party = (
        await fd.client.post(
            "/v1/parties", json={"name": "陳大文", "phone": "91234567", "property_id": prop["id"]}
        )
    ).json()
    return {"property": prop["id"], "unit": unit["id"], "party": party["id"]}


async def raw_post(fd: RunningApp, headers: list[str], chunks: list[bytes]) -> bytes:
    """POST /v1/documents with these headers and body chunks (chunked encoding), then read
    the answer until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", int(fd.url.rsplit(":", 1)[1]))
    lines = ["POST /v1/documents HTTP/1.1", "Host: x", *headers]
    lines.append(f"Authorization: {fd.client.headers['Authorization']}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    for chunk in chunks:
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    return answer


async def upload(
    client: httpx.AsyncClient, content: bytes, name: str = "scan.bin", **fields: str
) -> httpx.Response:
    data = {"title": "Tenancy agreement", "category": "contract", **fields}
    return await client.post(
        "/v1/documents", data=data, files={"file": (name, content, "text/plain")}
    )


async def test_upload_list_download_archive(fd: RunningApp, place: dict, tmp_path: Path) -> None:
    # a PDF sent as "租約.txt" (text/plain): stored as the PDF it is
    r = await upload(fd.client, PDF, name="租約.txt", unit_id=place["unit"])
    assert r.status_code == 201, r.text
    doc = r.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert doc["content_hash"] == digest and doc["size"] == len(PDF)
    assert doc["content_type"] == "application/pdf" and doc["filename"] == "租約.pdf"
    assert doc["property_id"] == place["property"] and doc["uploaded_by"] == "test-user"
    stored = tmp_path / "archive" / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == PDF
    # the same content again: one file on disk, two documents
    r = await upload(fd.client, PDF, name="copy.pdf", party_id=place["party"], category="form")
    assert r.status_code == 201 and r.json()["content_hash"] == digest
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [digest]
    png = await upload(fd.client, PNG, name="id", party_id=place["party"], category="id_copy")
    assert png.json()["content_type"] == "image/png" and png.json()["filename"] == "id.png"
    text = await upload(fd.client, "業主通知\n".encode(), name="n.pdf", unit_id=place["unit"])
    assert text.json()["content_type"] == "text/plain" and text.json()["filename"] == "n.txt"

    # the download: its type, its name (RFC 6266: an ASCII fallback and the UTF-8 name)
    r = await fd.client.get(f"/v1/documents/{doc['id']}/content")
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="__.pdf"')
    assert f"filename*=UTF-8''{quote('租約.pdf')}" in disposition
    assert r.headers["x-content-type-options"] == "nosniff"

    # lists and filters
    r = await fd.client.get("/v1/documents", params={"unit_id": place["unit"]})
    assert {d["id"] for d in r.json()["items"]} == {doc["id"], text.json()["id"]}
    r = await fd.client.get("/v1/documents", params={"party_id": place["party"]})
    assert r.json()["total"] == 2
    r = await fd.client.get(
        "/v1/documents", params={"party_id": place["party"], "category": "id_copy"}
    )
    assert [d["id"] for d in r.json()["items"]] == [png.json()["id"]]
    r = await fd.client.get("/v1/documents", params={"category": "lease"})
    assert r.status_code == 422 and r.json()["field"] == "category"

    # archived: out of the default list, kept, still downloadable
    r = await fd.client.post(
        f"/v1/documents/{doc['id']}/archive",
        json={"reason": "superseded"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["status"] == "archived"
    assert r.headers["etag"] == '"2"'
    r = await fd.client.post(f"/v1/documents/{doc['id']}/archive", json={})
    assert r.status_code == 409 and r.json()["current_state"] == "archived"
    r = await fd.client.get("/v1/documents", params={"unit_id": place["unit"]})
    assert [d["id"] for d in r.json()["items"]] == [text.json()["id"]]
    r = await fd.client.get(
        "/v1/documents", params={"unit_id": place["unit"], "status": "archived"}
    )
    assert [d["id"] for d in r.json()["items"]] == [doc["id"]]
    assert (await fd.client.get(f"/v1/documents/{doc['id']}/content")).content == PDF


async def test_size_limit_bad_input_and_scope(fd: RunningApp, place: dict, tmp_path: Path) -> None:
    # the file past its limit (the body within the upload route's): 413 naming the file
    r = await upload(fd.client, PDF + b"x" * LIMIT, unit_id=place["unit"])
    assert r.status_code == 413 and r.json()["field"] == "file", r.text
    assert r.headers["content-type"] == "application/problem+json"
    # a body past the route's limit: 413 before it is read, announced or streamed (chunked,
    # no length: answered once what arrived passes the limit); sent on a raw socket, so the
    # answer is read while the rest of the body is never sent
    head = "multipart/form-data; boundary=b"
    answer = await raw_post(fd, [f"Content-Type: {head}", "Content-Length: 50000000"], [])
    assert answer.startswith(b"HTTP/1.1 413") and b"application/problem+json" in answer
    part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
    chunks = [part] + [b"x" * 4096] * (upload_body_limit(fd.settings) // 4096 + 1)
    answer = await raw_post(fd, [f"Content-Type: {head}", "Transfer-Encoding: chunked"], chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert not [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    # every other route keeps the ordinary limit
    r = await fd.client.post(
        "/v1/properties",
        content=b'{"code": "' + b"x" * 10_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413

    cases = [
        ({}, "unit_id"),
        ({"unit_id": place["unit"], "party_id": place["party"]}, "unit_id"),
        ({"unit_id": "nope"}, "unit_id"),
        ({"party_id": "nope"}, "party_id"),
        ({"unit_id": place["unit"], "category": "lease"}, "category"),
        ({"unit_id": place["unit"], "title": ""}, "title"),
    ]
    for fields, field in cases:
        r = await upload(fd.client, PDF, **fields)
        assert r.status_code == 422 and r.json()["field"] == field, (fields, r.text)
    r = await upload(fd.client, b"", unit_id=place["unit"])
    assert r.status_code == 422 and r.json()["field"] == "file"
    # a person registered at no property: the property of a unit they occupy, else refused
    drifter = (await fd.client.post("/v1/parties", json={"name": "Lee", "phone": "2222"})).json()
    r = await upload(fd.client, PDF, party_id=drifter["id"])
    assert r.status_code == 422 and r.json()["field"] == "party_id"
    r = await fd.client.post(
        "/v1/occupancies",
        json={
            "unit_id": place["unit"],
            "party_id": drifter["id"],
            "role": "tenant",
            "start_date": "2025-01-01",
        },
    )
    assert r.status_code == 201, r.text
    r = await upload(fd.client, PDF, party_id=drifter["id"])
    assert r.status_code == 201 and r.json()["property_id"] == place["property"]
    await fd.client.post(f"/v1/documents/{r.json()['id']}/archive", json={})
    r = await fd.client.post("/v1/documents", data={"title": "x", "category": "other"})
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert (await fd.client.get("/v1/documents")).json()["total"] == 0

    # a clerk of another property: neither sees, downloads, archives nor uploads here
    doc = (await upload(fd.client, PDF, unit_id=place["unit"])).json()
    other = (await fd.client.post("/v1/properties", json={"code": "HKB", "name": "B"})).json()
    token = token_for(fd.settings, "frontdesk", property_ids=[other["id"]], user_id="bea")
    async with httpx.AsyncClient(
        base_url=fd.url, headers={"Authorization": f"Bearer {token}"}
    ) as bea:
        assert (await bea.get("/v1/documents")).json()["total"] == 0
        assert (await bea.get(f"/v1/documents/{doc['id']}/content")).status_code == 403
        assert (await bea.post(f"/v1/documents/{doc['id']}/archive", json={})).status_code == 403
        assert (await upload(bea, PDF, unit_id=place["unit"])).status_code == 403


async def events_of(fd: RunningApp, document_id: str) -> list[tuple[str, dict]]:
    async with fd.ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxRow)
                .where(OutboxRow.aggregate_id == document_id)
                .order_by(OutboxRow.seq)
            )
        ).all()
    return [(row.type, json.loads(row.envelope)["data"]) for row in rows]


async def test_artwork_of_the_property_and_its_events(fd: RunningApp, place: dict) -> None:
    # a document of the property itself: no unit, no party
    r = await upload(
        fd.client,
        PNG,
        name="mooncake.png",
        title="Mooncake poster",
        category="artwork",
        property_id=place["property"],
    )
    assert r.status_code == 201, r.text
    art = r.json()
    assert art["property_id"] == place["property"] and art["unit_id"] is art["party_id"] is None
    unit_doc = (await upload(fd.client, PDF, unit_id=place["unit"])).json()
    r = await fd.client.get("/v1/documents", params={"of_property": "true"})
    assert [d["id"] for d in r.json()["items"]] == [art["id"]]
    r = await fd.client.get("/v1/documents", params={"of_property": "false"})
    assert [d["id"] for d in r.json()["items"]] == [unit_doc["id"]]
    r = await fd.client.get("/v1/documents", params={"category": "artwork"})
    assert [d["id"] for d in r.json()["items"]] == [art["id"]]
    # one owner only, and a property that exists
    for fields, field in [
        ({"property_id": "nope"}, "property_id"),
        ({"property_id": place["property"], "unit_id": place["unit"]}, "unit_id"),
    ]:
        r = await upload(fd.client, PNG, category="artwork", **fields)
        assert r.status_code == 422 and r.json()["field"] == field, (fields, r.text)

    # stored, then archived: one event each, in the same transaction as the change
    r = await fd.client.post(f"/v1/documents/{art['id']}/archive", json={"reason": "old"})
    assert r.status_code == 200, r.text
    events = await events_of(fd, art["id"])
    assert [t for t, _ in events] == [
        "propops.frontdesk.document.stored.v1",
        "propops.frontdesk.document.archived.v1",
    ]
    stored, archived = events[0][1], events[1][1]
    assert stored["document_id"] == art["id"] and stored["property_id"] == place["property"]
    assert stored["category"] == "artwork" and stored["title"] == "Mooncake poster"
    assert stored["content_type"] == "image/png" and stored["size"] == len(PNG)
    assert stored["status"] == "active" and stored["filename"] == "mooncake.png"
    assert archived["status"] == "archived" and archived["actor"] == "test-user"
    # the unit's document, never archived: stored only
    assert [t for t, _ in await events_of(fd, unit_doc["id"])] == [
        "propops.frontdesk.document.stored.v1"
    ]

    # a clerk of another property may not put a document into this one
    token = token_for(fd.settings, "frontdesk", property_ids=["elsewhere"], user_id="bea")
    async with httpx.AsyncClient(
        base_url=fd.url, headers={"Authorization": f"Bearer {token}"}
    ) as bea:
        r = await upload(bea, PNG, category="artwork", property_id=place["property"])
        assert r.status_code == 403, r.text


async def test_leasing_reads_artwork_and_nothing_else(fd: RunningApp, place: dict) -> None:
    """Leasing approves what goes up on an ad space: it may download an artwork document of its
    properties, never another kind of document, nor the archive's other routes."""
    art = (
        await upload(
            fd.client, PNG, name="sale.png", category="artwork", property_id=place["property"]
        )
    ).json()
    contract = (await upload(fd.client, PDF, category="contract", unit_id=place["unit"])).json()

    def as_user(*roles: str, property_ids: list[str] | None = None) -> httpx.AsyncClient:
        token = token_for(fd.settings, *roles, property_ids=property_ids, user_id="lee")
        return httpx.AsyncClient(base_url=fd.url, headers={"Authorization": f"Bearer {token}"})

    async with as_user("leasing") as lessor:
        r = await lessor.get(f"/v1/artwork/{art['id']}/content")
        assert r.status_code == 200 and r.content == PNG
        assert r.headers["content-type"] == "image/png"
        assert r.headers["content-security-policy"] == "sandbox"
        assert "sale.png" in r.headers["content-disposition"]
        r = await lessor.get(f"/v1/artwork/{contract['id']}/content")
        assert r.status_code == 404 and r.json()["field"] == "document_id"
        for path in (f"/v1/documents/{contract['id']}/content", f"/v1/documents/{art['id']}"):
            assert (await lessor.get(path)).status_code == 403, path
    async with as_user("leasing", property_ids=["elsewhere"]) as outsider:
        assert (await outsider.get(f"/v1/artwork/{art['id']}/content")).status_code == 403
    async with as_user("security") as guard:
        assert (await guard.get(f"/v1/artwork/{art['id']}/content")).status_code == 403
    async with as_user("manager") as manager:
        assert (await manager.get(f"/v1/artwork/{art['id']}/content")).content == PNG
    r = await fd.client.get("/v1/artwork/nope/content")
    assert r.status_code == 404 and r.json()["field"] == "document_id"
