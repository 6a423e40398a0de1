"""Records up (idempotent by client id), their status, and progress."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from sync.protocol.schemas import ProgressResponse, PushResult, RecordPush, RecordStatus
from sync.server.deps import Token, unit
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
def push(body: RecordPush, request: Request, token: Token):
    with unit(request, token, "sampler") as (session, p):
        code, result = service.push(session=session, principal=p, push=body)
    # Committed: only now is the answer sent.
    return JSONResponse(result.model_dump(mode="json"), status_code=code)


@router.get("/records/{client_id}", response_model=RecordStatus, summary="Is this record on the server and complete")
def record_status(client_id: str, request: Request, token: Token):
    with unit(request, token) as (session, p):
        return service.status(session=session, principal=p, client_id=client_id)


@router.get("/progress", response_model=ProgressResponse, summary="Progress per plan item")
def progress(request: Request, token: Token, plan_id: str = Query(...)):
    with unit(request, token, "agency_admin", "provincial_admin", "lab") as (session, p):
        if session.get(Plan, plan_id) is None:
            raise ApiError(404, "not_found", what=plan_id)
        agency = p.user.agency_id if p.user.role != "provincial_admin" else None
        return ProgressResponse(plan_id=plan_id, rows=progress_service.progress(
            session=session, plan_id=plan_id, agency_id=agency))
