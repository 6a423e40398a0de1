"""Sampling tasks (抽样任务): party x plan item x team. Server-owned."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow

# no_sample: closed by a 未抽到样品 record; it no longer holds a slot of its plan item
TASK_STATUSES = ("assigned", "in_progress", "done", "cancelled", "no_sample")
SLOT_FREE = ("cancelled", "no_sample")      # statuses that hold no slot of the plan item


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_item_id: Mapped[str] = mapped_column(ForeignKey("plan_items.id"), index=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    due_date: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="监督抽查")  # i18n: recorded value
    notes: Mapped[str] = mapped_column(Text, default="")
    # 通知书编号: the number of the inspection notice the team shows and
    # leaves with the party, given when the task is assigned (tasks/numbers.py).
    notice_no: Mapped[str] = mapped_column(String(120), default="")   # the format (100) with its number
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskMove(Base):
    """One reassignment of a task to another team (改派). Kept for good: the
    former team's devices learn of the withdrawal from it (also in a full
    refresh, days later), and a record the former team signed on site before
    it knew is recognised as theirs to send (see records/checks.py)."""
    __tablename__ = "task_moves"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    from_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    from_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    to_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    to_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draw(Base):
    """One 双随机 draw, kept so it can be replayed and audited: the seed, the
    candidate parties and teams in the order they were drawn from, and what
    came out. random.Random(seed) over the same lists gives the same draw."""
    __tablename__ = "draws"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_item_id: Mapped[str] = mapped_column(ForeignKey("plan_items.id"), index=True)
    agency_id: Mapped[str] = mapped_column(String(64), default="")      # "" = teams of every agency
    requested: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[str] = mapped_column(String(10), default="")
    candidates: Mapped[list] = mapped_column(JSON)     # party ids
    teams: Mapped[list] = mapped_column(JSON)          # team ids
    drawn: Mapped[list] = mapped_column(JSON)          # [[party id, team id, task id], ...]
    actor: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
