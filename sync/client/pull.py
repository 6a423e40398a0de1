"""Pull server-owned data from the cursor; on 412 (unknown or stale cursor,
e.g. the server was restored from an older backup) pull everything again and
replace the local copy in one transaction.

The server owns tasks, cancellations and the plan; the sampler owns what was
observed and signed. A pull never touches a visit or a record: a task the
server cancelled or withdrew is marked so, never deleted."""
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
from sync.protocol.schemas import PullResponse, TaskOut


@dataclass
class PullReport:
    full: bool = False
    refreshed_after_412: bool = False
    tasks: int = 0
    cancelled: list[TaskOut] = field(default_factory=list)     # newly cancelled: show them
    withdrawn: list[str] = field(default_factory=list)         # gone from a full refresh
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

        for t in payload.tasks:
            old = session.get(PulledEntity, ("task", t.id))
            old_status = json.loads(old.data)["status"] if old is not None else None
            if t.status == "cancelled" and old_status not in (None, "cancelled"):
                report.cancelled.append(t)
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


DEFAULT_SINKS = (MirrorSink, StoreSink)


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
