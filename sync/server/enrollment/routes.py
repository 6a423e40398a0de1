"""Enrollment codes over HTTP: admins create, list and cancel them (the
console's page uses the same service functions); a laptop redeems one."""
from __future__ import annotations

from datetime import timedelta

from typing import Annotated

from fastapi import Request

from sync.protocol.enrollment import (EnrollmentCodeCreate, EnrollmentCodeIssued, EnrollmentCodeList,
                                      EnrollWithCodeRequest, qr_text)
from sync.protocol.schemas import EnrollResponse
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.auth.service import user_out
from sync.server.db import utcnow
from sync.server.devices import service as devices
from sync.server.deps import client_address, tx
from sync.server.enrollment import service
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.params import PathId
from sync.server.routing import api_router

Manage = Annotated[Ctx, allow(Perm.ENROLL_CODES)]

router = api_router(prefix="/v1", tags=["enrollment"], responses=ERROR_RESPONSES)

# Refusals that do not count towards the sign-in throttle: the password
# and the code were right, the code is just no longer usable.
_NOT_COUNTED = ("enroll.code_used", "enroll.code_expired", "enroll.code_cancelled")


def public_url(request: Request) -> str:
    """The server address a laptop should use, for the QR: `serve
    --public-url`, else as the admin reached it."""
    return request.app.state.settings.public_url or str(request.base_url).rstrip("/")


@router.post("/auth/enroll-code", response_model=EnrollResponse, status_code=201,
             summary="A laptop enrolls with the sampler's password and a one-time enrollment code")
def enroll_with_code(body: EnrollWithCodeRequest, request: Request):
    s = request.app.state
    public_key = devices.validate_public_key(body.public_key)      # before anything is counted
    attempt = s.throttle.reserve(db=s.db, username=body.username, address=client_address(request))
    try:
        with tx(request) as session:
            device, token, user = service.redeem(
                session=session, throttle=s.throttle, attempt=attempt, code=body.code, username=body.username,
                password=body.password, device_name=body.device_name, public_key=public_key,
                address=client_address(request), ttl=timedelta(days=s.settings.device_ttl_days))
            return EnrollResponse(device_id=device.id, token=token, user=user_out(user), server_time=utcnow())
    except ApiError as e:
        if e.error.code in _NOT_COUNTED:     # the enrollment rolled back; the attempt was no guess
            with tx(request) as session:
                s.throttle.succeeded(session=session, attempt=attempt)
        raise


@router.post("/enrollment-codes", response_model=EnrollmentCodeIssued, status_code=201,
             summary="Make a one-time enrollment code for a sampler (agency admin: own agency; province: all)")
def create(body: EnrollmentCodeCreate, request: Request, ctx: Manage):
    row, code = service.create_code(session=ctx.session, username=body.username, hours=body.hours,
                                    actor=ctx.actor, principal=ctx.principal)
    return EnrollmentCodeIssued(code=code, qr_text=qr_text(public_url(request), code, body.username),
                                    enrollment=service.out(row, body.username))


@router.get("/enrollment-codes", response_model=EnrollmentCodeList,
            summary="Enrollment codes the caller may see (never the codes themselves)")
def list_codes(ctx: Manage, username: str | None = None):
    rows = service.list_codes(session=ctx.session, principal=ctx.principal, username=username)
    return EnrollmentCodeList(codes=[service.out(row, name) for row, name in rows])


@router.post("/enrollment-codes/{code_id}/cancel", response_model=EnrollmentCodeList,
             summary="Cancel a code not yet used")
def cancel(code_id: PathId, ctx: Manage):
    row, name = service.cancel_code(session=ctx.session, code_id=code_id, actor=ctx.actor, principal=ctx.principal)
    return EnrollmentCodeList(codes=[service.out(row, name)])
