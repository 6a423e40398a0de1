"""Pull server-owned data from the cursor; on 412 (unknown or stale cursor,
e.g. the server was restored from an older backup) pull everything again and
replace the local copy in one transaction.

The server owns tasks, cancellations and the plan; the sampler owns what was
observed and signed. A pull never touches a visit or a record: a task the
server cancelled or withdrew (改派: given to another team; `withdrawn` in the
pull, also in a full refresh) is marked so, never deleted."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.sync_models import PulledEntity
from sync.client import state
from sync.client.transport import Transport
from sync.protocol.schemas import PullResponse, TaskOut, TaskWithdrawal


@dataclass(frozen=True)
class Reassigned:
    """A task newly taken from this team (改派), to show the sampler."""
    task_id: str
    party_name: str
    reason: str


@dataclass
class PullReport:
    full: bool = False
    refreshed_after_412: bool = False
    tasks: int = 0
    cancelled: list[TaskOut] = field(default_factory=list)     # newly cancelled: show them
    withdrawn: list[str] = field(default_factory=list)         # newly withdrawn (reassigned, or gone from a full refresh)
    reassigned: list[Reassigned] = field(default_factory=list)  # newly reassigned, with the server's reason
    cursor: str = ""


class PullSink(Protocol):
    """Writes a pull into local tables (the desktop store's master data)."""
    def apply(self, session: Session, payload: PullResponse, report: PullReport) -> None: ...


class MirrorSink:
    """Keeps the wire JSON in sync_pulled (the client's own view)."""

    def apply(self, session: Session, payload: PullResponse, report: PullReport) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        seen_tasks = set()

        def put(kind: str, entity_id: str, obj) -> PulledEntity:
            row = session.get(PulledEntity, (kind, entity_id))
            if row is None:
                row = PulledEntity(kind=kind, entity_id=entity_id, withdrawn=False)
                session.add(row)
            row.data, row.withdrawn, row.updated_at = obj.model_dump_json(), False, now
            return row

        for w in payload.withdrawn:
            self._withdraw(session, w, report, now)
        for t in payload.tasks:
            old = session.get(PulledEntity, ("task", t.id))
            old_status = json.loads(old.data)["status"] if old is not None else None
            if t.status == "cancelled" and old_status not in (None, "cancelled"):
                report.cancelled.append(t)
            gone = session.get(PulledEntity, ("withdrawal", t.id))
            if gone is not None:        # moved back to this team: it is ours again
                session.delete(gone)
            put("task", t.id, t)
            seen_tasks.add(t.id)
        for kind, objs in (("plan", payload.plans), ("agency", payload.agencies), ("party", payload.parties)):
            for o in objs:
                put(kind, o.id, o)
        if payload.samplers:
            for row in session.scalars(select(PulledEntity).where(PulledEntity.kind == "sampler")):
                row.withdrawn = True
            for s in payload.samplers:
                put("sampler", s.id, s)
        for rule in payload.sampling_rules:
            row = session.get(PulledEntity, ("rule", rule["product"])) or PulledEntity(
                kind="rule", entity_id=rule["product"])
            row.data, row.withdrawn, row.updated_at = json.dumps(rule, ensure_ascii=False), False, now
            session.add(row)
        if payload.full:
            for row in session.scalars(select(PulledEntity).where(PulledEntity.kind == "task")):
                if row.entity_id not in seen_tasks and not row.withdrawn:
                    row.withdrawn = True
                    report.withdrawn.append(row.entity_id)

    @staticmethod
    def _withdraw(session: Session, w: TaskWithdrawal, report: PullReport, now: datetime) -> None:
        """Mark the task withdrawn and keep the server's word for it; a task
        this device never had is not news."""
        row = session.get(PulledEntity, ("task", w.task_id))
        if row is None:
            return
        known = session.get(PulledEntity, ("withdrawal", w.task_id))
        if known is None:
            known = PulledEntity(kind="withdrawal", entity_id=w.task_id, withdrawn=True)
            session.add(known)
        news = not row.withdrawn or known.data is None or TaskWithdrawal.model_validate_json(known.data).at != w.at
        known.data, known.updated_at = w.model_dump_json(), now
        row.withdrawn = True
        if news:
            report.withdrawn.append(w.task_id)
            party = TaskOut.model_validate_json(row.data).party.name
            report.reassigned.append(Reassigned(w.task_id, party, w.reason))


class StoreSink:
    """Writes the pull into the desktop store's master data (plan, agencies,
    samplers, parties, tasks) through app.store.master_repo, with the
    server's count of sampled batches per plan item."""

    def apply(self, session: Session, payload: PullResponse, report: PullReport) -> None:
        from app.store import master_repo
        from sync.client import convert
        now = datetime.now(timezone.utc).replace(microsecond=0)
        for p in payload.plans:
            master_repo.upsert_plan(session, convert.plan(p))
            for item in p.items:
                master_repo.set_plan_item_server_count(session, item.id, item.sampled)
        for a in payload.agencies:
            master_repo.upsert_agency(session, convert.agency(a))
        for sm in payload.samplers:
            master_repo.upsert_sampler(session, convert.sampler(sm))
        for party in payload.parties:
            master_repo.upsert_party(session, convert.party(party))
        products = {i.id: i.product for p in payload.plans for i in p.items}
        for t in payload.tasks:
            master_repo.upsert_task(session, convert.task(t), now=now,
                                    products=[products.get(i, "") for i in t.plan_item_ids])
        for w in payload.withdrawn:
            master_repo.withdraw_task(session, w.task_id, reason=w.reason, at=w.at)


DEFAULT_SINKS = (MirrorSink, StoreSink)


def local_withdrawals(session: Session) -> dict[str, TaskWithdrawal]:
    """task id -> the server's withdrawal (改派) of it, from the mirror."""
    rows = session.scalars(select(PulledEntity).where(PulledEntity.kind == "withdrawal"))
    return {r.entity_id: TaskWithdrawal.model_validate_json(r.data) for r in rows}


def local_tasks(session: Session) -> list[tuple[TaskOut, bool]]:
    """(task, withdrawn) from the mirror, for views and tests."""
    rows = session.scalars(select(PulledEntity).where(PulledEntity.kind == "task").order_by(PulledEntity.entity_id))
    return [(TaskOut.model_validate_json(r.data), r.withdrawn) for r in rows]


def apply_pull(session: Session, payload: PullResponse, sinks: list[PullSink] | None = None,
               report: PullReport | None = None) -> PullReport:
    report = report or PullReport()
    report.full, report.tasks, report.cursor = payload.full, len(payload.tasks), payload.cursor
    for sink in sinks if sinks is not None else [cls() for cls in DEFAULT_SINKS]:
        sink.apply(session, payload, report)
    state.put(session, "cursor", payload.cursor)
    return report


def pull(transport: Transport, session: Session, sinks: list[PullSink] | None = None) -> PullReport:
    """One pull; the caller commits the session (one transaction)."""
    cursor = state.get(session, "cursor")
    report = PullReport()
    status, body = transport.call("GET", "/v1/pull", params={"cursor": cursor} if cursor else None)
    if status == 412:
        report.refreshed_after_412 = True
        status, body = transport.call("GET", "/v1/pull")
    return apply_pull(session, PullResponse.model_validate(body), sinks, report)
