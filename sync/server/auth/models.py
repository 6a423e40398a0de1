"""Agencies (承检机构), their sampling teams, and user accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow

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
    role: Mapped[str] = mapped_column(String(20))             # a sync.protocol.roles.Role
    password_hash: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), index=True, default=None)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True, default=None)
    certificate_no: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginCounter(Base):
    """Failed sign-ins counted against one key: an account from an address,
    an address, an account, an enrolled laptop (see throttle.py). In the
    database so every server worker process counts the same; the key is a
    SHA-256, so no user name or address can overflow or poison it."""
    __tablename__ = "login_counters"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)


class LoginKnown(Base):
    """An account signed in successfully from this address (SHA-256 key):
    guesses by others at other accounts, or from other addresses, do not
    hold it there."""
    __tablename__ = "login_known"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
