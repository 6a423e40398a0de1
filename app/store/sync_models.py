"""The sync client's local state, in the desktop store's SQLite database:
the outbox of finished records and amendments, the pull cursor, per-photo
upload state. What a pull brings lives in the master-data tables
(app.store.models, written by app.store.master_repo), not here.

Secrets are not here: the device token lives in the OS keyring."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.db import Base


class OutboxStatus(str, enum.Enum):
    """Where a queued record or amendment stands (sync.client.outbox moves it)."""
    PENDING = "pending"          # not delivered yet (or the server lost it)
    ACCEPTED = "accepted"        # the server has the record; photos outstanding
    SENT = "sent"                # complete on the server, every photo verified
    QUARANTINED = "quarantined"  # set aside with the server's reason; the sampler may release it


# The server holds the record (its receipt time counts for the deadline).
AT_SERVER = (OutboxStatus.ACCEPTED, OutboxStatus.SENT)
# Not yet complete on the server.
UNSENT = (OutboxStatus.PENDING, OutboxStatus.ACCEPTED, OutboxStatus.QUARANTINED)


class OutboxItem(Base):
    """One record or amendment to deliver. pending -> accepted (the server
    has it, photos outstanding) -> sent (complete); or quarantined with the
    server's reason, set aside without blocking the others."""
    __tablename__ = "sync_outbox"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)        # delivery order
    kind: Mapped[str] = mapped_column(String(10))                       # record | amendment
    visit_id: Mapped[str] = mapped_column(String(64), index=True)
    task_id: Mapped[str] = mapped_column(String(64), default="")
    record_hash: Mapped[str] = mapped_column(String(64))
    canonical: Mapped[bytes] = mapped_column(LargeBinary)               # exactly the hashed bytes
    photo_hashes: Mapped[str] = mapped_column(Text, default="[]")      # JSON list
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING.value, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")               # JSON problems when quarantined
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Deliveries that ended in a server fault (5xx); at the limit the item
    # is set aside (migration 0005).
    server_errors: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sampled_at: Mapped[datetime | None] = mapped_column(default=None)   # for the next-day deadline
    created_at: Mapped[datetime]
    server_received_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    # Which visits' records are delivered, from the index alone (migration
    # 0006): the home screen's waiting list reads it for every ended visit.
    __table_args__ = (Index("ix_sync_outbox_delivered", "kind", "status", "visit_id"),)


class SyncStateRow(Base):
    """Small facts: the pull cursor, the server URL, the device id."""
    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PhotoUpload(Base):
    """Per-photo progress, so the UI can show it and a restart resumes."""
    __tablename__ = "sync_photo_uploads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    offset: Mapped[int] = mapped_column(Integer, default=0)            # last offset the server confirmed
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
