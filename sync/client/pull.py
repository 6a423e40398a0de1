"""Pull server-owned data from the cursor; on 412 (unknown or stale cursor,
e.g. the server was restored from an older backup) pull everything again and
replace the local copy in one transaction.

What a pull brings (plan, agencies, samplers, parties, tasks, sampling
rules, withdrawals) is written once, into the desktop store's tables that
the app reads (app.store.master_repo): there is no second copy.

The server owns tasks, cancellations and the plan; the sampler owns what was
observed and signed. A pull never touches a visit or a record. A task the
server cancelled or withdrew (改派: given to another team) is marked so. A
task a full refresh no longer lists leaves the store when nothing was done
on it here; with a visit on it (under way or finished) it stays, flagged,
so that visit can be finished and sent."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.store import master_repo
from app.store.db import Database
from app.domain.entities import TaskStatus
from app.domain.times import utc_now
from sync.client import convert, state
from sync.client.transport import Transport
from sync.protocol.schemas import PullResponse, TaskOut

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reassigned:
    """A task newly taken from this team, to show the sampler: 改派 (with
    the server's reason), or dropped by a full refresh (reason empty)."""
    task_id: str
    party_name: str
    reason: str
    kept: bool = True           # dropped: False when it left the store (no visit on it)


@dataclass
class PullReport:
    full: bool = False
    refreshed_after_412: bool = False
    tasks: int = 0
    cancelled: list[TaskOut] = field(default_factory=list)     # newly cancelled: show them
    withdrawn: list[str] = field(default_factory=list)         # newly withdrawn: reassigned or dropped
    reassigned: list[Reassigned] = field(default_factory=list)  # newly reassigned, with the server's reason
    dropped: list[Reassigned] = field(default_factory=list)    # newly gone from a full refresh
    cursor: str = ""


def apply_pull(session: Session, payload: PullResponse, report: PullReport | None = None) -> PullReport:
    """Write one pull into the store (the caller's transaction)."""
    report = report or PullReport()
    report.full, report.tasks, report.cursor = payload.full, len(payload.tasks), payload.cursor
    now = utc_now().replace(microsecond=0)
    for p in payload.plans:
        master_repo.upsert_plan(session, convert.plan(p))
        for item in p.items:
            master_repo.set_plan_item_server_count(session, item.id, item.sampled)
    for a in payload.agencies:
        master_repo.upsert_agency(session, convert.agency(a))
    if payload.samplers:            # when sent, the whole team: an absent sampler left it
        master_repo.replace_samplers(session, [convert.sampler(s) for s in payload.samplers])
    for party in payload.parties:
        master_repo.upsert_party(session, convert.party(party))
    _apply_rules(session, payload.sampling_rules, now)
    sent = {t.id for t in payload.tasks}
    for w in payload.withdrawn:
        if w.task_id not in sent and master_repo.withdraw_task(session, w.task_id, reason=w.reason, at=w.at):
            report.withdrawn.append(w.task_id)
            report.reassigned.append(Reassigned(w.task_id, _party_name(session, w.task_id), w.reason))
    products = {i.id: i.product for p in payload.plans for i in p.items}
    for t in payload.tasks:
        before = master_repo.task_state(session, t.id)
        master_repo.upsert_task(session, convert.task(t), now=now,
                                products=[products.get(i) or _product(session, i) for i in t.plan_item_ids])
        if t.status == TaskStatus.CANCELLED.value and before not in (None, "cancelled", "withdrawn"):
            report.cancelled.append(t)
    if payload.full:
        _drop_missing(session, sent | {w.task_id for w in payload.withdrawn}, now, report)
    state.put(session, "cursor", payload.cursor)
    return report


def _apply_rules(session: Session, rules: list[dict], now: datetime) -> None:
    """The server's rule for a product replaces the packaged one (see
    Workspace.rule_for). One that is not a rule is skipped: the pull goes on."""
    for raw in rules:
        try:
            rule = convert.rule(raw)
        except (TypeError, ValueError, KeyError) as e:
            log.warning("sampling rule from the server skipped (%s): %.200r", e, raw)
            continue
        master_repo.put_sampling_rule(session, rule.product, raw, at=now)


def _drop_missing(session: Session, listed: set[str], now: datetime, report: PullReport) -> None:
    for task_id in master_repo.task_ids(session) - listed:
        party, was_withdrawn = _party_name(session, task_id), master_repo.withdrawal_reason(session, task_id) is not None
        kept = master_repo.drop_task(session, task_id, at=now)
        if not was_withdrawn:       # already told when it was withdrawn
            report.withdrawn.append(task_id)
            report.dropped.append(Reassigned(task_id, party, "", kept))


def _party_name(session: Session, task_id: str) -> str:
    task = master_repo.load_task(session, task_id)
    return task.party.name if task else ""


def _product(session: Session, item_id: str) -> str:
    item = master_repo.plan_item(session, item_id)
    return item.product if item else ""


def pull(transport: Transport, db: Database) -> PullReport:
    """One pull. The network is asked outside any transaction; the answer
    is written in one (a stale cursor's full refresh replaces the copy whole)."""
    with db.read() as s:
        cursor = state.get(s, "cursor")
    report = PullReport()
    status, body = transport.call("GET", "/v1/pull", params={"cursor": cursor} if cursor else None)
    if status == 412:
        report.refreshed_after_412 = True
        status, body = transport.call("GET", "/v1/pull")
    payload = PullResponse.model_validate(body)
    with db.session() as s:
        return apply_pull(s, payload, report)
