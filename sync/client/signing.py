"""What is pushed for an outbox item: the signed record as the desktop store
froze it (app.store signed_records / amendments: the exact bytes that were
hashed when the record was signed), its hash recomputed from those bytes,
and this device's Ed25519 signature over that hash — not the outbox's copy,
which is only checked to agree. Old queue entries with no frozen row fall
back to their own bytes, under the same check."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Callable, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import record_signature
from app.domain.canonical import canonical_hash
from app.domain.seal_payload import Signer
from app.store.models import AmendmentRow, SignedRecordRow
from app.store.sync_models import OutboxItem
from sync.client.errors import AuthError
from sync.protocol.messages import problem
from sync.protocol.schemas import RecordPush

# The engine is given the device key, or how to load it when first needed.
SignerSource = Union[Signer, Callable[[], Union[Signer, None]], None]


class OutboxMismatch(Exception):
    """The outbox entry does not match the record as it was signed: never
    sent (the server would refuse it anyway); set aside with this reason."""

    def __init__(self, item: OutboxItem):
        self.problem = problem("sync.outbox_mismatch", visit_id=item.visit_id).model_dump()
        super().__init__(self.problem["en"])


def resolve(source: SignerSource) -> Signer:
    signer = source() if callable(source) and not hasattr(source, "sign") else source
    if signer is None:
        p = problem("auth.device_key_missing")
        raise AuthError(p.en, code=p.code, zh=p.zh, en=p.en)
    return signer


def frozen_bytes(session: Session, item: OutboxItem) -> bytes | None:
    if item.kind == "record":
        row = session.get(SignedRecordRow, item.visit_id)
        return row.canonical if row is not None else None
    row = session.scalar(select(AmendmentRow).where(AmendmentRow.hash == item.record_hash))
    return row.canonical if row is not None else None


def signed_push(session: Session, item: OutboxItem, signer: Signer, *, device_time: datetime) -> RecordPush:
    canonical = frozen_bytes(session, item)
    if canonical is None:
        canonical = item.canonical
    elif bytes(canonical) != bytes(item.canonical):
        raise OutboxMismatch(item)
    document = json.loads(canonical)
    record_hash = canonical_hash(document)
    if record_hash != item.record_hash:
        raise OutboxMismatch(item)
    return RecordPush(client_id=item.client_id, kind=item.kind, visit_id=item.visit_id, task_id=item.task_id,
                      record_hash=record_hash, document=document, device_time=device_time,
                      signature=record_signature.sign(signer, item.kind, record_hash))
