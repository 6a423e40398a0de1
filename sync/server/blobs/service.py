"""Which blobs the server has, and registering verified ones."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.blobs.models import Blob
from sync.server.db import insert_ignore


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
