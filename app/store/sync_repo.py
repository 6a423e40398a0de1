"""Reads of the sync client's outbox joined with the visits it carries, for
the sync screen's per-record list. Qt-free."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import VisitRow
from app.store.sync_models import OutboxItem

# Statuses the server has not yet confirmed as complete.
UNSENT = ("pending", "accepted", "quarantined")


@dataclass(frozen=True)
class OutboxRow:
    client_id: str
    kind: str                   # record | amendment
    status: str                 # pending | accepted | sent | quarantined
    visit_id: str
    record_no: str
    party_name: str
    product: str
    reason: str                 # JSON problems when quarantined
    last_error: str
    attempts: int
    sampled_at: datetime | None     # naive UTC
    created_at: datetime | None
    server_received_at: datetime | None
    sent_at: datetime | None
    visit_status: str = ""      # the visit's outcome: finished | refused | problem_reported


_COLS = (OutboxItem.client_id, OutboxItem.kind, OutboxItem.status, OutboxItem.visit_id, VisitRow.record_no,
         VisitRow.party_name, VisitRow.product, OutboxItem.reason, OutboxItem.last_error, OutboxItem.attempts,
         OutboxItem.sampled_at, OutboxItem.created_at, OutboxItem.server_received_at, OutboxItem.sent_at,
         VisitRow.status)


def outbox_rows(session: Session, *, recent_sent: int = 100) -> list[OutboxRow]:
    """Every record not yet delivered, then the newest `recent_sent` delivered
    ones; newest first within each group (a long history stays one page)."""
    base = select(*_COLS).outerjoin(VisitRow, VisitRow.id == OutboxItem.visit_id)
    unsent = session.execute(base.where(OutboxItem.status.in_(UNSENT)).order_by(OutboxItem.position.desc()))
    sent = session.execute(base.where(OutboxItem.status.not_in(UNSENT))
                           .order_by(OutboxItem.position.desc()).limit(recent_sent))
    return [OutboxRow(*(v if v is not None else "" for v in r[:10]), *r[10:14], r[14] or "")
            for r in list(unsent) + list(sent)]


def count_deliverable(session: Session, now_naive_utc: datetime) -> int:
    """Pending or accepted items whose retry time has come (worth a sync)."""
    q = select(OutboxItem.next_try_at).where(OutboxItem.status.in_(("pending", "accepted")))
    return sum(1 for (t,) in session.execute(q) if t is None or t <= now_naive_utc)
