"""Local SQLite tables (SQLAlchemy 2.0 declarative).

Master data pulled from the server (plan, agencies, samplers, parties, tasks,
sampling rules) is server-owned and kept only here. A visit is sampler-owned: its full state is one JSON document
(rewritten on every autosave, small) plus indexed columns for the lists. A
finished record's canonical bytes go to `signed_records` and amendments to
`amendments`; SQLite triggers (see migration 0001) make both append-only.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.db import Base


class PlanRow(Base):
    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(100), default="")


class PlanItemRow(Base):
    __tablename__ = "plan_items"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(100))
    product: Mapped[str] = mapped_column(String(100), index=True)
    batches: Mapped[int] = mapped_column(Integer)
    scopes: Mapped[str] = mapped_column(String(100))          # comma-separated Scope values
    sampled_on_server: Mapped[int] = mapped_column(Integer, default=0)  # from the last pull


class AgencyRow(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class SamplerRow(Base):
    __tablename__ = "samplers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    certificate_no: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class PartyRow(Base):
    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True, default="")
    data: Mapped[str] = mapped_column(Text)                   # InspectedParty as JSON


class TaskRow(Base):
    __tablename__ = "tasks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(32), index=True)
    party_id: Mapped[str] = mapped_column(String(64), index=True)
    party_name: Mapped[str] = mapped_column(String(300), default="")
    products: Mapped[str] = mapped_column(String(300), default="")   # for the list
    status: Mapped[str] = mapped_column(String(20), index=True)
    due_date: Mapped[str] = mapped_column(String(10), default="", index=True)
    data: Mapped[str] = mapped_column(Text)                   # Task as JSON
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # 改派: the server gave the task to another team (migration 0003). Set,
    # no new visit starts on it; a visit already under way goes on.
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")


class SamplingRuleRow(Base):
    """The server's sampling rule for a product (SamplingRule as JSON), from
    the last pull; it replaces the packaged rule (resources/) for that product."""
    __tablename__ = "sampling_rules"
    product: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)


class VisitRow(Base):
    __tablename__ = "visits"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_no: Mapped[str] = mapped_column(String(64), unique=True)
    task_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    plan_id: Mapped[str] = mapped_column(String(32), default="", index=True)
    plan_item_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    party_key: Mapped[str] = mapped_column(String(64), default="", index=True)   # credit code, else name
    party_name: Mapped[str] = mapped_column(String(300), default="")
    product: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20))        # indexed first in ix_visits_ended_waiting
    step: Mapped[str] = mapped_column(String(20), default="arrive")
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    record_hash: Mapped[str] = mapped_column(String(64), default="")
    doc: Mapped[str] = mapped_column(Text)                    # the Visit as JSON (with navigation)

    __table_args__ = (
        Index("ix_visits_party_name", "party_name"),
        # The home screen with years of visits (migration 0006): each task's
        # latest ended visit, the waiting list in sampling order, and the
        # plan progress counted from the index alone.
        Index("ix_visits_task_finished", "task_id", "finished_at"),
        Index("ix_visits_ended_waiting", "status", "started_at", "id"),
        Index("ix_visits_plan_item_status", "plan_id", "plan_item_id", "status"),
    )


class SignedRecordRow(Base):
    """The frozen original: exactly the bytes that were hashed. Append-only."""
    __tablename__ = "signed_records"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    record_hash: Mapped[str] = mapped_column(String(64), unique=True)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime]


class AmendmentRow(Base):
    """更正/补充, chained to the record or the previous amendment. Append-only."""
    __tablename__ = "amendments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class PhotoRow(Base):
    """Index of the evidence store: one row per stored original."""
    __tablename__ = "photos"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    original_name: Mapped[str] = mapped_column(String(300), default="")
    stored_at: Mapped[datetime]


class CounterRow(Base):
    """Per-day sequence numbers for record numbers on this device."""
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class SettingRow(Base):
    """Small non-secret device facts (device id, enrollment server). Secrets
    never go here: they live in the OS keyring."""
    __tablename__ = "device_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The sync client's tables (outbox, cursor, uploads, pulled mirror; migration 0002).
from app.store import sync_models  # noqa: E402,F401
