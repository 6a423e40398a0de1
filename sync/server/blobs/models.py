"""Verified blobs (photos, signature images), named by their SHA-256, and
who holds them: the devices that uploaded those very bytes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow


class Blob(Base):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(64), default="")      # the first uploader
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlobHolder(Base):
    """Proof of possession: this device sent all the bytes of this blob and
    they hashed to its name. A record's photo counts (completeness, who may
    view it) only when the record's team holds it: knowing a hash is not
    having the photo."""
    __tablename__ = "blob_holders"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64), index=True)
    agency_id: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
