"""The outbox, in one module: what the services enqueue when a record is
frozen or amended, which items are due for delivery, every move of an item's
status (OutboxStatus) as the sync engine delivers it, the record's e-CQS
entry deadline, and the rows the sync screen lists.

pending -> accepted (the server has the record, photos outstanding) -> sent
(complete); or quarantined, set aside with the server's reason without
blocking the others, until the sampler releases it. Times in the table are
naive UTC (app.domain.times)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.domain.canonical import canonical_bytes
from app.domain.deadline import DeadlineState, deadline_state, entry_deadline
from app.domain.i18n import is_english, tr
from app.domain.record import amendment_document, record_bytes, record_document
from app.domain.times import as_utc, utc_naive, utc_now
from app.domain.visit import Amendment, Visit
from app.store.models import VisitRow
from app.store.sync_models import AT_SERVER, UNSENT, OutboxItem, OutboxStatus
from sync.client.errors import ServerFault
from sync.protocol.messages import problem


# Deliveries ending in a server fault (5xx) before the item is set aside.
# With the engine's backoff (30 s, 1, 2, 4 min…) that is about a quarter of
# an hour of a server failing on this one record while others get through.
SERVER_FAULT_LIMIT = 5


# --- enqueue (the services, in the transaction that freezes or amends) ------

def _next_position(session: Session) -> int:
    return (session.scalar(select(func.max(OutboxItem.position))) or 0) + 1


def _enqueue(session: Session, visit: Visit, *, kind: str, record_hash: str, canonical: bytes,
             photos: list[str], now: datetime | None) -> OutboxItem:
    now = now or utc_now()
    item = OutboxItem(client_id=uuid.uuid4().hex, position=_next_position(session), kind=kind,
                      visit_id=visit.id, task_id=visit.task_id, record_hash=record_hash, canonical=canonical,
                      photo_hashes=json.dumps(photos), status=OutboxStatus.PENDING, reason="", attempts=0,
                      last_error="", sampled_at=utc_naive(visit.finished_at or now), created_at=utc_naive(now))
    session.add(item)
    session.flush()
    return item


def enqueue_record(session: Session, visit: Visit, *, now: datetime | None = None) -> OutboxItem:
    """Called by the finish service in the same transaction that freezes the
    record. Idempotent: a visit is enqueued once."""
    existing = session.scalar(select(OutboxItem).where(OutboxItem.visit_id == visit.id,
                                                       OutboxItem.kind == "record"))
    if existing is not None:
        return existing
    return _enqueue(session, visit, kind="record", record_hash=visit.record_hash, canonical=record_bytes(visit),
                    photos=record_document(visit)["photo_hashes"], now=now)


def enqueue_amendment(session: Session, visit: Visit, amendment: Amendment, *,
                      now: datetime | None = None) -> OutboxItem:
    existing = session.scalar(select(OutboxItem).where(OutboxItem.record_hash == amendment.hash,
                                                       OutboxItem.kind == "amendment"))
    if existing is not None:
        return existing
    photos = [amendment.party_signature_sha256] if amendment.party_signature_sha256 else []
    return _enqueue(session, visit, kind="amendment", record_hash=amendment.hash,
                    canonical=canonical_bytes(amendment_document(amendment)), photos=photos, now=now)


# --- due for delivery --------------------------------------------------------

def _due(now: datetime) -> ColumnElement[bool]:
    """Pending or accepted, and its retry time has come."""
    return (OutboxItem.status.in_((OutboxStatus.PENDING, OutboxStatus.ACCEPTED))
            & or_(OutboxItem.next_try_at.is_(None), OutboxItem.next_try_at <= utc_naive(now)))


def deliverable(session: Session, now: datetime) -> list[OutboxItem]:
    """The items to deliver now, in order."""
    return list(session.scalars(select(OutboxItem).where(_due(now)).order_by(OutboxItem.position)))


def count_deliverable(session: Session, now: datetime) -> int:
    """How many items are due (worth a sync)."""
    return session.scalar(select(func.count()).select_from(OutboxItem).where(_due(now))) or 0


def base_on_server(session: Session, item: OutboxItem) -> bool:
    """An amendment goes only after its record (the server needs the base)."""
    base = session.scalar(select(OutboxItem).where(OutboxItem.visit_id == item.visit_id,
                                                   OutboxItem.kind == "record").limit(1))
    return base is None or base.status in AT_SERVER


def photos_of(item: OutboxItem) -> list[str]:
    return json.loads(item.photo_hashes or "[]")


def problems_of(item: OutboxItem) -> list[dict]:
    return json.loads(item.reason) if item.reason else []


# --- status moves (the engine, one short transaction each) -------------------

def mark(session: Session, client_id: str, status: OutboxStatus, *, received_at: str | None = None,
         now: datetime | None = None) -> None:
    """pending (the server lost it), accepted (with the server's receipt
    time) or sent (at `now`): the retry schedule is cleared."""
    item = session.get(OutboxItem, client_id)
    item.status, item.next_try_at, item.last_error = status, None, ""
    if received_at:
        item.server_received_at = utc_naive(datetime.fromisoformat(received_at.replace("Z", "+00:00")))
    if status == OutboxStatus.SENT:
        item.sent_at = utc_naive(now or utc_now())


def quarantine(session: Session, client_id: str, problems: list[dict]) -> None:
    item = session.get(OutboxItem, client_id)
    item.status, item.reason = OutboxStatus.QUARANTINED, json.dumps(problems, ensure_ascii=False)


def defer(session: Session, client_id: str, error: str, *, now: datetime,
          delay: Callable[[int], timedelta], server_fault: bool) -> int:
    """Try again after delay(attempts so far); returns the item's server faults so far."""
    item = session.get(OutboxItem, client_id)
    item.attempts += 1
    item.last_error = error[:500]
    item.next_try_at = utc_naive(now + delay(item.attempts))
    item.server_errors += int(server_fault)
    return item.server_errors


def release(session: Session, client_id: str) -> None:
    """After the cause is fixed (e.g. the province reopened the task): try again."""
    item = session.get(OutboxItem, client_id)
    if item is not None and item.status == OutboxStatus.QUARANTINED:
        item.status, item.reason, item.attempts, item.next_try_at = OutboxStatus.PENDING, "", 0, None
        item.server_errors = 0


def server_failed(e: ServerFault, attempts: int) -> dict:
    """The reason shown for an item set aside after server faults: the
    server's own message in each language when it sent one."""
    zh = problem("sync.server_failed", status=e.status, attempts=attempts, message=e.server_zh)
    en = problem("sync.server_failed", status=e.status, attempts=attempts, message=e.server_en)
    return {**zh.model_dump(), "en": en.en}


# --- the e-CQS deadline of each queued record --------------------------------

def deadline_of(item, now: datetime) -> tuple[datetime, DeadlineState]:
    """The entry deadline of a queued record (an OutboxItem or a row with
    its sampled_at, created_at, status and server_received_at): met or
    missed once the server has it, else due, near or overdue at `now`."""
    sampled = as_utc(item.sampled_at or item.created_at)
    received = as_utc(item.server_received_at) if item.status in AT_SERVER else None
    return entry_deadline(sampled), deadline_state(sampled, now, received_at=received)


@dataclass
class RecordDeadline:
    client_id: str
    visit_id: str
    kind: str
    status: OutboxStatus
    deadline: datetime
    state: DeadlineState


def deadlines(session: Session, now: datetime | None = None, *,
              client_ids: list[str] | None = None) -> list[RecordDeadline]:
    """Per record: is the next-day entry deadline met (the sync report):
    the items `client_ids` (this run's) and every item not yet delivered;
    None: every item. Only the columns the deadline needs are read: a
    laptop keeps years of delivered records with their signed bytes."""
    now = now or utc_now()
    q = select(OutboxItem.client_id, OutboxItem.visit_id, OutboxItem.kind, OutboxItem.status,
               OutboxItem.sampled_at, OutboxItem.created_at, OutboxItem.server_received_at)
    if client_ids is not None:
        q = q.where(or_(OutboxItem.status.in_(UNSENT), OutboxItem.client_id.in_(client_ids)))
    return [RecordDeadline(i.client_id, i.visit_id, i.kind, OutboxStatus(i.status), *deadline_of(i, now))
            for i in session.execute(q.order_by(OutboxItem.position))]


# --- the sync screen's list ----------------------------------------------------

@dataclass(frozen=True)
class OutboxRow:
    """One row of the sync screen's list."""
    client_id: str
    kind: str                   # record | amendment
    status: OutboxStatus
    record_no: str
    party_name: str
    product: str
    deadline: datetime          # aware
    deadline_state: DeadlineState
    problems: list[dict] = field(default_factory=list)
    last_error: str = ""
    outcome: str = ""           # how the visit ended: finished | refused | problem_reported | ...

    def reason(self, lang: str) -> str:
        key = "en" if is_english(lang) else "zh"
        return tr("；", lang).join(p.get(key) or p.get("zh") or p.get("code", "") for p in self.problems)


def rows(session: Session, now: datetime | None = None, *, recent_sent: int = 100) -> list[OutboxRow]:
    """Every record not yet delivered, then the newest `recent_sent`
    delivered ones; newest first within each group (a long history stays one
    page); each with its entry deadline."""
    now = now or utc_now()
    base = select(OutboxItem, VisitRow.record_no, VisitRow.party_name, VisitRow.product, VisitRow.status) \
        .outerjoin(VisitRow, VisitRow.id == OutboxItem.visit_id)
    unsent = session.execute(base.where(OutboxItem.status.in_(UNSENT)).order_by(OutboxItem.position.desc()))
    sent = session.execute(base.where(OutboxItem.status.not_in(UNSENT))
                           .order_by(OutboxItem.position.desc()).limit(recent_sent))
    return [OutboxRow(i.client_id, i.kind, OutboxStatus(i.status), record_no or "", party or "", product or "",
                      *deadline_of(i, now), problems_of(i), i.last_error or "", outcome or "")
            for i, record_no, party, product, outcome in list(unsent) + list(sent)]


def summary(session: Session) -> dict[str, int]:
    rows_ = session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {status: n for status, n in rows_}
