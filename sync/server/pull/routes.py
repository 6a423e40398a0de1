"""GET /v1/pull: tasks, plan, parties, samplers, rules since a cursor."""
from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from sync.protocol.schemas import ErrorBody, PullResponse
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.devices.versions import note_app_version
from sync.server.errors import ERROR_RESPONSES
from sync.server.pull import service
from sync.server.routing import api_router

router = api_router(prefix="/v1", tags=["sync"],
                   responses={**ERROR_RESPONSES, 412: {"model": ErrorBody,
                                                      "description": "Unknown or stale cursor: pull again without one"}})


@router.get("/pull", response_model=PullResponse, summary="Server-owned data for the device, incrementally")
def pull(request: Request, ctx: Annotated[Ctx, allow(Perm.SYNC_PULL)],
         cursor: str | None = Query(default=None, max_length=100)):
    note_app_version(ctx.principal.device, request.headers.get("user-agent", ""))
    return service.pull(session=ctx.session, principal=ctx.principal, cursor=cursor)
