"""Records up (idempotent by client id), their status, and progress."""
from __future__ import annotations

from typing import Annotated

from fastapi.responses import JSONResponse

from sync.protocol.messages import problem
from sync.protocol.schemas import ProgressResponse, PushRefused, PushResult, RecordPush, RecordStatus
from sync.server.auth import visibility
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.db import utcnow
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import PathId, QueryId
from sync.server.plan.models import Plan
from sync.server.records import progress as progress_service
from sync.server.records import intake, service
from sync.server.routing import api_router

router = api_router(prefix="/v1", tags=["records"], responses=ERROR_RESPONSES)

PUSH_RESPONSES = {
    200: {"model": PushResult, "description": "Already have it (same client id, same hash)"},
    201: {"model": PushResult, "description": "Stored"},
    409: {"model": PushRefused, "description": "Same id, different content"},
    422: {"model": PushRefused, "description": "Rejected: outside the document schema, a time out of its window, "
                                               "or a rule broken; problems say which (quarantine it)"},
}


def _reply(code: int, result: PushResult) -> dict:
    """2xx: the result; 409/422: the error envelope around it."""
    if code < 400:
        return result.model_dump(mode="json")
    problems = result.problems or [problem("sync.conflict")]
    return PushRefused(error=problems[0], problems=problems, client_id=result.client_id, status=result.status,
                       record_hash=result.record_hash, received_at=result.received_at).model_dump(mode="json")


@router.post("/records", response_model=PushResult, status_code=201, responses=PUSH_RESPONSES,
             summary="Push a finished record or an amendment")
def push(body: RecordPush, ctx: Annotated[Ctx, allow(Perm.RECORD_PUSH)]):
    intake.check(body, utcnow())          # the document's schema and times, before anything is read or written
    code, result = service.push(session=ctx.session, principal=ctx.principal, push=body)
    # Committed (allow() ends the unit of work) before this answer is sent.
    return JSONResponse(_reply(code, result), status_code=code)


@router.get("/records/{client_id}", response_model=RecordStatus, summary="Is this record on the server and complete")
def record_status(client_id: PathId, ctx: Annotated[Ctx, allow(Perm.RECORD_STATUS)]):
    return service.status(session=ctx.session, principal=ctx.principal, client_id=client_id)


@router.get("/progress", response_model=ProgressResponse, summary="Progress per plan item")
def progress(ctx: Annotated[Ctx, allow(Perm.PROGRESS_READ)], plan_id: QueryId):
    if ctx.session.get(Plan, plan_id) is None:
        raise ApiError(404, "not_found", what=plan_id)
    return ProgressResponse(plan_id=plan_id, rows=progress_service.progress(
        session=ctx.session, plan_id=plan_id, agency_id=visibility.progress_scope(ctx.principal)))
