"""Device enrollment, sign-in sessions, and per-request token checks."""
from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.schemas import KeyEntry
from sync.server.audit import service as audit
from sync.server.auth import service as accounts
from sync.server.auth.models import User
from sync.server.auth.ratelimit import LoginLimiter, sign_in_keys
from sync.server.db import utcnow
from sync.server.devices.models import Device
from sync.server.errors import ApiError

_SEEN_EVERY = timedelta(seconds=60)   # last_seen_at is refreshed at most this often


@dataclass
class Principal:
    user: User
    device: Device

    @property
    def actor(self) -> str:
        return self.user.username


def _token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_token(*, session: Session, user: User, kind: str, ttl: timedelta, name: str = "",
                public_key: str = "") -> tuple[Device, str]:
    token = secrets.token_urlsafe(32)
    device = Device(id=f"d-{uuid.uuid4().hex[:16]}", user_id=user.id, kind=kind, name=name,
                    public_key=public_key, token_sha256=_token_sha(token),
                    expires_at=utcnow() + ttl)
    session.add(device)
    session.flush()
    return device, token


def _sign_in(*, session: Session, limiter: LoginLimiter, username: str, password: str,
             address: str) -> User:
    """A wrong password raises auth.invalid; the caller counts the failure
    once this transaction is rolled back (auth/routes.py)."""
    keys = sign_in_keys(username, address)
    wait = limiter.retry_after(session=session, keys=keys)
    if wait:
        raise ApiError(429, "auth.rate_limited", headers={"Retry-After": str(wait)}, seconds=wait)
    user = accounts.check_password(session=session, username=username, password=password)
    if user is None:
        raise ApiError(401, "auth.invalid")
    limiter.succeeded(session=session, user_key=keys[0])
    return user


def validate_public_key(public_key_b64: str) -> str:
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ApiError(400, "auth.public_key")
    return base64.b64encode(raw).decode("ascii")


def enroll(*, session: Session, limiter: LoginLimiter, username: str, password: str,
           device_name: str, public_key_b64: str, address: str, ttl: timedelta) -> tuple[Device, str, User]:
    public_key = validate_public_key(public_key_b64)
    user = _sign_in(session=session, limiter=limiter, username=username, password=password, address=address)
    if user.role != "sampler":
        raise ApiError(403, "auth.role_enroll")
    device, token = issue_token(session=session, user=user, kind="device", ttl=ttl, name=device_name,
                                public_key=public_key)
    audit.log(session=session, actor=user.username, device_id=device.id, action="device.enroll",
              target=device.id, detail={"name": device_name, "address": address})
    return device, token, user


def login(*, session: Session, limiter: LoginLimiter, username: str, password: str, address: str,
          ttl: timedelta) -> tuple[Device, str, User]:
    user = _sign_in(session=session, limiter=limiter, username=username, password=password, address=address)
    device, token = issue_token(session=session, user=user, kind="session", ttl=ttl, name="session")
    audit.log(session=session, actor=user.username, device_id=device.id, action="auth.login",
              detail={"address": address})
    return device, token, user


def authenticate(*, session: Session, token: str | None) -> Principal:
    """Every request: the token must be known, unexpired, unrevoked, and its
    user active. Revocation takes effect on the very next request."""
    if not token:
        raise ApiError(401, "auth.token_missing", headers={"WWW-Authenticate": "Bearer"})
    # One round trip for both rows: this runs on every request.
    row = session.execute(select(Device, User).outerjoin(User, User.id == Device.user_id)
                          .where(Device.token_sha256 == _token_sha(token))).first()
    if row is None:
        raise ApiError(401, "auth.token_invalid", headers={"WWW-Authenticate": "Bearer"})
    device, user = row
    if device.revoked_at is not None:
        raise ApiError(401, "auth.device_revoked", headers={"WWW-Authenticate": "Bearer"})
    now = utcnow()
    if device.expires_at <= now:
        raise ApiError(401, "auth.token_expired", headers={"WWW-Authenticate": "Bearer"})
    if user is None or not user.active:
        raise ApiError(401, "auth.user_inactive", headers={"WWW-Authenticate": "Bearer"})
    if device.last_seen_at is None or now - device.last_seen_at > _SEEN_EVERY:
        device.last_seen_at = now
    return Principal(user=user, device=device)


def can_manage(principal: Principal, device: Device, owner: User) -> bool:
    """Who may revoke / list a device: its own user, an agency admin of the
    owner's agency, a provincial admin."""
    u = principal.user
    return (u.id == owner.id or u.role == "provincial_admin"
            or (u.role == "agency_admin" and u.agency_id == owner.agency_id))


def revoke(*, session: Session, device_id: str, actor: str, principal: Principal | None = None) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(404, "not_found", what=device_id)
    owner = session.get(User, device.user_id)
    if principal is not None and not can_manage(principal, device, owner):
        raise ApiError(403, "auth.forbidden")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.log(session=session, actor=actor, action="device.revoke", target=device_id,
                  detail={"user": owner.username if owner else "", "name": device.name},
                  before={"revoked_at": None}, after={"revoked_at": device.revoked_at.isoformat()})
    return device


def devices_visible(*, session: Session, principal: Principal) -> list[Device]:
    u = principal.user
    q = select(Device).join(User, User.id == Device.user_id).order_by(Device.created_at)
    if u.role == "agency_admin":
        q = q.where(User.agency_id == u.agency_id)
    elif u.role != "provincial_admin":
        q = q.where(Device.user_id == u.id)
    return list(session.scalars(q))


def key_registry(*, session: Session, agency_id: str | None = None) -> list[KeyEntry]:
    """Every enrolled device's public key (revoked ones too: a seal printed
    before the revocation is still genuine), of one agency or all."""
    q = (select(Device, User).join(User, User.id == Device.user_id)
         .where(Device.kind == "device", Device.public_key != "").order_by(Device.created_at, Device.id))
    if agency_id:
        q = q.where(User.agency_id == agency_id)
    return [KeyEntry(device_id=d.id, name=f"{u.name}（{u.username}）· {d.name or d.id}",  # i18n: names
                     public_key=d.public_key,
                     agency_id=u.agency_id or "", enrolled_at=d.created_at, revoked_at=d.revoked_at)
            for d, u in session.execute(q)]
