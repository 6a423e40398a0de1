"""Garbage collection of uploads and blobs (`field-sampler-server gc`, and
`serve` on a schedule), for either blob store.

1. An open upload untouched for `upload_expiry_hours` is dropped (its
   partial file, or its multipart upload and tail object, and its row).
2. Upload leftovers no row owns (a server died between the store and the
   database) go once they are as old as that.
3. A verified blob that no record, amendment or follow-up file cites goes once it is
   older than `blob_grace_hours`. Nothing cited is ever removed: on
   PostgreSQL the citing tables are locked in SHARE mode while the rows are
   deleted, so a push that is citing a blob at that moment either commits
   first (and the blob stays) or waits (and its photo is then reported
   missing and uploaded again); on SQLite writers are serialised anyway.
4. A stored object with no blob row (a server died between publishing and
   registering it), older than the grace period and with no open upload,
   goes too."""
from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, text

from sync.server.blobs.locks import lock_id
from sync.server.blobs.models import Blob, BlobHolder, BlobUpload
from sync.server.blobs.store import BlobBusy
from sync.server.db import Database, is_postgres, utcnow
from sync.server.followups.models import FollowUpFile
from sync.server.records.models import AmendmentRecord, RecordPhoto

log = logging.getLogger("field_sampler.server.gc")
BATCH = 200


@dataclass
class GcReport:
    expired_uploads: int = 0
    stray_uploads: int = 0
    orphan_blobs: int = 0
    unregistered_objects: int = 0

    def line(self) -> str:
        return ", ".join(f"{f.name.replace('_', ' ')} removed: {getattr(self, f.name)}" for f in fields(self))


def collect(*, db: Database, store, settings, now: datetime | None = None) -> GcReport:
    now = now or utcnow()
    uploads_before = now - timedelta(hours=settings.upload_expiry_hours)
    blobs_before = now - timedelta(hours=settings.blob_grace_hours)
    report = GcReport()
    report.expired_uploads = _expire_uploads(db, store, uploads_before)
    with db.session() as s:
        live = list(s.scalars(select(BlobUpload)))
    for kind, name, upload_id in list(store.stray_uploads(uploads_before, live)):
        store.drop_stray(kind, name, upload_id)
        report.stray_uploads += 1
    report.orphan_blobs = _orphan_blobs(db, store, blobs_before)
    report.unregistered_objects = _unregistered_objects(db, store, blobs_before)
    return report


def _expire_uploads(db: Database, store, before: datetime) -> int:
    with db.session() as s:
        keys = [(r.sha256, r.length, r.owner) for r in
                s.scalars(select(BlobUpload).where(BlobUpload.touched_at < before))]
    n = 0
    for sha, length, owner in keys:
        try:
            held = store.open_append(sha, length, owner)     # no chunk of it is being written now
        except BlobBusy:
            continue
        with held:
            with db.session() as s:
                row = s.get(BlobUpload, (sha, length, owner))
                if row is None or row.touched_at >= before:  # touched meanwhile
                    continue
            store.discard(sha, length, owner)
            with db.session() as s:
                s.execute(delete(BlobUpload).where(BlobUpload.sha256 == sha, BlobUpload.length == length,
                                                   BlobUpload.owner == owner))
            n += 1
    return n


def _cited(session, sha: str) -> bool:
    if session.scalar(select(exists().where(RecordPhoto.sha256 == sha))):
        return True
    if session.scalar(select(exists().where(FollowUpFile.sha256 == sha))):     # a console attachment
        return True
    # An amendment cites the party's confirmation image inside its document.
    return bool(session.scalar(select(exists().where(AmendmentRecord.document.contains(sha)))))


def _orphan_blobs(db: Database, store, before: datetime) -> int:
    with db.session() as s:
        candidates = list(s.scalars(select(Blob.sha256).where(
            Blob.stored_at < before, ~exists().where(RecordPhoto.sha256 == Blob.sha256))))
    removed: list[str] = []
    for i in range(0, len(candidates), BATCH):
        with db.session() as s:
            if is_postgres(s):
                s.execute(text("LOCK TABLE record_photos, amendments, followup_files IN SHARE MODE"))
            for sha in candidates[i:i + BATCH]:
                if not _cited(s, sha):
                    _forget_blob(s, sha)
                    removed.append(sha)
    for sha in removed:                 # rows first: a blob with no row is only unregistered bytes
        store.delete(sha)
    return len(removed)


def _forget_blob(session, sha: str) -> None:
    """The blob and every team's proof of holding it (a team that uploads
    it again holds it again)."""
    session.execute(delete(BlobHolder).where(BlobHolder.sha256 == sha))
    session.execute(delete(Blob).where(Blob.sha256 == sha))


def _unregistered_objects(db: Database, store, before: datetime) -> int:
    old = [sha for sha, _size, modified in store.list_blobs() if modified < before]
    n = 0
    for i in range(0, len(old), BATCH):
        batch = old[i:i + BATCH]
        with db.session() as s:
            known = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(batch))))
            known |= set(s.scalars(select(BlobUpload.sha256).where(BlobUpload.sha256.in_(batch))))
        for sha in batch:
            if sha not in known:
                store.delete(sha)
                n += 1
    return n


def run_once(db: Database, store, settings) -> GcReport | None:
    """One collection, unless another process or machine is running one
    (PostgreSQL advisory lock; SQLite: one machine, one scheduler)."""
    if db.engine.dialect.name != "postgresql":
        return collect(db=db, store=store, settings=settings)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        key = lock_id("field-sampler-gc")
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            return None
        try:
            return collect(db=db, store=store, settings=settings)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


class Scheduler:
    """`serve` runs gc every `gc_interval_s`, the first time after a
    shorter random delay, so that servers restarted often still collect."""

    def __init__(self, db: Database, store, settings):
        self.db, self.store, self.settings = db, store, settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> None:
        if self.settings.gc_interval_s > 0:
            self._thread = threading.Thread(target=self._loop, daemon=True, name="blob-gc")
            self._thread.start()

    def _loop(self) -> None:
        interval = self.settings.gc_interval_s
        wait = min(interval, 300.0) * random.uniform(0.5, 1.0)
        while not self._stop.wait(wait):
            try:
                report = run_once(self.db, self.store, self.settings)
                if report is not None:
                    self.runs += 1
                    log.info("gc: %s", report.line())
            except Exception:           # noqa: BLE001 - the next run tries again
                log.exception("gc failed")
            wait = interval

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
