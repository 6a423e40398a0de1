"""Queries for the home screen: plan progress, visits awaiting sync, and a
search by party name / record number that stays fast with tens of thousands
of visits (it scans the narrow indexes, never the wide `doc` rows)."""
from __future__ import annotations

from sqlalchemy import and_, func, literal_column, or_, select, union
from sqlalchemy.orm import Session

from app.domain.visit import VisitStatus
from app.store.models import PlanItemRow, VisitRow
from app.store.sync_models import OutboxItem, OutboxStatus
from app.store.visits_repo import _SUMMARY_COLS, VisitSummary, _summary

# Visits that ended on site and so carry an e-CQS entry deadline.
ENDED = (VisitStatus.FINISHED, VisitStatus.REFUSED, VisitStatus.PROBLEM_REPORTED)


# Outbox statuses of a record the server holds completely (every photo
# verified). pending (not delivered), accepted (the server has the record but
# still lacks photos) and quarantined (refused: it needs the sampler's
# attention and is still not on the server) all keep the visit waiting.
DELIVERED = (OutboxStatus.SENT,)


def _awaiting_sync_clause():
    """Ended visits whose record the server does not yet hold completely.

    Defined by the absence of a delivered record rather than the presence of
    a pending one, so an ended visit without an outbox item (a store older
    than the outbox) still shows as waiting instead of silently dropping off.
    Amendments do not count: the entry deadline concerns the record."""
    # NOT IN, not a correlated NOT EXISTS: SQLite builds the delivered set
    # once. With no statistics its planner ran the EXISTS through the status
    # index, a scan of every delivered item per visit (9 s for 19,000
    # synced visits).
    delivered = select(OutboxItem.visit_id).where(OutboxItem.kind == "record", OutboxItem.status.in_(DELIVERED))
    return and_(VisitRow.status.in_([s.value for s in ENDED]), VisitRow.id.not_in(delivered))


def sync_statuses(session: Session, visit_ids: list[str]) -> dict[str, str]:
    """visit id -> outbox status of its record (absent: not queued)."""
    if not visit_ids:
        return {}
    # kind is checked here, not in SQL: given `kind = 'record'`, SQLite (no
    # statistics) read every record's entry of the (kind, status, visit_id)
    # index instead of seeking the page's visits (11 ms for 19,000 synced).
    q = select(OutboxItem.visit_id, OutboxItem.status, OutboxItem.kind).where(OutboxItem.visit_id.in_(visit_ids))
    return {visit_id: status for visit_id, status, kind in session.execute(q) if kind == "record"}


def plan_items(session: Session, plan_id: str) -> list[PlanItemRow]:
    return list(session.scalars(select(PlanItemRow).where(PlanItemRow.plan_id == plan_id)
                                .order_by(PlanItemRow.seq, PlanItemRow.id)))


def visit_counts_by_item(session: Session, plan_id: str) -> dict[tuple[str, str], int]:
    """(plan_item_id, status) -> number of local visits of the plan."""
    q = (select(VisitRow.plan_item_id, VisitRow.status, func.count())
         .where(VisitRow.plan_id == plan_id)
         .group_by(VisitRow.plan_item_id, VisitRow.status))
    return {(item, status): n for item, status, n in session.execute(q)}


def awaiting_sync(session: Session, *, limit: int = 100, offset: int = 0) -> list[VisitSummary]:
    """Oldest sampling first: the most urgent deadline is at the top."""
    q = (select(*_SUMMARY_COLS).where(_awaiting_sync_clause())
         .order_by(VisitRow.started_at, VisitRow.id).limit(limit).offset(offset))
    return [_summary(r) for r in session.execute(q)]


def awaiting_sync_page(session: Session, *, limit: int = 100) -> tuple[list[VisitSummary], int]:
    """The first page of awaiting_sync() and the count of all, from one pass
    over the narrow index: the delivered set is built once, not once for the
    page and again for the count (the home screen's first paint, 20,000
    visits: ~30 ms less). Only the page's rows are read from the table."""
    ids = session.execute(select(VisitRow.id).where(_awaiting_sync_clause())
                          .order_by(VisitRow.started_at, VisitRow.id)).scalars().all()
    if not ids:
        return [], 0
    first = ids[:limit]
    rows = {r[0]: r for r in session.execute(select(*_SUMMARY_COLS).where(VisitRow.id.in_(first)))}
    return [_summary(rows[i]) for i in first if i in rows], len(ids)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_visits(session: Session, text: str, *, limit: int = 100, offset: int = 0) -> list[VisitSummary]:
    """Visits whose party name or record number contains `text`, newest first.

    A substring match cannot seek in a B-tree, but it can scan one: the
    matching rowids come from the party-name and record-number indexes
    (a few dozen bytes per visit), and only the page of hits is read from
    the table, whose rows carry the whole visit document."""
    text = text.strip()
    if not text:
        return []
    like = f"%{_escape_like(text)}%"
    rowid = literal_column("visits.rowid")
    by_name = select(rowid).select_from(VisitRow).where(VisitRow.party_name.like(like, escape="\\"))
    by_no = select(rowid).select_from(VisitRow).where(VisitRow.record_no.like(like, escape="\\"))
    q = (select(*_SUMMARY_COLS).where(rowid.in_(union(by_name, by_no)))
         .order_by(VisitRow.updated_at.desc(), VisitRow.id).limit(limit).offset(offset))
    return [_summary(r) for r in session.execute(q)]


def search_visits_plain(session: Session, text: str, *, limit: int = 100) -> list[VisitSummary]:
    """The straightforward LIKE over the table; the benchmark's baseline."""
    like = f"%{_escape_like(text.strip())}%"
    q = (select(*_SUMMARY_COLS).where(or_(VisitRow.party_name.like(like, escape="\\"),
                                          VisitRow.record_no.like(like, escape="\\")))
         .order_by(VisitRow.updated_at.desc(), VisitRow.id).limit(limit))
    return [_summary(r) for r in session.execute(q)]
