"""Inspected parties (受检单位): the province's master data."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base

PARTY_FIELDS = ("name", "credit_code", "licence_no", "production_licence_no", "ccc_certificate_no",
                "address", "postcode", "legal_representative", "contact", "phone", "scale", "scope",
                "latitude", "longitude")


class Party(Base):
    __tablename__ = "parties"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    licence_no: Mapped[str] = mapped_column(String(100), default="")
    production_licence_no: Mapped[str] = mapped_column(String(100), default="")
    ccc_certificate_no: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    scale: Mapped[str] = mapped_column(String(20), default="")
    scope: Mapped[str] = mapped_column(String(20), default="seller")   # producer|seller|gas_station
    region: Mapped[str] = mapped_column(String(100), default="")
    # Decimal degrees as text ("" = unknown): the app flags photos taken far away.
    latitude: Mapped[str] = mapped_column(String(20), default="", server_default="")
    longitude: Mapped[str] = mapped_column(String(20), default="", server_default="")
