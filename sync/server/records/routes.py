"""Records up (idempotent by client id), their status, and progress."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from sync.protocol.schemas import ProgressResponse, PushResult, RecordPush, RecordStatus
from sync.server.auth import visibility
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.plan.models import Plan
from sync.server.records import progress as progress_service
from sync.server.records import service

router = APIRouter(prefix="/v1", tags=["records"], responses=ERROR_RESPONSES)

PUSH_RESPONSES = {
    200: {"model": PushResult, "description": "Already have it (same client id, same hash)"},
    201: {"model": PushResult, "description": "Stored"},
    409: {"model": PushResult, "description": "Same id, different content"},
    422: {"model": PushResult, "description": "Rejected: a rule is broken; problems say which (quarantine it)"},
}


@router.post("/records", response_model=PushResult, status_code=201, responses=PUSH_RESPONSES,
             summary="Push a finished record or an amendment")
def push(body: RecordPush, ctx: Annotated[Ctx, allow(Perm.RECORD_PUSH)]):
    code, result = service.push(session=ctx.session, principal=ctx.principal, push=body)
    # Committed (allow() ends the unit of work) before this answer is sent.
    return JSONResponse(result.model_dump(mode="json"), status_code=code)


@router.get("/records/{client_id}", response_model=RecordStatus, summary="Is this record on the server and complete")
def record_status(client_id: str, ctx: Annotated[Ctx, allow(Perm.RECORD_STATUS)]):
    return service.status(session=ctx.session, principal=ctx.principal, client_id=client_id)


@router.get("/progress", response_model=ProgressResponse, summary="Progress per plan item")
def progress(ctx: Annotated[Ctx, allow(Perm.PROGRESS_READ)], plan_id: str = Query(...)):
    if ctx.session.get(Plan, plan_id) is None:
        raise ApiError(404, "not_found", what=plan_id)
    return ProgressResponse(plan_id=plan_id, rows=progress_service.progress(
        session=ctx.session, plan_id=plan_id, agency_id=visibility.progress_scope(ctx.principal)))
