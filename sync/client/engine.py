"""One sync run: pull, then deliver the outbox in order, uploading the photos
each record references, until the server says the record is complete.

Runs off the GUI thread (see worker.py). Every step is persisted as it
happens, so a cancel, a crash or a cut loses nothing and the next run picks
up where this one stopped; retries never need a restart."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from app.domain.times import utc_naive, utc_now
from app.store.db import Database
from app.store.sync_models import OutboxItem, OutboxStatus, PhotoUpload
from sync.client import credentials, outbox, photos, signing, state
from sync.client import exchange as exchanging
from sync.client import pull as pulling
from sync.client.cancel import CancelToken
from sync.client.errors import AuthError, Cancelled, ServerFault, ServerRefused, TransientError, UpgradeRequired
from sync.client.transport import RetryPolicy, Timeouts, Transport
from sync.protocol.exchange import PROTOCOL_2
from sync.protocol.messages import problem
from sync.protocol.schemas import PROTOCOL


@dataclass
class SyncProgress:
    """Handed to the on_progress callback (from the sync thread)."""
    phase: str                   # pull | records | photos | done
    records_total: int = 0
    records_done: int = 0
    photos_total: int = 0
    photos_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    current: str = ""            # visit id being sent


class Outcome(str, enum.Enum):
    """What one run did with an outbox item."""
    SENT = "sent"                # complete on the server
    QUARANTINED = "quarantined"  # set aside with the server's reason
    DEFERRED = "deferred"        # a transient failure: tried again later (backoff)
    WAITING = "waiting"          # an amendment whose record is not on the server yet


@dataclass
class ItemOutcome:
    client_id: str
    visit_id: str
    kind: str
    status: Outcome
    problems: list[dict] = field(default_factory=list)
    error: str = ""
    server_fault: bool = False   # deferred after a 5xx: the link works, the queue goes on


@dataclass
class SyncReport:
    pull: pulling.PullReport | None = None
    items: list[ItemOutcome] = field(default_factory=list)
    auth_error: AuthError | None = None     # sign in again (device revoked, token expired)
    upgrade_required: UpgradeRequired | None = None   # this app is too old for the server
    cancelled: bool = False
    network_error: str = ""
    deadlines: list[outbox.RecordDeadline] = field(default_factory=list)
    bytes_sent: int = 0
    resumed_uploads: int = 0

    def of(self, status: Outcome) -> list[ItemOutcome]:
        return [i for i in self.items if i.status == status]

    @property
    def complete(self) -> bool:
        return not (self.auth_error or self.upgrade_required or self.cancelled or self.network_error) and all(
            i.status in (Outcome.SENT, Outcome.QUARANTINED) for i in self.items)


def defer_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 15 * 2 ** min(attempts, 8)))


# A server found to speak only fs-sync/1 is synced that way for this long
# before the exchange is tried again (one 404 or 426 each time: it may have
# been upgraded meanwhile).
RETRY_EXCHANGE_AFTER = timedelta(hours=6)


class SyncEngine:
    def __init__(self, *, server_url: str, db: Database, photo_source: photos.PhotoSource,
                 token: str | None = None, retry: RetryPolicy | None = None, timeouts: Timeouts | None = None,
                 chunk_size: int = photos.DEFAULT_CHUNK, clock: Callable[[], datetime] | None = None,
                 defer: Callable[[int], timedelta] = defer_delay, before_push: Callable[[], None] | None = None,
                 signer: signing.SignerSource = None, protocol: int | None = None):
        """db: the desktop store. Each step is its own short transaction
        (app.store.db: one writer per transaction); none spans a request.
        protocol: None speaks fs-sync/2 (the exchange) and falls back to
        fs-sync/1 against a server without it; 1 speaks only fs-sync/1."""
        self.server_url = server_url
        self.protocol = protocol
        self.db = db
        self.photo_source = photo_source
        self.token = token
        self.retry, self.timeouts, self.chunk_size = retry or RetryPolicy(), timeouts or Timeouts(), chunk_size
        self.clock = clock or utc_now
        self.defer = defer
        # Called before records are pushed: the app checks there that every
        # outbox copy is the record that was signed (app/services/integrity.py).
        self.before_push = before_push
        self.signer = signer          # the device key that signs each record pushed (sync/client/signing.py)

    def _token(self) -> str | None:
        return self.token or credentials.load_token(self.server_url)

    def run(self, *, cancel: CancelToken | None = None, on_progress: Callable[[SyncProgress], None] | None = None,
            pull: bool = True, push: bool = True) -> SyncReport:
        cancel = cancel or CancelToken()
        report = SyncReport()
        prog = SyncProgress(phase="pull")
        emit = (lambda: on_progress(SyncProgress(**vars(prog)))) if on_progress else (lambda: None)
        v1 = self.protocol == 1 or self._known_v1()
        t = Transport(self.server_url, self._token, retry=self.retry, timeouts=self.timeouts, cancel=cancel,
                      protocol=PROTOCOL if v1 else PROTOCOL_2)
        try:
            if push and self.before_push is not None:
                self.before_push()
            if not v1 and (pull or push) and self._exchange(t, report, prog, emit, pull=pull, push=push):
                return report
            if pull:
                emit()
                report.pull = pulling.pull(t, self.db)
                if report.pull.refreshed_after_412:
                    self._recheck_delivered(t)
            if push:
                self._push_all(t, report, prog, emit)
        except AuthError as e:
            report.auth_error = e
        except UpgradeRequired as e:
            report.upgrade_required = e
        except Cancelled:
            report.cancelled = True
        except TransientError as e:
            report.network_error = str(e)
        finally:
            t.close()
            with self.db.read() as s:
                report.deadlines = outbox.deadlines(s, self.clock(), client_ids=[i.client_id for i in report.items])
            prog.phase = "done"
            emit()
        return report

    def _exchange(self, t: Transport, report: SyncReport, prog: SyncProgress, emit, *, pull: bool,
                  push: bool) -> bool:
        """The run over fs-sync/2; False if the server speaks only fs-sync/1."""
        if pull:
            emit()
        try:
            exchanging.sync(self, t, report, prog, emit, pull=pull, push=push)
        except exchanging.NoExchange:
            with self.db.session() as s:
                state.put(s, "server_protocol", f"{PROTOCOL} {self.clock().isoformat()}")
            return False
        return True

    def _known_v1(self) -> bool:
        with self.db.read() as s:
            noted = state.get(s, "server_protocol")
        if not noted or not noted.startswith(f"{PROTOCOL} "):
            return False
        try:
            since = datetime.fromisoformat(noted.split(" ", 1)[1])
        except ValueError:
            return False
        return self.clock() - since < RETRY_EXCHANGE_AFTER

    # --- push -------------------------------------------------------------

    def _push_all(self, t: Transport, report: SyncReport, prog: SyncProgress, emit) -> None:
        with self.db.read() as s:
            items = [i.client_id for i in outbox.deliverable(s, self.clock())]
            shas = {h for cid in items for h in outbox.photos_of(s.get(OutboxItem, cid))}
            done = {p.sha256 for p in s.query(PhotoUpload).filter(PhotoUpload.done.is_(True))} if shas else set()
        todo = sorted(shas - done)
        prog.phase, prog.records_total, prog.photos_total = "records", len(items), len(todo)
        prog.bytes_total = sum(self._size(h) for h in todo)
        emit()
        consecutive_failures = 0
        for cid in items:
            t.cancel.check()
            outcome = self._deliver(t, cid, report, prog, emit)
            report.items.append(outcome)
            if outcome.status == Outcome.DEFERRED and not outcome.server_fault:
                consecutive_failures += 1
                if consecutive_failures >= 2:       # the link is down: leave the rest for the next run
                    report.network_error = outcome.error
                    return
            else:
                consecutive_failures = 0
            if outcome.status in (Outcome.SENT, Outcome.QUARANTINED):
                prog.records_done += 1
                emit()

    def _size(self, sha: str) -> int:
        try:
            src = self.photo_source(sha)
            return len(src) if isinstance(src, (bytes, bytearray)) else src.stat().st_size
        except (OSError, KeyError):
            return 0

    def _deliver(self, t: Transport, cid: str, report: SyncReport, prog: SyncProgress, emit) -> ItemOutcome:
        with self.db.read() as s:
            item = s.get(OutboxItem, cid)
            snap = ItemOutcome(cid, item.visit_id, item.kind, Outcome.WAITING)
            if item.kind == "amendment" and not outbox.base_on_server(s, item):
                return snap
            pending = item.status == OutboxStatus.PENDING       # else accepted: the server has it already
            try:
                push = (signing.signed_push(s, item, signing.resolve(self.signer), device_time=self.clock())
                        if pending else None)
            except signing.OutboxMismatch as e:
                push, mismatch = None, e
            else:
                mismatch = None
        if mismatch is not None:
            return self._quarantine(cid, snap, [mismatch.problem])
        prog.current = snap.visit_id
        try:
            if pending:
                code, body = t.call("POST", "/v1/records", json=push.model_dump(mode="json"))
                if code in (409, 422):
                    problems = body.get("problems") or [problem("sync.conflict").model_dump()]
                    return self._quarantine(cid, snap, problems)
                self._mark(cid, OutboxStatus.ACCEPTED, received_at=body.get("received_at"))
                missing = body.get("missing_photos", [])
            else:
                code, body = t.call("GET", f"/v1/records/{cid}")
                missing = body.get("missing_photos", [])
            for sha in missing:
                self._upload(t, sha, report, prog, emit)
            if not pending or missing:
                # Each upload was confirmed verified; ask once more only when
                # resuming, or after uploads (another blob may still be absent).
                code, body = t.call("GET", f"/v1/records/{cid}")
            if not body.get("complete"):
                raise TransientError("record still incomplete", code="sync.incomplete")
            self._mark(cid, OutboxStatus.SENT)
            snap.status = Outcome.SENT
            return snap
        except photos.PhotoDamaged as e:
            return self._quarantine(cid, snap, [{"code": e.code, "zh": e.zh, "en": e.en, "field": "", "params": {}}])
        except ServerRefused as e:
            return self._quarantine(cid, snap, [e.body.get("error") or {"code": e.code, "zh": e.zh, "en": e.en}])
        except TransientError as e:
            return self._defer(t, cid, snap, e)

    def _defer(self, t: Transport, cid: str, snap: ItemOutcome, e: TransientError) -> ItemOutcome:
        """Try again later, with backoff. A server fault (5xx) from a server
        that answers us (not a captive portal's page) counts: at the limit
        the item is set aside with the server's message (CommCare's
        quarantine) and the rest of the queue goes on."""
        fault = isinstance(e, ServerFault) and (e.ours or t.answered)
        with self.db.session() as s:
            faults = outbox.defer(s, cid, str(e), now=self.clock(), delay=self.defer, server_fault=fault)
        if fault and faults >= outbox.SERVER_FAULT_LIMIT:
            return self._quarantine(cid, snap, [outbox.server_failed(e, faults)])
        snap.status, snap.error, snap.server_fault = Outcome.DEFERRED, str(e), fault
        return snap

    def _recheck_delivered(self, t: Transport) -> None:
        """The server was restored from an older backup: records it confirmed
        since then may be gone. Ask about each; send again what it lacks."""
        with self.db.read() as s:
            cids = [i.client_id for i in s.query(OutboxItem).filter(OutboxItem.status.in_(outbox.AT_SERVER))]
        for cid in cids:
            try:
                t.call("GET", f"/v1/records/{cid}")
            except ServerRefused as e:
                if e.status == 404:
                    self._mark(cid, OutboxStatus.PENDING)

    def _upload(self, t: Transport, sha: str, report: SyncReport, prog: SyncProgress, emit) -> None:
        reader = photos.open_source(self.photo_source, sha)
        base = prog.bytes_done

        def on_offset(offset: int) -> None:
            prog.bytes_done = base + offset
            emit()
        with self.db.session() as s:
            row = s.get(PhotoUpload, sha) or PhotoUpload(sha256=sha, size=reader.size, offset=0, done=False,
                                                        attempts=0)
            row.attempts += 1
            first_try = row.attempts == 1
            s.add(row)
        out = photos.upload(t, sha, reader, chunk_size=self.chunk_size, on_offset=on_offset,
                            start_offset=0 if first_try else None)
        report.bytes_sent += out.sent_bytes
        report.resumed_uploads += out.resumed
        prog.bytes_done, prog.photos_done = base + reader.size, prog.photos_done + 1
        emit()
        with self.db.session() as s:
            row = s.get(PhotoUpload, sha)
            row.offset, row.done, row.updated_at = reader.size, True, utc_naive(self.clock())

    def _quarantine(self, cid: str, snap: ItemOutcome, problems: list[dict]) -> ItemOutcome:
        with self.db.session() as s:
            outbox.quarantine(s, cid, problems)
        snap.status, snap.problems = Outcome.QUARANTINED, problems
        return snap

    def _mark(self, cid: str, status: OutboxStatus, *, received_at: str | None = None) -> None:
        with self.db.session() as s:
            outbox.mark(s, cid, status, received_at=received_at, now=self.clock())
