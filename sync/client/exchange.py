"""Deliver the outbox with the exchange of fs-sync/2 (POST /v1/sync): the
pull, a batch of records, the question "which of these photos do you still
need?" for the whole outbox and the state of records delivered earlier go
in one request; then only the photos the server needs are uploaded (those
it has cost nothing), and one more exchange confirms the records complete
(carrying the next batch, if any). An end-of-day sync is two exchanges
plus the uploads that carry bytes.

Each record keeps its own result, as with POST /v1/records: accepted,
quarantined with its reason (the others go on), or deferred (a failure of
the server on that record alone). Every step is persisted as it happens;
a cut exchange is sent again as it was, and the server answers the records
it had already stored "duplicate"."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.store.sync_models import OutboxItem
from sync.client import outbox, photos, state
from sync.client import pull as pulling
from sync.client.errors import AuthError, ServerRefused, TransientError
from sync.client.transport import Transport
from sync.protocol.exchange import BATCH_BYTES, MAX_NEED, MAX_RECORDS, MAX_STATUS, PROTOCOL_2, RECORD_LIMIT
from sync.protocol.messages import problem
from sync.protocol.schemas import PullResponse, RecordPush

if TYPE_CHECKING:
    from sync.client.engine import ItemOutcome, SyncEngine, SyncProgress, SyncReport


class NoExchange(Exception):
    """The server does not speak fs-sync/2 (it lacks the exchange): sync the
    fs-sync/1 way."""


@dataclass
class _Run:
    """What this run still has to do."""
    queue: list[str] = field(default_factory=list)        # pending client ids, in outbox order
    confirm: list[str] = field(default_factory=list)      # accepted, completeness to ask
    need: list[str] = field(default_factory=list)         # hashes still to ask about
    upload: list[str] = field(default_factory=list)       # hashes the server said it needs
    uploaded: set[str] = field(default_factory=set)       # verified on the server in this run
    outcomes: dict[str, "ItemOutcome"] = field(default_factory=dict)


def sync(engine: "SyncEngine", t: Transport, report: "SyncReport", prog: "SyncProgress", emit, *,
         pull: bool, push: bool) -> None:
    """One run over the exchange; raises NoExchange at the first request if
    the server lacks it (nothing has been sent: sync the fs-sync/1 way)."""
    from sync.client.engine import ItemOutcome
    run = _Run()
    with engine.sessions() as s:
        cursor = state.get(s, "cursor") if pull else None
        items = outbox.deliverable(s, engine.clock()) if push else []
        for i in items:
            run.outcomes[i.client_id] = ItemOutcome(i.client_id, i.visit_id, i.kind, i.status)
            (run.queue if i.status == "pending" else run.confirm).append(i.client_id)
        hashes = sorted({h for i in items for h in outbox.photos_of(i)})
    run.need = hashes
    prog.phase, prog.records_total = "records", len(items)
    emit()
    first = True
    try:
        while first or run.queue or run.confirm or run.need:
            t.cancel.check()
            batch = _next_batch(engine, run)
            asked = run.confirm[:MAX_STATUS]
            body = {"protocol": PROTOCOL_2, "records": [p for _, p in batch], "need": run.need[:MAX_NEED],
                    "status": asked}
            if first and pull:
                body.update(pull=True, cursor=cursor)
            try:
                reply = _call(t, body, first)
            except TransientError as e:              # the link is down: the batch waits (backoff)
                for cid, _push in batch:
                    engine._defer(cid, run.outcomes[cid], e)
                raise
            run.need, run.confirm = run.need[MAX_NEED:], run.confirm[MAX_STATUS:]
            if first and pull:
                _apply_pull(engine, reply, report, run)
            first = False
            _results(engine, run, batch, reply.get("results", []))
            _states(engine, run, asked, reply.get("status", []))
            prog.records_done = sum(o.status in ("sent", "quarantined") for o in run.outcomes.values())
            emit()
            run.upload += [h for h in reply.get("need", []) if isinstance(h, str) and h not in run.upload]
            _uploads(engine, t, run, report, prog, emit)
    finally:
        report.items.extend(o for o in run.outcomes.values() if o.status in ("sent", "quarantined", "deferred",
                                                                              "waiting"))


def _call(t: Transport, body: dict, first: bool) -> dict:
    try:
        _, reply = t.call("POST", "/v1/sync", json=body)
    except ServerRefused as e:
        # An fs-sync/1 server: no such route (404), or it does not speak ours.
        if first and (e.status in (404, 405) or e.code == "sync.protocol"):
            raise NoExchange(e.code) from e
        raise TransientError(f"exchange refused: HTTP {e.status} {e.code}", code=e.code) from e
    if reply.get("ok") is not True:
        err = reply.get("error") or {}
        if first and err.get("code") == "sync.protocol":
            raise NoExchange(err.get("code"))
        raise TransientError(f"exchange refused: {err.get('code', '')}", code=err.get("code", ""))
    return reply


def _next_batch(engine: "SyncEngine", run: _Run) -> list[tuple[str, dict]]:
    """Records in outbox order, up to MAX_RECORDS and BATCH_BYTES; an
    amendment only after its record (on the server, or earlier in the
    batch: the server stores a batch in order)."""
    batch: list[tuple[str, dict]] = []
    size = 0
    with engine.sessions() as s:
        in_batch: set[str] = set()
        while run.queue and len(batch) < MAX_RECORDS:
            cid = run.queue[0]
            item = s.get(OutboxItem, cid)
            if item.kind == "amendment" and not _base_ready(s, item, in_batch):
                run.queue.pop(0)
                run.outcomes[cid].status = "waiting"
                continue
            if len(item.canonical) > RECORD_LIMIT:       # the server would refuse it: 413
                run.queue.pop(0)
                engine._quarantine(cid, run.outcomes[cid], [problem("request.too_large",
                                                                    limit=RECORD_LIMIT).model_dump()])
                continue
            if batch and size + len(item.canonical) > BATCH_BYTES:
                break
            run.queue.pop(0)
            push = RecordPush(client_id=cid, kind=item.kind, visit_id=item.visit_id, task_id=item.task_id,
                              record_hash=item.record_hash, document=json.loads(item.canonical),
                              device_time=engine.clock())
            batch.append((cid, push.model_dump(mode="json")))
            size += len(item.canonical)
            if item.kind == "record":
                in_batch.add(item.visit_id)
    return batch


def _base_ready(s, item: OutboxItem, in_batch: set[str]) -> bool:
    base = s.query(OutboxItem).filter(OutboxItem.visit_id == item.visit_id, OutboxItem.kind == "record").first()
    return base is None or base.status in ("accepted", "sent") or item.visit_id in in_batch


def _apply_pull(engine: "SyncEngine", reply: dict, report: "SyncReport", run: _Run) -> None:
    if reply.get("pull") is None:
        return
    rep = pulling.PullReport(refreshed_after_412=bool(reply.get("cursor_stale")))
    with engine.sessions() as s:
        report.pull = pulling.apply_pull(s, PullResponse.model_validate(reply["pull"]), engine.pull_sinks, rep)
        if rep.refreshed_after_412:
            # The server was restored from an older backup: ask about every
            # record it had confirmed; those it lacks are sent again.
            known = set(run.confirm) | set(run.queue)
            run.confirm += [i.client_id for i in s.query(OutboxItem).filter(
                OutboxItem.status.in_(("accepted", "sent"))).order_by(OutboxItem.position)
                if i.client_id not in known]


def _results(engine: "SyncEngine", run: _Run, batch: list[tuple[str, dict]], results: list[dict]) -> None:
    by_index = {r.get("index"): r for r in results}
    for i, (cid, _push) in enumerate(batch):
        snap = run.outcomes[cid]
        r = by_index.get(i)
        if r is None or r.get("client_id") != cid:        # not our answer: try again later
            engine._defer(cid, snap, TransientError("no result for this record", code="net.body"))
            continue
        code = r.get("code")
        if code in (200, 201):
            engine._update(cid, status="accepted", received=r.get("received_at"))
            snap.status = "accepted"
            _complete_or_wait(engine, run, cid, r)
        elif code == 401:
            raise AuthError("auth", code="auth")
        elif code is not None and code >= 500:
            engine._defer(cid, snap, TransientError(f"server failed on this record (HTTP {code})",
                                                    code="net.status"))
        elif snap.kind == "amendment" and _base_missing(engine, cid, r):
            snap.status = "waiting"                       # its record was refused in this batch
        else:
            engine._quarantine(cid, snap, r.get("problems") or [problem("sync.conflict").model_dump()])


def _base_missing(engine: "SyncEngine", cid: str, result: dict) -> bool:
    codes = {p.get("code") for p in result.get("problems") or []}
    if codes != {"sync.base_missing"}:
        return False
    with engine.sessions() as s:
        return not _base_ready(s, s.get(OutboxItem, cid), set())


def _states(engine: "SyncEngine", run: _Run, asked: list[str], states: list[dict]) -> None:
    by_id = {st.get("client_id"): st for st in states}
    for cid in asked:
        st = by_id.get(cid)
        snap = run.outcomes.get(cid)
        if st is None:
            continue
        if not st.get("found"):                           # the server lost it: send it again
            engine._update(cid, status="pending")
            if snap is None:                              # a sent record re-checked after a restore
                from sync.client.engine import ItemOutcome
                with engine.sessions() as s:
                    item = s.get(OutboxItem, cid)
                    snap = run.outcomes[cid] = ItemOutcome(cid, item.visit_id, item.kind, "pending")
            snap.status = "pending"
            run.queue.append(cid)
            continue
        if snap is None:                                  # a sent record re-checked after a restore
            continue
        _complete_or_wait(engine, run, cid, st)


def _complete_or_wait(engine: "SyncEngine", run: _Run, cid: str, answer: dict) -> None:
    """Sent when the server says complete; else upload what it lacks and
    ask again, once: a photo uploaded in this run and still missing is a
    fault to retry later, not a loop."""
    snap = run.outcomes[cid]
    if answer.get("complete"):
        engine._update(cid, status="sent", sent=True)
        snap.status = "sent"
        return
    missing = [h for h in answer.get("missing_photos") or [] if isinstance(h, str)]
    if not missing or set(missing) <= run.uploaded:
        engine._defer(cid, snap, TransientError("record still incomplete", code="sync.incomplete"))
        return
    snap.status = "accepted"
    run.upload += [h for h in missing if h not in run.upload and h not in run.uploaded]
    if cid not in run.confirm:
        run.confirm.append(cid)


def _uploads(engine: "SyncEngine", t: Transport, run: _Run, report: "SyncReport", prog: "SyncProgress",
             emit) -> None:
    """Upload what the server needs, in outbox order; a photo damaged on
    this laptop sets aside the records that cite it, a link that fails
    defers them."""
    live = _cited(engine, run)                       # not the photos of a record just set aside
    run.upload = [h for h in run.upload if h in live]
    prog.photos_total += len(run.upload)
    prog.bytes_total += sum(engine._size(h) for h in run.upload)
    emit()
    while run.upload:
        sha = run.upload.pop(0)
        try:
            engine._upload(t, sha, report, prog, emit)
            run.uploaded.add(sha)
        except photos.PhotoDamaged as e:
            for cid in _citing(engine, run, sha):
                engine._quarantine(cid, run.outcomes[cid], [{"code": e.code, "zh": e.zh, "en": e.en,
                                                              "field": "", "params": {}}])
                run.confirm = [c for c in run.confirm if c != cid]
        except TransientError as e:
            for cid in _citing(engine, run, sha):
                engine._defer(cid, run.outcomes[cid], e)
                run.confirm = [c for c in run.confirm if c != cid]
            raise


def _cited(engine: "SyncEngine", run: _Run) -> set[str]:
    """Photos of the records still on their way (pending or accepted)."""
    with engine.sessions() as s:
        return {h for cid, snap in run.outcomes.items() if snap.status in ("accepted", "pending")
                for h in outbox.photos_of(s.get(OutboxItem, cid))}


def _citing(engine: "SyncEngine", run: _Run, sha: str) -> list[str]:
    with engine.sessions() as s:
        return [cid for cid, snap in run.outcomes.items()
                if snap.status in ("accepted", "pending") and sha in outbox.photos_of(s.get(OutboxItem, cid))]
