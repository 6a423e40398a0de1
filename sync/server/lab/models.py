"""The inspection lab's tables (检验机构): samples received by their seals,
blind codes, chain of custody, results, deliveries, disposal, shipments.

Server-owned: nothing here changes a sampler's record. A sample is linked
to its record by the visit id its seal carries; `record_id` stays empty
while the laptop has not synced (record pending) and is filled when the
record arrives (service.reconcile)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db import Base, UTCDateTime, utcnow


class LabSample(Base):
    """One sealed package as the lab received it: its scan, the verdict and
    the receiver's decision (scanned -> accepted | rejected)."""
    __tablename__ = "lab_samples"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)          # the receiving lab's agency
    status: Mapped[str] = mapped_column(String(12), index=True)              # scanned | accepted | rejected
    payload: Mapped[str] = mapped_column(Text)
    seal_no: Mapped[str] = mapped_column(String(128), index=True)
    visit_id: Mapped[str] = mapped_column(String(64), index=True)           # the record the seal names
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True, default=None)
    expected_visit_id: Mapped[str] = mapped_column(String(64), default="")  # the sampling form scanned first
    kind: Mapped[str] = mapped_column(String(10))                           # test | backup
    package_no: Mapped[int] = mapped_column(Integer, default=1)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hash_prefix: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(8))
    device_id: Mapped[str] = mapped_column(String(64), default="")          # empty: no registered key verified it
    findings: Mapped[list] = mapped_column(JSON, default=list)              # seal_check.Finding values
    params: Mapped[dict] = mapped_column(JSON, default=dict)                # their texts' placeholders
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scanned_by: Mapped[str] = mapped_column(String(64))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    override_by: Mapped[str] = mapped_column(String(64), default="")
    seal_intact: Mapped[bool] = mapped_column(Boolean, default=False)
    matches_form: Mapped[bool] = mapped_column(Boolean, default=False)
    quantity_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")                   # a rejection's written reason
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    blind_id: Mapped[int | None] = mapped_column(ForeignKey("lab_blind.id"), index=True, default=None)
    location: Mapped[str] = mapped_column(String(200), default="")          # where it is now (last custody event)


class LabPhoto(Base):
    """A photo the lab took: the sample's condition and seal at receipt, or a
    disposal's receipt. The bytes are a blob."""
    __tablename__ = "lab_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("lab_samples.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))                        # condition | disposal
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlindSample(Base):
    """The test sample of one record under its blind code (二次编号), with
    its result. Testers see only the code."""
    __tablename__ = "lab_blind"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    visit_id: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)
    product: Mapped[str] = mapped_column(String(100), default="")            # what to test: not who
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    conclusion: Mapped[str] = mapped_column(String(8), default="", index=True)    # pass | fail
    report_no: Mapped[str] = mapped_column(String(64), default="")
    report_date: Mapped[str] = mapped_column(String(10), default="")
    testing_ended_on: Mapped[str] = mapped_column(String(10), default="")
    report_sha256: Mapped[str] = mapped_column(String(64), default="")
    result_by: Mapped[str] = mapped_column(String(64), default="")
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ecqs_entered_on: Mapped[str] = mapped_column(String(10), default="")
    province_sent_on: Mapped[str] = mapped_column(String(10), default="")    # failed report to the province


class FailedItem(Base):
    __tablename__ = "lab_failed_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    blind_id: Mapped[int] = mapped_column(ForeignKey("lab_blind.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(200))
    requirement: Mapped[str] = mapped_column(String(300), default="")
    measured: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[str] = mapped_column(String(200), default="")


class Advice(Base):
    """产品质量改进建议书 (附件2) of a failed sample: the lab's text."""
    __tablename__ = "lab_advice"
    blind_id: Mapped[int] = mapped_column(ForeignKey("lab_blind.id"), primary_key=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[str] = mapped_column(String(10), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """结果通知送达: to the party, and for a seller's sample also to the
    producer named on the label."""
    __tablename__ = "lab_deliveries"
    __table_args__ = (UniqueConstraint("blind_id", "recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    blind_id: Mapped[int] = mapped_column(ForeignKey("lab_blind.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(10))                      # party | producer
    method: Mapped[str] = mapped_column(String(10))                         # direct | ems
    tracking_no: Mapped[str] = mapped_column(String(64), default="")
    delivered_on: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustodyEvent(Base):
    """One hand-over of a package: who, when, where."""
    __tablename__ = "lab_custody"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("lab_samples.id"), index=True)
    event: Mapped[str] = mapped_column(String(12))      # received | stored | to_tester | tested | retained | disposed
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Disposal(Base):
    __tablename__ = "lab_disposals"
    sample_id: Mapped[int] = mapped_column(ForeignKey("lab_samples.id"), primary_key=True)
    action: Mapped[str] = mapped_column(String(10))     # return | hand_over | destroy | retain
    disposed_on: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200), default="")   # who took it (party, city bureau)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Shipment(Base):
    """Samples sent to the lab by courier (寄送样品): from the laptop or the
    console; the first receipt of one of the record's packages closes it."""
    __tablename__ = "lab_shipments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)
    courier: Mapped[str] = mapped_column(String(100))
    tracking_no: Mapped[str] = mapped_column(String(64))
    sent_on: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[str] = mapped_column(String(10), default="")     # 寄送样截止日期
    source: Mapped[str] = mapped_column(String(10))                    # laptop | console
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
