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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.seal_payload import Signer
from app.store.sync_models import AT_SERVER, OutboxItem, OutboxStatus
from sync.client import outbox, photos, signing, state
from sync.client import pull as pulling
from sync.client.errors import AuthError, ServerFault, ServerRefused, TransientError
from sync.client.transport import Transport
from sync.protocol.exchange import BATCH_BYTES, MAX_NEED, MAX_RECORDS, MAX_STATUS, PROTOCOL_2, RECORD_LIMIT
from sync.protocol.messages import problem
from sync.protocol.schemas import PullResponse

if TYPE_CHECKING:
    from sync.client.engine import ItemOutcome, SyncEngine, SyncProgress, SyncReport


class NoExchange(Exception):
    """The server does not speak fs-sync/2 (it lacks the exchange): sync the
    fs-sync/1 way."""


@dataclass
class _Run:
    """What this run still has to do."""
    live: dict[str, OutboxStatus] = field(default_factory=dict)   # items on their way: pending or accepted
    queue: list[str] = field(default_factory=list)        # pending client ids, in outbox order
    confirm: list[str] = field(default_factory=list)      # accepted, completeness to ask
    need: list[str] = field(default_factory=list)         # hashes still to ask about
    upload: list[str] = field(default_factory=list)       # hashes the server said it needs
    uploaded: set[str] = field(default_factory=set)       # verified on the server in this run
    outcomes: dict[str, "ItemOutcome"] = field(default_factory=dict)
    signer: Signer | None = None                          # the device key, loaded when a record is first signed

    def settle(self, cid: str) -> None:
        """This item's outcome for the run is decided."""
        self.live.pop(cid, None)


def sync(engine: "SyncEngine", t: Transport, report: "SyncReport", prog: "SyncProgress", emit, *,
         pull: bool, push: bool) -> None:
    """One run over the exchange; raises NoExchange at the first request if
    the server lacks it (nothing has been sent: sync the fs-sync/1 way)."""
    from sync.client.engine import ItemOutcome, Outcome
    run = _Run()
    if t.protocol != PROTOCOL_2:                 # the server answered our header with fs-sync/1 only
        raise NoExchange(t.protocol)
    with engine.db.read() as s:
        cursor = state.get(s, "cursor") if pull else None
        items = outbox.deliverable(s, engine.clock()) if push else []
        for i in items:
            run.outcomes[i.client_id] = ItemOutcome(i.client_id, i.visit_id, i.kind, Outcome.WAITING)
            run.live[i.client_id] = OutboxStatus(i.status)
            (run.queue if i.status == OutboxStatus.PENDING else run.confirm).append(i.client_id)
        hashes = sorted({h for i in items for h in outbox.photos_of(i)})
    run.need = hashes
    prog.phase, prog.records_total = "records", len(items)
    emit()
    first, stepped_down = True, False
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
                    _defer(engine, t, run, cid, e)
                raise
            run.need, run.confirm = run.need[MAX_NEED:], run.confirm[MAX_STATUS:]
            if first and pull:
                _apply_pull(engine, reply, report, run)
            first = False
            _results(engine, t, run, batch, reply.get("results", []))
            _states(engine, t, run, asked, reply.get("status", []))
            prog.records_done = sum(cid not in run.live and o.status in (Outcome.SENT, Outcome.QUARANTINED)
                                    for cid, o in run.outcomes.items())
            emit()
            run.upload += [h for h in reply.get("need", []) if isinstance(h, str) and h not in run.upload]
            _uploads(engine, t, run, report, prog, emit)
    except NoExchange:
        stepped_down = True          # the fs-sync/1 run that follows looks at every waiting item again
        raise
    finally:
        report.items.extend(o for cid, o in run.outcomes.items() if cid not in run.live
                            and not (stepped_down and o.status == Outcome.WAITING))


def _call(t: Transport, body: dict, first: bool) -> dict:
    try:
        _, reply = t.call("POST", "/v1/sync", json=body)
        if t.stepped_down:          # a 426: the server does not speak fs-sync/2
            raise NoExchange(t.protocol)
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
    refused: list[tuple[str, dict]] = []          # set aside before sending: (client id, problem)
    size = 0
    with engine.db.read() as s:
        in_batch: set[str] = set()
        while run.queue and len(batch) < MAX_RECORDS:
            cid = run.queue[0]
            item = s.get(OutboxItem, cid)
            if item.kind == "amendment" and not _base_ready(s, item, in_batch):
                run.queue.pop(0)
                run.settle(cid)                          # its record is not on the server yet
                continue
            if len(item.canonical) > RECORD_LIMIT:       # the server would refuse it: 413
                run.queue.pop(0)
                refused.append((cid, problem("request.too_large", limit=RECORD_LIMIT).model_dump()))
                continue
            if batch and size + len(item.canonical) > BATCH_BYTES:
                break
            run.queue.pop(0)
            if run.signer is None:
                run.signer = signing.resolve(engine.signer)   # no device key: the run stops (sign in again)
            try:
                # Signed as a single push is: the frozen record, its hash, the device key's signature.
                push = signing.signed_push(s, item, run.signer, device_time=engine.clock())
            except signing.OutboxMismatch as e:
                refused.append((cid, e.problem))
                continue
            batch.append((cid, push.model_dump(mode="json")))
            size += len(item.canonical)
            if item.kind == "record":
                in_batch.add(item.visit_id)
    for cid, p in refused:
        _quarantine(engine, run, cid, [p])
    return batch


def _base_ready(s, item: OutboxItem, in_batch: set[str]) -> bool:
    return outbox.base_on_server(s, item) or item.visit_id in in_batch


def _quarantine(engine: "SyncEngine", run: _Run, cid: str, problems: list[dict]) -> None:
    engine._quarantine(cid, run.outcomes[cid], problems)
    run.settle(cid)


def _defer(engine: "SyncEngine", t: Transport, run: _Run, cid: str, e: TransientError) -> None:
    """Later, with backoff (a record the server keeps failing on is set aside: engine._defer)."""
    engine._defer(t, cid, run.outcomes[cid], e)
    run.settle(cid)


def _mark(engine: "SyncEngine", run: _Run, cid: str, status: OutboxStatus, received_at: str | None = None) -> None:
    engine._mark(cid, status, received_at=received_at)
    run.live[cid] = status


def _apply_pull(engine: "SyncEngine", reply: dict, report: "SyncReport", run: _Run) -> None:
    if reply.get("pull") is None:
        return
    rep = pulling.PullReport(refreshed_after_412=bool(reply.get("cursor_stale")))
    payload = PullResponse.model_validate(reply["pull"])
    with engine.db.session() as s:
        report.pull = pulling.apply_pull(s, payload, rep)
        if rep.refreshed_after_412:
            # The server was restored from an older backup: ask about every
            # record it had confirmed; those it lacks are sent again.
            known = set(run.confirm) | set(run.queue)
            run.confirm += [i.client_id for i in s.query(OutboxItem).filter(
                OutboxItem.status.in_(AT_SERVER)).order_by(OutboxItem.position)
                if i.client_id not in known]


def _results(engine: "SyncEngine", t: Transport, run: _Run, batch: list[tuple[str, dict]],
             results: list[dict]) -> None:
    by_index = {r.get("index"): r for r in results}
    for i, (cid, _push) in enumerate(batch):
        snap = run.outcomes[cid]
        r = by_index.get(i)
        if r is None or r.get("client_id") != cid:        # not our answer: try again later
            _defer(engine, t, run, cid, TransientError("no result for this record", code="net.body"))
            continue
        code = r.get("code")
        if code in (200, 201):
            _mark(engine, run, cid, OutboxStatus.ACCEPTED, r.get("received_at"))
            _complete_or_wait(engine, t, run, cid, r)
        elif code == 401:
            raise AuthError("auth", code="auth")
        elif isinstance(code, int) and code >= 500:
            # The server failed on this record alone: a server fault, as a 5xx
            # to POST /v1/records would be (set aside after SERVER_FAULT_LIMIT).
            err = (r.get("problems") or [problem("server.error").model_dump()])[0]
            _defer(engine, t, run, cid, ServerFault(code, {"error": err}, ""))
        elif snap.kind == "amendment" and _base_missing(engine, cid, r):
            run.settle(cid)                               # waiting: its record was refused in this batch
        else:
            _quarantine(engine, run, cid, r.get("problems") or [problem("sync.conflict").model_dump()])


def _base_missing(engine: "SyncEngine", cid: str, result: dict) -> bool:
    codes = {p.get("code") for p in result.get("problems") or []}
    if codes != {"sync.base_missing"}:
        return False
    with engine.db.read() as s:
        return not outbox.base_on_server(s, s.get(OutboxItem, cid))


def _states(engine: "SyncEngine", t: Transport, run: _Run, asked: list[str], states: list[dict]) -> None:
    from sync.client.engine import ItemOutcome, Outcome
    by_id = {st.get("client_id"): st for st in states}
    for cid in asked:
        st = by_id.get(cid)
        if st is None:
            continue
        if not st.get("found"):                           # the server lost it: send it again
            _mark(engine, run, cid, OutboxStatus.PENDING)
            if cid not in run.outcomes:                   # a sent record re-checked after a restore
                with engine.db.read() as s:
                    item = s.get(OutboxItem, cid)
                    run.outcomes[cid] = ItemOutcome(cid, item.visit_id, item.kind, Outcome.WAITING)
            run.queue.append(cid)
            continue
        if cid not in run.live:                           # a sent record re-checked after a restore
            continue
        _complete_or_wait(engine, t, run, cid, st)


def _complete_or_wait(engine: "SyncEngine", t: Transport, run: _Run, cid: str, answer: dict) -> None:
    """Sent when the server says complete; else upload what it lacks and
    ask again, once: a photo uploaded in this run and still missing is a
    fault to retry later, not a loop."""
    from sync.client.engine import Outcome
    if answer.get("complete"):
        engine._mark(cid, OutboxStatus.SENT)
        run.outcomes[cid].status = Outcome.SENT
        run.settle(cid)
        return
    missing = [h for h in answer.get("missing_photos") or [] if isinstance(h, str)]
    if not missing or set(missing) <= run.uploaded:
        _defer(engine, t, run, cid, TransientError("record still incomplete", code="sync.incomplete"))
        return
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
                _quarantine(engine, run, cid, [{"code": e.code, "zh": e.zh, "en": e.en, "field": "", "params": {}}])
                run.confirm = [c for c in run.confirm if c != cid]
        except TransientError as e:
            for cid in _citing(engine, run, sha):
                _defer(engine, t, run, cid, e)
                run.confirm = [c for c in run.confirm if c != cid]
            raise


def _cited(engine: "SyncEngine", run: _Run) -> set[str]:
    """Photos of the records still on their way (pending or accepted)."""
    with engine.db.read() as s:
        return {h for cid in run.live for h in outbox.photos_of(s.get(OutboxItem, cid))}


def _citing(engine: "SyncEngine", run: _Run, sha: str) -> list[str]:
    with engine.db.read() as s:
        return [cid for cid in list(run.live) if sha in outbox.photos_of(s.get(OutboxItem, cid))]
