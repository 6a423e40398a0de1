"""Enrollment codes: create (admin, CLI or console), list, cancel, redeem.

A code is single use, expires, and is stored only as its SHA-256 (60 random
bits: a slow hash would add nothing, guessing is rate-limited). Making a new
code for a sampler cancels that sampler's codes not yet used, so at most one
is live. Redeeming runs the ordinary enrollment (password, role, device
token, public key) and then checks the code in the same transaction: any
refusal rolls the whole enrollment back, nothing half-enrolled remains.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol.enrollment import (CODE_ALPHABET, CODE_LENGTH, EnrollmentCodeOut, format_code, is_code,
                                      normalize_code)
from sync.server.audit import service as audit
from sync.server.auth.models import User
from sync.server.auth.visibility import managed_sampler_filter, may_manage_sampler
from sync.server.auth.throttle import Attempt, Throttle
from sync.server.db import utcnow
from sync.server.devices import service as devices
from sync.server.devices.models import Device
from sync.server.devices.service import Principal
from sync.server.enrollment.models import EnrollmentCode
from sync.server.errors import ApiError

DEFAULT_HOURS = 72


def _sha(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def state(row: EnrollmentCode, now=None) -> str:
    now = now or utcnow()
    if row.used_at is not None:
        return "used"
    if row.cancelled_at is not None:
        return "cancelled"
    return "expired" if row.expires_at <= now else "active"


def out(row: EnrollmentCode, username: str) -> EnrollmentCodeOut:
    return EnrollmentCodeOut(id=row.id, username=username, created_by=row.created_by, created_at=row.created_at,
                             expires_at=row.expires_at, used_at=row.used_at, device_id=row.device_id,
                             cancelled_at=row.cancelled_at, state=state(row))


def create_code(*, session: Session, username: str, hours: int = DEFAULT_HOURS, actor: str,
                principal: Principal | None = None) -> tuple[EnrollmentCode, str]:
    """A new code for the sampler `username`: (row, plain code XXXX-XXXX-XXXX).
    The plain code is returned once and never stored."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not may_manage_sampler(principal, user):
        raise ApiError(404, "not_found", what=username)
    if user.role != "sampler":
        raise ApiError(422, "enroll.not_sampler", username=username)
    if not user.active:
        raise ApiError(422, "auth.user_inactive")
    if not 1 <= hours <= 720:
        raise ApiError(422, "enroll.code_hours")
    now = utcnow()
    for old in session.scalars(select(EnrollmentCode).where(
            EnrollmentCode.user_id == user.id, EnrollmentCode.used_at.is_(None),
            EnrollmentCode.cancelled_at.is_(None))):
        old.cancelled_at = now
    code = _new_code()
    row = EnrollmentCode(id=f"ec-{uuid.uuid4().hex[:16]}", user_id=user.id, code_sha256=_sha(code),
                         created_by=actor, created_at=now, expires_at=now + timedelta(hours=hours))
    session.add(row)
    session.flush()
    audit.log(session=session, actor=actor, action="enroll_code.create", target=username,
              detail={"id": row.id, "expires_at": row.expires_at.isoformat()})
    return row, format_code(code)


def list_codes(*, session: Session, principal: Principal | None = None, username: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[tuple[EnrollmentCode, str]]:
    """Codes the caller may see, newest first, with their sampler's user
    name; `limit` rows from `offset` when paged."""
    q = (_visible(principal, username).add_columns(User.username)
         .order_by(EnrollmentCode.created_at.desc(), EnrollmentCode.id))
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [(row, name) for row, name in session.execute(q)]


def count_codes(*, session: Session, principal: Principal | None = None, username: str | None = None) -> int:
    return session.scalar(select(func.count()).select_from(_visible(principal, username).subquery())) or 0


def _visible(principal: Principal | None, username: str | None):
    q = (select(EnrollmentCode).join(User, User.id == EnrollmentCode.user_id)
         .where(managed_sampler_filter(principal)))
    return q.where(User.username == username) if username else q


def cancel_code(*, session: Session, code_id: str, actor: str,
                principal: Principal | None = None) -> tuple[EnrollmentCode, str]:
    row = session.get(EnrollmentCode, code_id)
    user = session.get(User, row.user_id) if row else None
    if row is None or not may_manage_sampler(principal, user):
        raise ApiError(404, "not_found", what=code_id)
    if row.used_at is None and row.cancelled_at is None:
        row.cancelled_at = utcnow()
        audit.log(session=session, actor=actor, action="enroll_code.cancel", target=user.username,
                  detail={"id": row.id})
    return row, user.username


def redeem(*, session: Session, throttle: Throttle, attempt: Attempt, code: str, username: str, password: str,
           device_name: str, public_key: str, address: str, ttl: timedelta) -> tuple[Device, str, User]:
    """Enroll a device with the sampler's password and a one-time code.
    The password is checked first (a wrong one says so whatever the code),
    then the code: it must be this sampler's, unused, not cancelled, not
    expired. Raises ApiError; the caller's transaction then rolls back, and
    with it the throttle's taking back of the attempt: a wrong code counts."""
    device, token, user = devices.enroll(
        session=session, throttle=throttle, attempt=attempt, username=username, password=password,
        device_name=device_name, public_key=public_key, address=address, ttl=ttl)
    canonical = normalize_code(code)
    row = session.scalar(select(EnrollmentCode).where(EnrollmentCode.code_sha256 == _sha(canonical))
                         .with_for_update()) if is_code(canonical) else None
    if row is None or row.user_id != user.id:
        raise ApiError(422, "enroll.code_invalid")
    st = state(row)
    if st == "used":
        raise ApiError(422, "enroll.code_used", at=row.used_at.isoformat(timespec="minutes"))
    if st == "cancelled":
        raise ApiError(422, "enroll.code_cancelled")
    if st == "expired":
        raise ApiError(422, "enroll.code_expired")
    row.used_at, row.device_id = utcnow(), device.id
    audit.log(session=session, actor=user.username, device_id=device.id, action="enroll_code.use",
              target=user.username, detail={"id": row.id})
    return device, token, user
