"""Agencies (承检机构), their sampling teams, and user accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow

# lab: the lab's sample manager (样品管理员: receives samples, sees the blind
# mapping); lab_manager: may also accept a refused seal with a reason;
# lab_tester: sees blind codes only (console/access.py LAB_PERMISSIONS).
ROLES = ("sampler", "agency_admin", "provincial_admin", "lab", "lab_manager", "lab_tester")
LAB_ROLES = ("lab", "lab_manager", "lab_tester")


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class Team(Base):
    """A sampling team (抽样组): at least two samplers of one agency."""
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), index=True, default=None)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True, default=None)
    certificate_no: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(Base):
    """A failed sign-in, by user name or client address (see ratelimit.py).
    In the database so every server worker process counts the same."""
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
