"""Enrolled devices and sign-in sessions: both are bearer tokens, stored
only as their SHA-256, revocable, checked on every request."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow


def seal_key_id(public_key_b64: str) -> str:
    """The id a seal payload names its signing key by (seal_payload.key_id):
    the lab finds the device of a scanned seal by it."""
    import base64
    import hashlib
    if not public_key_b64:
        return ""
    return hashlib.sha256(base64.b64decode(public_key_b64)).digest()[:4].hex()


def _key_id_default(context) -> str:
    return seal_key_id(context.get_current_parameters().get("public_key") or "")


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))             # device | session
    name: Mapped[str] = mapped_column(String(100), default="")
    public_key: Mapped[str] = mapped_column(Text, default="")  # Ed25519, base64 (devices only)
    seal_key_id: Mapped[str] = mapped_column(String(8), default=_key_id_default, index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    app_version: Mapped[str] = mapped_column(String(40), default="")   # from its last pull (User-Agent)
