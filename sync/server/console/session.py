"""Console sessions: a sign-in with an existing account becomes a session
token (a devices row of kind "console", stored only as its SHA-256, like
every token) in an HttpOnly, SameSite=Strict cookie, Secure over TLS.

The session ends on sign-out, after `console_idle_minutes` unused (last
use is refreshed at most once a minute: devices/service.py), or after
`session_ttl_hours`. Sign-ins are throttled as the API's are
(auth/throttle.py: the same counters, in the database).

The CSRF token of a session is an HMAC of its token: the page can embed it,
a cross-site page cannot compute it, and no worker needs shared state."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from sync.server.db import utcnow
from sync.server.deps import client_address, tx
from sync.server.devices import service as devices
from sync.server.devices.models import Device
from sync.server.errors import ApiError

COOKIE = "fs_console"
PRE_COOKIE = "fs_console_pre"     # CSRF of the sign-in form itself (double submit)
KIND = "console"


@dataclass(frozen=True)
class ConsoleUser:
    id: str
    username: str
    name: str
    role: str
    agency_id: str | None
    team_id: str | None
    device_id: str
    csrf: str


class SessionEnded(Exception):
    """No session, or it ended: the page sends the browser to sign in."""

    def __init__(self, expired: bool = False):
        super().__init__("signed out")
        self.expired = expired


def csrf_for(token: str) -> str:
    return hmac.new(token.encode("ascii", "replace"), b"fs-console-csrf", hashlib.sha256).hexdigest()[:40]


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    # Secure over TLS, also when a TLS proxy says so: X-Forwarded-Proto is
    # believed here from anyone (it can only make the cookie stricter),
    # unlike X-Forwarded-For (deps.client_address: configured proxies only).
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https" or proto == "https")


def current(request: Request) -> ConsoleUser:
    """The signed-in user of this request, or SessionEnded."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SessionEnded()
    idle = timedelta(minutes=request.app.state.settings.console_idle_minutes)
    with tx(request) as session:
        device = session.scalar(select(Device).where(Device.token_sha256 == _sha(token), Device.kind == KIND))
        if device is None:
            raise SessionEnded()
        if device.revoked_at is None and utcnow() - (device.last_seen_at or device.created_at) > idle:
            device.revoked_at = utcnow()           # committed: an idle session is over for good
            expired = True
        else:
            expired = False
    if expired:
        raise SessionEnded(expired=True)
    with tx(request) as session:
        try:
            p = devices.authenticate(session=session, token=token)
        except ApiError as e:
            raise SessionEnded(expired=e.error.code == "auth.token_expired") from None
        u = p.user
        return ConsoleUser(id=u.id, username=u.username, name=u.name, role=u.role, agency_id=u.agency_id,
                           team_id=u.team_id, device_id=p.device.id, csrf=csrf_for(token))


def sign_in(request: Request, username: str, password: str) -> str:
    """A new session token; ApiError auth.invalid / auth.rate_limited."""
    s = request.app.state
    address = client_address(request)
    attempt = s.throttle.reserve(db=s.db, username=username, address=address)   # its own transaction, first
    with tx(request) as session:
        device, token, _user = devices.login(
            session=session, throttle=s.throttle, attempt=attempt, username=username, password=password,
            address=address, ttl=timedelta(hours=s.settings.session_ttl_hours))
        device.kind, device.name, device.last_seen_at = KIND, "console", utcnow()
        return token


def sign_out(request: Request, user: ConsoleUser) -> None:
    with tx(request) as session:
        device = session.get(Device, user.device_id)
        if device is not None and device.revoked_at is None:
            device.revoked_at = utcnow()


def new_pre_token() -> str:
    return secrets.token_urlsafe(24)
