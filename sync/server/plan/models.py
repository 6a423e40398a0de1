"""The spot-check plan (监督抽查计划) and per-product sampling rules."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(100), default="")
    reports_due: Mapped[str] = mapped_column(String(10), default="")   # all reports delivered by (12-20)
    # How the province numbers the inspection notices (通知书编号) of this
    # plan's tasks: "{seq}" stands for the task's 4-digit sequence number.
    notice_no_format: Mapped[str] = mapped_column(String(100), default="")


class PlanItem(Base):
    __tablename__ = "plan_items"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(100))
    product: Mapped[str] = mapped_column(String(100))
    batches: Mapped[int] = mapped_column(Integer)
    scopes: Mapped[list] = mapped_column(JSON)               # Scope values


class SamplingRuleRow(Base):
    """Passed through to the devices as data (quantities with their source)."""
    __tablename__ = "sampling_rules"
    product: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
