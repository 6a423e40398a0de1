"""What happens to a refusal (拒检) or a problem report (问题报送) after the
visit: the county-level joint determination (县级以上市场监督管理部门共同认定)
and the report to the province (报送省局), with files attached (a scanned
determination, a letter). Server-owned; the record itself never changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow


class FollowUp(Base):
    __tablename__ = "followups"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    determination_done: Mapped[bool] = mapped_column(Boolean, default=False)   # 共同认定 done
    determined_on: Mapped[str] = mapped_column(String(10), default="")          # ISO date
    reported_to_province: Mapped[bool] = mapped_column(Boolean, default=False)  # 报送省局
    reported_on: Mapped[str] = mapped_column(String(10), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUpFile(Base):
    """A file attached to a follow-up; the bytes are a blob (by SHA-256)."""
    __tablename__ = "followup_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    media: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
