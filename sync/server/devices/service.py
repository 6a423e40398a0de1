"""Device enrollment, sign-in sessions, and per-request token checks."""
from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.domain import signin_proof
from sync.protocol.roles import Role
from sync.protocol.schemas import KeyEntry
from sync.server.audit import service as audit
from sync.server.auth import service as accounts
from sync.server.auth.models import User
from sync.server.auth.roles import ROLE_RULES
from sync.server.auth.throttle import Attempt, Throttle
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


def _sign_in(*, session: Session, throttle: Throttle, attempt: Attempt, username: str, password: str) -> User:
    """The attempt was reserved (counted as a failure) before; a right
    password takes that back, a wrong one raises auth.invalid and stays."""
    user = accounts.check_password(session=session, username=username, password=password)
    if user is None:
        raise ApiError(401, "auth.invalid")
    throttle.succeeded(session=session, attempt=attempt)
    return user


def validate_public_key(public_key_b64: str) -> str:
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ApiError(400, "auth.public_key")
    return base64.b64encode(raw).decode("ascii")


def enrolled_laptop(*, session: Session, username: str, public_key_b64: str, signed_at: datetime | None,
                    proof: str) -> bytes | None:
    """The raw public key, if the request proves (app.domain.signin_proof)
    that it comes from a laptop enrolled for this account and not revoked."""
    if not proof or signed_at is None:
        return None
    q = (select(Device.id).join(User, User.id == Device.user_id)
         .where(User.username == username, Device.kind == "device", Device.public_key == public_key_b64,
                Device.revoked_at.is_(None)).limit(1))
    if session.scalar(q) is None:
        return None
    raw = base64.b64decode(public_key_b64)
    return raw if signin_proof.verify(raw, username, signed_at, proof, utcnow()) else None


def enroll(*, session: Session, throttle: Throttle, attempt: Attempt, username: str, password: str,
           device_name: str, public_key: str, address: str, ttl: timedelta) -> tuple[Device, str, User]:
    """public_key: checked by validate_public_key before the attempt was counted."""
    user = _sign_in(session=session, throttle=throttle, attempt=attempt, username=username, password=password)
    if not _enrolls(user):
        raise ApiError(403, "auth.role_enroll")
    device, token = issue_token(session=session, user=user, kind="device", ttl=ttl, name=device_name,
                                public_key=public_key)
    audit.log(session=session, actor=user.username, device_id=device.id, action="device.enroll",
              target=device.id, detail={"name": device_name, "address": address})
    return device, token, user


def _enrolls(user: User) -> bool:
    try:
        return ROLE_RULES[Role(user.role)].enrolls_device
    except ValueError:
        return False


def login(*, session: Session, throttle: Throttle, attempt: Attempt, username: str, password: str, address: str,
          ttl: timedelta) -> tuple[Device, str, User]:
    user = _sign_in(session=session, throttle=throttle, attempt=attempt, username=username, password=password)
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


def revoke(*, session: Session, device_id: str, actor: str) -> Device:
    """Whether the caller may is decided before (auth.visibility)."""
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(404, "not_found", what=device_id)
    owner = session.get(User, device.user_id)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.log(session=session, actor=actor, action="device.revoke", target=device_id,
                  detail={"user": owner.username if owner else "", "name": device.name},
                  before={"revoked_at": None}, after={"revoked_at": device.revoked_at.isoformat()})
    return device


def devices_of(*, session: Session, where: ColumnElement[bool]) -> list[Device]:
    """Devices whose owner matches `where` (auth.visibility.device_owner_filter)."""
    q = select(Device).join(User, User.id == Device.user_id).where(where).order_by(Device.created_at)
    return list(session.scalars(q))


def key_registry(*, session: Session, agency_id: str | None = None) -> list[KeyEntry]:
    """Every enrolled device's public key (revoked ones too: a seal printed
    before the revocation is still genuine), of one agency or all."""
    q = (select(Device, User).join(User, User.id == Device.user_id)
         .where(Device.kind == "device", Device.public_key != "").order_by(Device.created_at, Device.id))
    if agency_id is not None:
        q = q.where(User.agency_id == agency_id)
    return [KeyEntry(device_id=d.id, name=f"{u.name}（{u.username}）· {d.name or d.id}",  # i18n: names
                     public_key=d.public_key,
                     agency_id=u.agency_id or "", enrolled_at=d.created_at, revoked_at=d.revoked_at)
            for d, u in session.execute(q)]
