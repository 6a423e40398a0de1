"""What the lab reads of the synced records and the registered devices:
the keys a seal may be signed with, and a record's seals, sealing hash,
sample and party, parsed from the stored canonical document."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.seal_check import DeviceKey, RecordSeals
from app.domain.visit import SampleKind
from sync.server.auth.models import User
from sync.server.devices.models import Device
from sync.server.records.models import Record


def device_keys(*, session: Session, key_id: str) -> list[DeviceKey]:
    """Every enrolled device whose key has this id (normally one; revoked
    devices stay: seals they signed before still verify)."""
    rows = session.execute(select(Device, User.agency_id).join(User, User.id == Device.user_id)
                           .where(Device.seal_key_id == key_id, Device.kind == "device"))
    out = []
    for device, agency_id in rows:
        try:
            raw = base64.b64decode(device.public_key)
        except ValueError:
            continue
        out.append(DeviceKey(device_id=device.id, public_key=raw, agency_id=agency_id, revoked_at=device.revoked_at,
                             name=device.name))
    return out


@dataclass(frozen=True)
class RecordFacts:
    """A record as the lab needs it."""
    record: Record
    seals: RecordSeals
    document: dict

    @property
    def sample(self) -> dict:
        return self.document.get("sample") or {}

    @property
    def party(self) -> dict:
        return self.document.get("party") or {}

    @property
    def producer(self) -> dict:
        return self.document.get("producer") or {}

    @property
    def from_seller(self) -> bool:
        """Sampled in circulation (流通领域): the result goes to the producer
        named on the label too."""
        return self.party.get("scope") == "seller"

    def paid(self, kind: str) -> bool:
        """The test sample is bought; the backup is given free unless the
        record says otherwise."""
        payment = self.document.get("payment") or {}
        if kind == SampleKind.BACKUP.value:
            return not payment.get("backup_free", False)
        return bool(payment.get("paid"))

    def quantity(self, kind: str) -> str:
        raw = self.sample.get("test_quantity" if kind == SampleKind.TEST.value else "backup_quantity")
        try:
            value = Decimal(str(raw)).normalize() if raw not in (None, "") else None
        except InvalidOperation:
            value = None
        return f"{value:f} {self.sample.get('unit') or ''}".strip() if value is not None else ""


def facts(record: Record) -> RecordFacts | None:
    try:
        doc = json.loads(record.document)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    seals = {}
    for s in doc.get("seals") or []:
        try:
            seals[str(s["seal_no"])] = (SampleKind(s["kind"]), int(s.get("package_no") or 1))
        except (KeyError, ValueError, TypeError):
            continue
    return RecordFacts(record=record, document=doc, seals=RecordSeals(
        visit_id=record.visit_id, record_no=record.record_no, agency_id=record.agency_id,
        sealing_hash=str(doc.get("sealing_hash") or ""), seals=seals))


def by_visit(*, session: Session, visit_id: str) -> RecordFacts | None:
    if not visit_id:
        return None
    rec = session.scalar(select(Record).where(Record.visit_id == visit_id))
    return facts(rec) if rec is not None else None


def by_record_no(*, session: Session, record_no: str, agency_id: str | None) -> RecordFacts | None:
    q = select(Record).where(Record.record_no == record_no)
    if agency_id is not None:
        q = q.where(Record.agency_id == agency_id)
    rec = session.scalar(q.limit(1))
    return facts(rec) if rec is not None else None
