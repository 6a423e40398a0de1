"""Devices as the console lists them: with their user, scoped to an agency;
and the laptops that have gone quiet."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.server.auth.models import User
from sync.server.db import utcnow
from sync.server.devices.models import Device


@dataclass
class DeviceRow:
    device: Device
    user: User

    @property
    def last_sync(self) -> datetime | None:
        return self.device.last_seen_at

    def silent_days(self, now: datetime) -> int:
        return (now - (self.device.last_seen_at or self.device.created_at)).days


def devices(*, session: Session, agency_id: str | None = None, kinds: tuple[str, ...] = ("device",),
            user_id: str | None = None) -> list[DeviceRow]:
    q = (select(Device, User).join(User, User.id == Device.user_id).where(Device.kind.in_(kinds))
         .order_by(User.agency_id, User.username, Device.created_at))
    if agency_id:
        q = q.where(User.agency_id == agency_id)
    if user_id:
        q = q.where(Device.user_id == user_id)
    return [DeviceRow(d, u) for d, u in session.execute(q)]


def silent(*, session: Session, days: int, agency_id: str | None = None,
           now: datetime | None = None) -> list[DeviceRow]:
    """Enrolled laptops, not revoked, of active users, unheard of for more
    than `days` days (never synced: counted from enrollment)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    q = (select(Device, User).join(User, User.id == Device.user_id)
         .where(Device.kind == "device", Device.revoked_at.is_(None), User.active.is_(True),
                or_(Device.last_seen_at < cutoff, Device.last_seen_at.is_(None) & (Device.created_at < cutoff)))
         .order_by(Device.last_seen_at))
    if agency_id:
        q = q.where(User.agency_id == agency_id)
    return [DeviceRow(d, u) for d, u in session.execute(q)]
