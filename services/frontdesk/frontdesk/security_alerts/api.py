from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.security_alerts import service
from frontdesk.security_alerts.schemas import AcknowledgeIn, SecurityAlertOut
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["security alerts"])


@router.get("/security-alerts", response_model=Page[SecurityAlertOut])
async def list_alerts(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[SecurityAlertOut]:
    """What security reported for the desk to follow up: failed post checks, missed patrols,
    high and critical incidents; newest first."""
    return await paginate(
        session, service.list_alerts(principal, query), query.page, SecurityAlertOut.of
    )


@router.get("/security-alerts/{alert_id}", response_model=SecurityAlertOut)
async def get_alert(
    alert_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> SecurityAlertOut:
    alert = await service.get_alert(session, alert_id, principal)
    set_etag(response, alert.version)
    return SecurityAlertOut.of(alert)


@router.post(
    "/security-alerts/{alert_id}/acknowledge",
    response_model=SecurityAlertOut,
    responses={409: {"description": "the alert was acknowledged already"}},
)
async def acknowledge(
    alert_id: str,
    response: Response,
    data: AcknowledgeIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> SecurityAlertOut:
    """Acknowledge an alert (who, when, an optional note). Send the version last read as
    ``If-Match``: 412 if it changed meanwhile."""
    data = data or AcknowledgeIn()
    alert = await service.get_alert(session, alert_id, principal)
    async with guard(
        session, alert, expected_version(data.version, if_match), noun="security alert"
    ):
        await service.acknowledge(session, alert, principal.username, data.note)
    await session.commit()
    set_etag(response, alert.version)
    return SecurityAlertOut.of(alert)
