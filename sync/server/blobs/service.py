"""Which blobs a team holds, and registering verified uploads.

Every answer about a blob is relative to the asking device's team: whether
it is missing, how far its upload got, whether a record's photo counts.
What other teams or agencies have uploaded is never revealed, and citing a
hash one does not hold gains nothing (see models.BlobHolder)."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.blobs.models import Blob, BlobHolder
from sync.server.db import insert_ignore
from sync.server.devices.service import Principal


def held(*, session: Session, team_id: str | None, hashes: list[str]) -> set[str]:
    """Those of `hashes` some device of the team has uploaded."""
    have: set[str] = set()
    if not team_id:
        return have
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):
        have |= set(session.scalars(select(BlobHolder.sha256).distinct().where(
            BlobHolder.team_id == team_id, BlobHolder.sha256.in_(unique[i:i + 500]))))
    return have


def missing(*, session: Session, team_id: str | None, hashes: list[str]) -> list[str]:
    have = held(session=session, team_id=team_id, hashes=hashes)
    return sorted(h for h in set(hashes) if h not in have)


def owner_key(principal: Principal) -> str:
    """Whose partial upload this is (a file-name-safe key of the team):
    devices of one team resume each other's uploads, other teams never
    touch or see them."""
    return hashlib.sha256(f"team:{principal.user.team_id or principal.device.id}".encode()).hexdigest()[:32]


def register(*, session: Session, sha256: str, size: int, principal: Principal) -> None:
    """This device sent these bytes and they hashed to their name.
    Idempotent: a second upload of the same bytes changes nothing."""
    register_bytes(session=session, sha256=sha256, size=size, source=principal.device.id)
    register_holder(session=session, sha256=sha256, device_id=principal.device.id,
                    team_id=principal.user.team_id or "", agency_id=principal.user.agency_id or "")


def register_bytes(*, session: Session, sha256: str, size: int, source: str) -> None:
    """Verified bytes the server has (source: the first uploader, or what
    stored them: "console", "demo"); nobody holds them for this."""
    insert_ignore(session, Blob, sha256=sha256, size=size, device_id=source)


def register_holder(*, session: Session, sha256: str, device_id: str, team_id: str, agency_id: str) -> None:
    insert_ignore(session, BlobHolder, sha256=sha256, device_id=device_id, team_id=team_id, agency_id=agency_id)
