"""Sign-in: enroll a sampler's device, or open an admin/lab session."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Iterator

from fastapi import APIRouter, Request

from sync.protocol.schemas import EnrollRequest, EnrollResponse, LoginRequest, LoginResponse, MeResponse
from sync.server.auth.ratelimit import sign_in_keys
from sync.server.auth.service import user_out
from sync.server.db import utcnow
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.deps import client_address, tx
from sync.server.devices import service as devices
from sync.server.errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/v1", tags=["auth"], responses=ERROR_RESPONSES)


@contextmanager
def _counting_failures(request: Request, username: str) -> Iterator[None]:
    """A wrong password is counted after the sign-in transaction is rolled
    back, in a transaction of its own (so it is not rolled back with it)."""
    try:
        yield
    except ApiError as e:
        if e.error.code == "auth.invalid":
            s = request.app.state
            s.limiter.failed(db=s.db, keys=sign_in_keys(username, client_address(request)))
        raise


@router.post("/auth/enroll", response_model=EnrollResponse, status_code=201,
             summary="Sampler signs in once; the device gets a token and registers its Ed25519 public key")
def enroll(body: EnrollRequest, request: Request):
    s = request.app.state
    with _counting_failures(request, body.username), tx(request) as session:
        device, token, user = devices.enroll(
            session=session, limiter=s.limiter, username=body.username, password=body.password,
            device_name=body.device_name, public_key_b64=body.public_key, address=client_address(request),
            ttl=timedelta(days=s.settings.device_ttl_days))
        return EnrollResponse(device_id=device.id, token=token, user=user_out(user), server_time=utcnow())


@router.post("/auth/login", response_model=LoginResponse, summary="Admin or lab sign-in (session token)")
def login(body: LoginRequest, request: Request):
    s = request.app.state
    with _counting_failures(request, body.username), tx(request) as session:
        device, token, user = devices.login(
            session=session, limiter=s.limiter, username=body.username, password=body.password,
            address=client_address(request), ttl=timedelta(hours=s.settings.session_ttl_hours))
        return LoginResponse(token=token, expires_at=device.expires_at, user=user_out(user))


@router.get("/me", response_model=MeResponse, summary="Who this token belongs to")
def me(ctx: Annotated[Ctx, allow(Perm.ME)]):
    return MeResponse(user=user_out(ctx.user), device_id=ctx.principal.device.id, server_time=utcnow())
