"""Sign-in: enroll a sampler's device, or open an admin/lab session.

Each attempt is reserved with the throttle (auth/throttle.py) in a short
transaction of its own before the password is checked, so that concurrent
guesses on any number of worker processes get no more checks than allowed."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Request

from sync.protocol.schemas import EnrollRequest, EnrollResponse, LoginRequest, LoginResponse, MeResponse
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.auth.service import user_out
from sync.server.auth.throttle import Attempt
from sync.server.db import utcnow
from sync.server.deps import client_address, tx
from sync.server.devices import service as devices
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.routing import api_router

router = api_router(prefix="/v1", tags=["auth"], responses=ERROR_RESPONSES)


def _reserve(request: Request, username: str, laptop: bytes | None = None) -> Attempt:
    s = request.app.state
    return s.throttle.reserve(db=s.db, username=username, address=client_address(request), laptop=laptop)


@router.post("/auth/enroll", response_model=EnrollResponse, status_code=201,
             summary="Sampler signs in once; the device gets a token and registers its Ed25519 public key")
def enroll(body: EnrollRequest, request: Request):
    s = request.app.state
    if s.settings.enroll_requires_code:       # `serve`: laptops enroll with a code (enrollment/routes.py)
        raise ApiError(403, "enroll.code_required")
    public_key = devices.validate_public_key(body.public_key)      # before anything is counted
    laptop = None
    if body.proof:                    # a laptop enrolled before, proving it holds its key (signin_proof)
        with tx(request) as session:
            laptop = devices.enrolled_laptop(session=session, username=body.username, public_key_b64=public_key,
                                             signed_at=body.proof_signed_at, proof=body.proof)
    attempt = _reserve(request, body.username, laptop)
    with tx(request) as session:
        device, token, user = devices.enroll(
            session=session, throttle=s.throttle, attempt=attempt, username=body.username, password=body.password,
            device_name=body.device_name, public_key=public_key, address=client_address(request),
            ttl=timedelta(days=s.settings.device_ttl_days))
        return EnrollResponse(device_id=device.id, token=token, user=user_out(user), server_time=utcnow())


@router.post("/auth/login", response_model=LoginResponse, summary="Admin or lab sign-in (session token)")
def login(body: LoginRequest, request: Request):
    s = request.app.state
    attempt = _reserve(request, body.username)
    with tx(request) as session:
        device, token, user = devices.login(
            session=session, throttle=s.throttle, attempt=attempt, username=body.username, password=body.password,
            address=client_address(request), ttl=timedelta(hours=s.settings.session_ttl_hours))
        return LoginResponse(token=token, expires_at=device.expires_at, user=user_out(user))


@router.get("/me", response_model=MeResponse, summary="Who this token belongs to")
def me(ctx: Annotated[Ctx, allow(Perm.ME)]):
    return MeResponse(user=user_out(ctx.user), device_id=ctx.principal.device.id, server_time=utcnow())
