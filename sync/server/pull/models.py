"""The change log behind the pull cursor.

Every change to server-owned data (plan, party, task, sampler, agency,
sampling rule) appends a row. A cursor names the last row a device saw by
its sequence number AND a random token, so a server restored from an older
backup (whose row N is missing or is a different change) is detected and
answered with a full refresh instead of silently skipping changes."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base


class Change(Base):
    __tablename__ = "changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))   # plan|party|task|sampler|agency|rule
    entity_id: Mapped[str] = mapped_column(String(100))
