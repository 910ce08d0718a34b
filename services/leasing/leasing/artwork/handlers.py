"""Events leasing reacts to, for its copy of the archive's artwork."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from leasing.artwork import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import DocumentChanged
from propops.messaging.subscriptions import On


async def on_document_changed(
    session: AsyncSession, change: DocumentChanged, event: CloudEvent
) -> None:
    await service.learn(session, change)


SUBSCRIPTIONS: list[On[Any]] = [On(DocumentChanged, on_document_changed)]
