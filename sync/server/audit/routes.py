"""The audit log, for the province."""
from __future__ import annotations

from typing import Annotated

from fastapi import Query

from sync.protocol.fields import ID_PATTERN
from sync.protocol.schemas import AuditEntryOut, AuditList
from sync.server.audit import service
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.errors import ERROR_RESPONSES
from sync.server.routing import api_router

router = api_router(prefix="/v1/audit", tags=["audit"], responses=ERROR_RESPONSES)


@router.get("", response_model=AuditList, summary="Recent audit entries (provincial admin)")
def recent(ctx: Annotated[Ctx, allow(Perm.AUDIT_READ)], limit: int = Query(200, ge=1, le=5000),
           action: str | None = Query(None, max_length=50, pattern=ID_PATTERN)):
    return AuditList(entries=[AuditEntryOut(id=e.id, at=e.at, actor=e.actor, device_id=e.device_id,
                                            action=e.action, target=e.target, detail=e.detail or {})
                              for e in service.recent(session=ctx.session, limit=limit, action=action)])
