"""The published app release: anyone reads it (an app before enrollment, an
app too old for this server); the province sets it."""
from __future__ import annotations

from typing import Annotated

from fastapi import Request

from sync.protocol.enrollment import AppReleaseIn, AppReleaseOut
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.deps import tx
from sync.server.errors import ERROR_RESPONSES
from sync.server.releases import service
from sync.server.routing import api_router

router = api_router(prefix="/v1/app", tags=["releases"], responses=ERROR_RESPONSES)


@router.get("/release", response_model=AppReleaseOut,
            summary="The app version samplers should run, its download location, and the protocols served")
def current(request: Request):
    with tx(request) as session:
        return service.release_out(service.current(session=session), request.app.state.settings.protocols)


@router.put("/release", response_model=AppReleaseOut, summary="Publish a new app release (province)")
def publish(body: AppReleaseIn, request: Request, ctx: Annotated[Ctx, allow(Perm.RELEASE_PUBLISH)]):
    row = service.publish(session=ctx.session, version=body.version, download_url=body.download_url,
                          notes=body.notes, actor=ctx.actor)
    return service.release_out(row, request.app.state.settings.protocols)
