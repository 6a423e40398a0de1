"""Verified blobs (photos, signature images), named by their SHA-256, and
who holds them: the devices that uploaded those very bytes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, LargeBinary, String, Text
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


class BlobUpload(Base):
    """An open (unfinished) upload: who started it, for the per-device
    quota, and when it was last written to, for expiry (gc.py). With the
    object-store backend it also holds the upload's whole state, so any
    server machine can take the next chunk: the multipart upload, its parts,
    the bytes not yet in a part (tail object) and the running SHA-256."""
    __tablename__ = "blob_uploads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    device_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    stored: Mapped[int] = mapped_column(BigInteger, default=0)         # bytes kept (object store)
    multipart_id: Mapped[str] = mapped_column(String(1024), default="")
    parts: Mapped[str] = mapped_column(Text, default="[]")              # JSON [[number, etag, size], ...]
    tail: Mapped[int] = mapped_column(BigInteger, default=0)           # bytes in the tail object
    hash_state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ServerState(Base):
    """Server-wide settings that every server machine must agree on (today:
    where the blobs live, set by `blobs migrate` when it switches over)."""
    __tablename__ = "server_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
