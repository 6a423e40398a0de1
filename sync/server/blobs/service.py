"""Which blobs the server has, and registering verified ones."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.blobs.models import Blob
from sync.server.db import insert_ignore
from sync.server.devices.service import Principal
from sync.server.records.models import Record, RecordPhoto


def present(*, session: Session, hashes: list[str]) -> set[str]:
    have: set[str] = set()
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):
        have |= set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(unique[i:i + 500]))))
    return have


def missing(*, session: Session, hashes: list[str]) -> list[str]:
    have = present(session=session, hashes=hashes)
    return sorted(h for h in set(hashes) if h not in have)


def register(*, session: Session, sha256: str, size: int, device_id: str) -> None:
    """Idempotent: a second upload of the same bytes changes nothing."""
    insert_ignore(session, Blob, sha256=sha256, size=size, device_id=device_id)


def may_read(*, session: Session, principal: Principal, sha256: str) -> bool:
    """The province sees every photo; the lab and an agency admin those of
    their agency's records; a sampler those its device sent."""
    u = principal.user
    if u.role == "provincial_admin":
        return True
    blob = session.get(Blob, sha256)
    if blob is None:
        return False
    if u.role == "sampler":
        return blob.device_id == principal.device.id
    q = (select(Record.id).join(RecordPhoto, RecordPhoto.record_id == Record.id)
         .where(RecordPhoto.sha256 == sha256).limit(1))
    if u.role == "agency_admin" or u.role == "lab":
        q = q.where(Record.agency_id == u.agency_id) if u.agency_id else q
    return session.scalar(q) is not None
