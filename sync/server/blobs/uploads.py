"""Open uploads: the per-device quota and their bookkeeping (blob_uploads).

A row is made when a device starts uploading a blob and touched by every
chunk; it goes when the blob is verified, or when gc.py finds it untouched
for longer than the expiry. A device may have at most `max_open_uploads`
open at once, declaring at most `max_open_upload_bytes` together: beyond
that a new upload is refused (429) until one finishes or expires, so
uploads that are never finished cannot fill the server."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.server.blobs.models import BlobUpload
from sync.server.db import insert_ignore, is_postgres, utcnow
from sync.server.devices.models import Device
from sync.server.errors import ApiError


def begin(*, session: Session, sha256: str, length: int, owner: str, device_id: str, max_open: int,
          max_bytes: int, expiry_hours: float) -> None:
    """Open (or touch) this device's upload of a blob; 429 over the quota."""
    key = (sha256, int(length), owner)
    row = session.get(BlobUpload, key)
    now = utcnow()
    if row is not None:
        row.touched_at = now
        if not row.device_id:
            row.device_id = device_id
        return
    if is_postgres(session):            # two chunks of one device at once count one after the other
        session.execute(select(Device.id).where(Device.id == device_id).with_for_update())
    live = now - timedelta(hours=expiry_hours)
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(BlobUpload.length), 0))
        .where(BlobUpload.device_id == device_id, BlobUpload.touched_at >= live)).one()
    if count + 1 > max_open or total + length > max_bytes:
        raise ApiError(429, "blob.quota", headers={"Retry-After": "3600"}, count=max_open, limit=max_bytes)
    insert_ignore(session, BlobUpload, sha256=sha256, length=int(length), owner=owner, device_id=device_id,
                  started_at=now, touched_at=now)


def end(*, session: Session, sha256: str, length: int, owner: str) -> None:
    session.execute(delete(BlobUpload).where(BlobUpload.sha256 == sha256, BlobUpload.length == int(length),
                                             BlobUpload.owner == owner))
