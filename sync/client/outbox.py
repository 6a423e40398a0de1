"""The outbox in the local store: what the services enqueue when a record is
frozen or amended, and what the sync engine delivers, in order."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.record import amendment_document, record_bytes, record_document
from app.domain.canonical import canonical_bytes
from app.domain.visit import Amendment, Visit
from app.store.sync_models import OutboxItem
from sync.client.deadline import deadline_state, entry_deadline
from sync.client.errors import ServerFault
from sync.protocol.messages import problem

# Deliveries ending in a server fault (5xx) before the item is set aside.
# With the engine's backoff (30 s, 1, 2, 4 min…) that is about a quarter of
# an hour of a server failing on this one record while others get through.
SERVER_FAULT_LIMIT = 5


def utc_naive(dt: datetime | None) -> datetime | None:
    """Local SQLite columns hold naive UTC."""
    return None if dt is None else dt.astimezone(timezone.utc).replace(tzinfo=None)


def aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else dt.replace(tzinfo=timezone.utc)


def _next_position(session: Session) -> int:
    return (session.scalar(select(func.max(OutboxItem.position))) or 0) + 1


def enqueue_record(session: Session, visit: Visit, *, now: datetime | None = None) -> OutboxItem:
    """Called by the finish service in the same transaction that freezes the
    record. Idempotent: a visit is enqueued once."""
    existing = session.scalar(select(OutboxItem).where(OutboxItem.visit_id == visit.id,
                                                       OutboxItem.kind == "record"))
    if existing is not None:
        return existing
    now = now or datetime.now(timezone.utc)
    doc = record_document(visit)
    item = OutboxItem(client_id=uuid.uuid4().hex, position=_next_position(session), kind="record",
                      visit_id=visit.id, task_id=visit.task_id, record_hash=visit.record_hash,
                      canonical=record_bytes(visit), photo_hashes=json.dumps(doc["photo_hashes"]),
                      status="pending", reason="", attempts=0, last_error="",
                      sampled_at=utc_naive(visit.finished_at or now), created_at=utc_naive(now))
    session.add(item)
    session.flush()
    return item


def enqueue_amendment(session: Session, visit: Visit, amendment: Amendment, *,
                      now: datetime | None = None) -> OutboxItem:
    existing = session.scalar(select(OutboxItem).where(OutboxItem.record_hash == amendment.hash,
                                                       OutboxItem.kind == "amendment"))
    if existing is not None:
        return existing
    now = now or datetime.now(timezone.utc)
    photos = [amendment.party_signature_sha256] if amendment.party_signature_sha256 else []
    item = OutboxItem(client_id=uuid.uuid4().hex, position=_next_position(session), kind="amendment",
                      visit_id=visit.id, task_id=visit.task_id, record_hash=amendment.hash,
                      canonical=canonical_bytes(amendment_document(amendment)), photo_hashes=json.dumps(photos),
                      status="pending", reason="", attempts=0, last_error="",
                      sampled_at=utc_naive(visit.finished_at or now), created_at=utc_naive(now))
    session.add(item)
    session.flush()
    return item


def deliverable(session: Session, now: datetime) -> list[OutboxItem]:
    """Pending or accepted items whose retry time has come, in order."""
    q = (select(OutboxItem).where(OutboxItem.status.in_(("pending", "accepted")))
         .order_by(OutboxItem.position))
    n = utc_naive(now)
    return [i for i in session.scalars(q) if i.next_try_at is None or i.next_try_at <= n]


def photos_of(item: OutboxItem) -> list[str]:
    return json.loads(item.photo_hashes or "[]")


def server_failed(e: ServerFault, attempts: int) -> dict:
    """The reason shown for an item set aside after server faults: the
    server's own message in each language when it sent one."""
    zh = problem("sync.server_failed", status=e.status, attempts=attempts, message=e.server_zh)
    en = problem("sync.server_failed", status=e.status, attempts=attempts, message=e.server_en)
    return {**zh.model_dump(), "en": en.en}


def problems_of(item: OutboxItem) -> list[dict]:
    return json.loads(item.reason) if item.reason else []


@dataclass
class RecordDeadline:
    client_id: str
    visit_id: str
    kind: str
    status: str                 # outbox status
    deadline: datetime
    state: str                  # met | missed | due | near | overdue


def deadlines(session: Session, now: datetime | None = None) -> list[RecordDeadline]:
    """Per record: is the next-day entry deadline met (the GUI shows it)."""
    now = now or datetime.now(timezone.utc)
    out = []
    for i in session.scalars(select(OutboxItem).order_by(OutboxItem.position)):
        sampled = aware(i.sampled_at) or aware(i.created_at)
        received = aware(i.server_received_at) if i.status in ("accepted", "sent") else None
        out.append(RecordDeadline(i.client_id, i.visit_id, i.kind, i.status, entry_deadline(sampled),
                                  deadline_state(sampled, received, now)))
    return out


def summary(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {status: n for status, n in rows}
