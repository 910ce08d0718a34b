from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from gateway.live.stream import sse_response
from gateway.views.api import signed_in
from propops.auth import Principal

router = APIRouter(tags=["live"])


@router.get(
    "/api/live",
    summary="Server-sent events: complaints and tasks as they change",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "a stream of server-sent events (never ends by itself)",
            # each event: ``event: ready|complaint|task|notification``, ``data`` (JSON text)
            "content": {
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "event": {"type": "string"},
                            "data": {"type": "string"},
                            "id": {"type": "string"},
                            "retry": {"type": "integer"},
                        },
                    }
                }
            },
        }
    },
)
async def live(request: Request, principal: Principal = Depends(signed_in)) -> StreamingResponse:
    """``event: complaint`` / ``event: task`` with the record's id, status, department and
    property; only what the caller's role and properties allow."""
    return sse_response(request, principal)
