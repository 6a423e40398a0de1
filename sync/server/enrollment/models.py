"""Enrollment codes, stored only as the SHA-256 of the code (like tokens)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    device_id: Mapped[str | None] = mapped_column(String(64), default=None)   # the device it enrolled
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
