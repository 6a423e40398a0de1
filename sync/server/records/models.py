"""Records (finished visits) and amendments received from devices.

The client id is the dedupe key and is UNIQUE in the database (not only in
code: two requests with one id at once must not both insert). A record is
complete only when every photo it references is a verified blob."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime


class Record(Base):
    __tablename__ = "records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    visit_id: Mapped[str] = mapped_column(String(64), unique=True)
    record_hash: Mapped[str] = mapped_column(String(64), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    plan_item_id: Mapped[str] = mapped_column(String(64), index=True)
    party_id: Mapped[str] = mapped_column(String(64), index=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)
    team_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)   # made the visit; amends it
    user_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))          # finished | refused | problem_reported | no_sample
    product: Mapped[str] = mapped_column(String(100), default="")
    # Copied from the document (records/fields.py) for the console's search
    # and the summary sheet: 抽样单编号, 受检单位, 地址, 生产单位, 商标, 规格型号, 生产日期/批号, 备注.
    record_no: Mapped[str] = mapped_column(String(64), default="", index=True)
    party_name: Mapped[str] = mapped_column(String(300), default="")
    party_address: Mapped[str] = mapped_column(String(300), default="")
    producer: Mapped[str] = mapped_column(String(300), default="")
    trademark: Mapped[str] = mapped_column(String(100), default="")
    spec_model: Mapped[str] = mapped_column(String(100), default="")
    production_date: Mapped[str] = mapped_column(String(50), default="")
    batch_no: Mapped[str] = mapped_column(String(200), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    # Fixed at receipt (fields.timing): the China day of sampling, and whether
    # the record missed the e-CQS deadline (the end of the next day).
    sampled_on: Mapped[str] = mapped_column(String(10), default="", index=True)
    late_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    document: Mapped[str] = mapped_column(Text)              # canonical JSON text
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)   # device-stated
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The sending device's Ed25519 signature over record_hash (base64;
    # app.domain.record_signature); NULL for records stored before 0006.
    signature: Mapped[str | None] = mapped_column(String(100), default=None)


class RecordPhoto(Base):
    __tablename__ = "record_photos"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class AmendmentRecord(Base):
    __tablename__ = "amendments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)   # a chain has no forks
    document: Mapped[str] = mapped_column(Text)
    signature_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")   # the party's
    device_id: Mapped[str] = mapped_column(String(64))
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signature: Mapped[str | None] = mapped_column(String(100), default=None)     # as Record.signature
